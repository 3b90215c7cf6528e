"""Claim use cases (취소/반품/교환), the refund calculation and settlement, added lines, address change.

Every step is load (1 consistent Query) → a pure rule of ``oms.domain`` → one transaction
(``services.orders.commit``); the calculation is a preview (the order's Query and the site's
settings, nothing written). Settling posts the calculation's charges and the points it sends back
in one transaction, then (direction ``refund``) pays out the order's negative outstanding through
its payments (``services.payouts``): two admins settling the same claim both decide on the same
version, one commits and refunds, the other is answered 409 VERSION_CONFLICT and refunds nothing.
"""

from __future__ import annotations

from dataclasses import asdict, replace
from typing import Any

from oms.domain import balance, refunds
from oms.domain import claims as rules
from oms.domain.errors import Conflict, DomainError
from oms.domain.exchange_options import ExchangeOption
from oms.domain.order import Actor, Change, Event, Option, Order, Recipient
from oms.domain.pricing import LineInput, stock_keys_for
from oms.domain.remote_areas import DEFAULT_ZONES, Zone, remote_fee
from oms.schemas.claims import (
    AddLineIn,
    BuyerClaimIn,
    CalculateIn,
    ClaimIn,
    ClaimStepIn,
    CollectionIn,
    ExchangeOptionIn,
    SettleIn,
)
from oms.schemas.settings import ClaimSettings
from oms.services import claim_views, effects, payment_requests, payouts
from oms.services.orders import Committed, run, run_change
from oms.store import orders, points, stock
from oms.store import payouts as lease_store
from oms.store import settings as settings_store
from oms.store.orders import Write

POINTS_RESTORE_ACTOR = Actor("system", "points", "적립금")


# ---- settings and views -------------------------------------------------------------------------


def zones(s: ClaimSettings) -> tuple[Zone, ...]:
    if s.remote_zones is None:
        return DEFAULT_ZONES
    return tuple(Zone(z.start, z.end, z.fee, z.name_ko) for z in s.remote_zones)


def refund_settings(site_id: str, *, preview: bool = False) -> tuple[refunds.RefundSettings, int | None]:
    """The site's refund rules; ``preview``: for an answer that decides no write, as this container
    read them moments ago (:func:`oms.store.settings.for_preview`), else strongly consistent."""
    s = (settings_store.for_preview(site_id) if preview else effects.site_settings(site_id)).claims
    rs = refunds.RefundSettings(
        return_shipping_fee=s.return_shipping_fee, free_shipping_threshold=s.free_shipping_threshold,
        base_shipping_fee=s.base_shipping_fee, coupon_recovery=s.coupon_recovery,
        remote_return_surcharge=s.remote_return_surcharge, remote_zones=zones(s))
    return rs, s.coupon_min_order_amount


def claims_view(order: Order) -> dict[str, Any]:
    return {
        "order_id": order.order_id, "version": order.version,
        "claims": [claim_views.claim_view(order, c) for _, c in sorted(order.claims.items())],
        "charges": [asdict(c) for c in order.charges],
        "reasons": reasons(),
        "amounts": {"order_amount": order.order_amount, "charges": balance.charges_total(order),
                    "paid": order.paid_total, "refunded": order.refunded_total, "outstanding": order.outstanding},
    }


def calculation_view(calc: refunds.Calculation) -> dict[str, Any]:
    return orders.plain(calc.as_dict())


def reasons() -> list[dict[str, str]]:
    return [{"code": r.value, "ko": r.ko, "fault": r.fault} for r in rules.Reason]


# ---- claims ---------------------------------------------------------------------------------------


def _reason(code: str) -> rules.Reason:
    try:
        return rules.Reason(code)
    except ValueError as exc:
        raise DomainError("CLAIM_REASON_INVALID", "사유를 목록에서 선택하세요.", field="reason", status=400,
                          extra={"allowed": [r.value for r in rules.Reason]}) from exc


def _collection(c: CollectionIn | None) -> rules.Collection | None:
    return rules.Collection(c.method, c.courier, c.tracking_no) if c else None


def _exchange_option(body: ClaimIn | BuyerClaimIn) -> ExchangeOption | None:
    x = body.exchange_option
    if x is None:
        return None
    if isinstance(body, ClaimIn) and isinstance(x, ExchangeOptionIn):
        return ExchangeOption([Option(o.name, o.value, o.price) for o in x.options], x.product_code)
    return ExchangeOption([Option(o.name, o.value, 0) for o in x.options])


def _take_replacement_stock(site_id: str, before: Order, change: Change) -> Write:
    """The exchanges this change accepted take their replacement's stock (tracked SKUs only), each
    deduction conditioned on ``quantity >= n`` in the change's transaction: short → 409 OUT_OF_STOCK."""
    write = Write()
    for cid, claim in change.order.claims.items():
        rep = claim.replacement
        was = before.claims.get(cid)
        if rep is None or rep.accepted_at is None or (was and was.replacement and was.replacement.accepted_at):
            continue
        tracked = stock.tracked(site_id, list(rep.stock_keys)) if rep.stock_keys else {}
        claim.replacement = replace(rep, stock_keys=tuple(k for k in rep.stock_keys if k in tracked))
        n = sum(i.quantity for i in claim.items)
        for sku in sorted(tracked):
            write.add(stock.deduct_action(site_id, sku, n),
                      Conflict("OUT_OF_STOCK", f"재고가 부족합니다: {sku} (교환 {n}개)",
                               extra={"sku": sku, "requested": n, "available": tracked[sku], "claim_id": cid}))
    return write


def request(site_id: str, order_id: str, body: ClaimIn | BuyerClaimIn, actor: Actor) -> Committed:
    """Open a claim (admin: any type, may override the fault, and may complete a cancel at once —
    request + complete in one transaction; buyer: what moves.py allows buyers). The body's own rules
    (a known reason, complete only for a cancel) are checked once the order is found in the site, so
    another site's order answers 404 whatever the body says."""
    admin = isinstance(body, ClaimIn)
    fault = body.fault if isinstance(body, ClaimIn) else None
    expected = body.expected_version if isinstance(body, ClaimIn) else None
    complete = isinstance(body, ClaimIn) and body.complete
    items = [(i.line_id, i.quantity) for i in body.items]
    exchange_option = _exchange_option(body)

    def decide(o: Order, at: str) -> Change:
        reason = _reason(body.reason)
        if complete and body.type != "cancel":
            raise DomainError("CLAIM_COMPLETE_CANCEL_ONLY", "즉시 완료는 취소 클레임만 가능합니다.", field="complete",
                              status=400)
        asked = rules.request_claim(o, body.type, items, reason, actor, at, collection=_collection(body.collection),
                                    fee_payment=body.fee_payment, note=body.note, fault=fault,
                                    exchange_option=exchange_option)
        if not complete:
            return asked
        cid = f"C{asked.order.next_claim_no - 1:03d}"
        done = rules.complete_claim(asked.order, cid, actor, at)
        restore = dict(asked.stock_restore)
        for k, v in done.stock_restore.items():
            restore[k] = restore.get(k, 0) + v
        return Change(done.order, [*asked.events, *done.events], asked.touched_lines | done.touched_lines, restore)

    return run(site_id, order_id, actor, lambda o, at: _with_stock(site_id, o, decide(o, at)),
               action="claim_request" if admin else "buyer_claim_request", expected_version=expected)


def _with_stock(site_id: str, before: Order, change: Change) -> tuple[Change, Write]:
    return change, _take_replacement_stock(site_id, before, change)


STEPS: dict[str, rules.ClaimAction] = {"collecting": "collecting", "collected": "collected", "on_hold": "on_hold",
                                       "release": "release", "reject": "rejected", "withdraw": "withdrawn"}


def step(site_id: str, order_id: str, claim_id: str, body: ClaimStepIn, actor: Actor) -> Committed:
    """One step of a claim: collecting, collected, on_hold ↔ release, reject, withdraw, complete."""
    if body.to == "complete":
        return run_change(site_id, order_id, actor, lambda o, at: rules.complete_claim(o, claim_id, actor, at),
                          body.expected_version, "claim_complete")
    hold = rules.Hold(body.hold.amount, body.hold.reason) if body.hold else None
    to = STEPS[body.to]
    def decide(o: Order, at: str) -> Change:
        return rules.advance_claim(o, claim_id, to, actor, at, collection=_collection(body.collection), hold=hold,
                                   reason=body.reason, exchange_option_price=body.exchange_option_price)

    return run(site_id, order_id, actor, lambda o, at: _with_stock(site_id, o, decide(o, at)),
               action=f"claim_{body.to}", expected_version=body.expected_version)


def calculate(site_id: str, order_id: str, claim_id: str, body: CalculateIn) -> dict[str, Any]:
    """The refund calculation (preview): the order's Query + the site's settings (as read in this
    container moments ago: nothing is written on them; the settlement reads them afresh)."""
    order = orders.load(site_id, order_id)
    rs, coupon_min = refund_settings(site_id, preview=True)
    calc = refunds.calculate(order, claim_id, body.basis, rs, body.adjustment, body.adjustment_reason, coupon_min)
    return calculation_view(calc)


def estimate(order: Order, claim_id: str) -> dict[str, Any] | None:
    """The refund estimate a buyer sees (basis 실결제가, the site's rules), or None where there is none."""
    try:
        rs, coupon_min = refund_settings(order.site_id, preview=True)
        calc = refunds.calculate(order, claim_id, "paid", rs, 0, None, coupon_min)
    except (DomainError, NotImplementedError):
        return None
    return {"total": calc.total, "points_back": calc.points_back, "return_fee": calc.return_fee.amount,
            "product": calc.product.amount, "shipping_refunded": calc.shipping_refunded.amount,
            "option_difference": calc.option_difference.amount, "basis": calc.basis}


class _LeaseHeld(Conflict):
    """The settlement's lease action found another refund run's lease."""


def settle(site_id: str, order_id: str, claim_id: str, body: SettleIn, actor: Actor) -> dict[str, Any]:
    """정산: the calculation's charges and points back in one transaction (``services.orders.run``),
    then (refund) the payout. A settlement that leaves the order owing the buyer takes the order's
    payout lease in that same transaction, and the payout decides on the order as committed: one
    card payment paid back is 3 reads and 3 writes besides the PG call."""
    calculated: list[refunds.Calculation] = []
    lease: dict[str, str | bool] = {"wanted": body.direction == "refund"}

    def decide(order: Order, at: str) -> tuple[Change, Write]:
        rs, coupon_min = refund_settings(site_id)
        calc = refunds.calculate(order, claim_id, body.basis, rs, body.adjustment, body.adjustment_reason,
                                 coupon_min)
        change = refunds.settle(order, calc, body.direction, actor, at)
        write = Write()
        _restore_points(order, change, calc, write, at)
        lease.pop("token", None)
        if lease["wanted"] and change.order.outstanding < 0:
            token, take = lease_store.take_action(site_id, order_id, actor.id)
            held = lease_store.in_progress()
            write.add(take, _LeaseHeld(held.code, held.message_ko))
            lease["token"] = token
        calculated.append(calc)
        return change, write

    try:
        committed = run(site_id, order_id, actor, decide, action="claim_settle",
                        expected_version=body.expected_version)
    except _LeaseHeld:  # another refund run holds the lease: settled all the same, its refund reports it
        lease["wanted"] = False
        committed = run(site_id, order_id, actor, decide, action="claim_settle",
                        expected_version=body.expected_version)
    saved, calc = committed.order, calculated[-1]
    out: dict[str, Any] = {"calculation": calculation_view(calc), "refund": None}
    if body.direction == "refund" and saved.outstanding < 0:
        token = lease.get("token")
        try:
            payout = payouts.refund_outstanding(site_id, order_id, actor, reason=body.reason,
                                                refund_account=payouts.account(body.refund_account),
                                                lease=token if isinstance(token, str) else None, read=saved)
            out["refund"] = payout.as_dict()
        except DomainError as exc:  # settled all the same: the refund is retried with POST …/refunds
            out["refund"] = {"requested": -saved.outstanding, "refunded": 0, "left": -saved.outstanding,
                             "results": [], "error": exc.as_dict()}
        out["order"] = orders_detail(site_id, order_id)
    elif body.direction == "request" and saved.outstanding > 0:
        # 결제요청 pressed: the request for the outstanding is made at once (its own transaction)
        try:
            asked = payment_requests.create(site_id, order_id, actor, note=f"{claim_id} 정산", read=saved)
            out["order"] = asked.detail()
            out["payment_request"] = out["order"]["payment_requests"][0]
        except DomainError as exc:  # e.g. one is already open: settled all the same
            out["order"] = committed.detail()
            out["payment_request"] = {"error": exc.as_dict()}
    else:
        if isinstance(lease.get("token"), str):  # taken, yet the order owes nothing after all
            lease_store.give_back(site_id, order_id, str(lease["token"]))
        out["order"] = committed.detail()
    return out


def orders_detail(site_id: str, order_id: str) -> dict[str, Any]:
    from oms.services.orders import get_detail

    return get_detail(site_id, order_id, consistent=True)


def _restore_points(order: Order, change: Change, calc: refunds.Calculation, write: Write, at: str) -> None:
    """Points the claimed units used go back to the member's ledger (one entry, in the transaction)."""
    member = order.buyer.member_id
    if calc.points_back <= 0 or not member:
        return
    ref = f"{order.order_id}#v{order.version + 1:08d}#restore"
    entry = points.entry_item(order.site_id, member, at=at, ref=ref, kind="restore", amount=calc.points_back,
                              reason=f"주문 {order.order_id} {calc.claim_id} 정산: 사용 적립금 복원", by="system",
                              order_id=order.order_id, claim_id=calc.claim_id)
    points.add_entries(write, order.site_id, member, [entry], at)
    change.events.append(Event("points_restored", POINTS_RESTORE_ACTOR, at, {
        "member_id": member, "amount": calc.points_back, "claim_id": calc.claim_id,
        "text_ko": f"사용 적립금 {calc.points_back:,}원 복원 ({calc.claim_id})"}))


# ---- added lines and the address ------------------------------------------------------------------


def add_line(site_id: str, order_id: str, body: AddLineIn, actor: Actor) -> Committed:
    """추가: a line priced like intake, its stock deducted in the same transaction."""
    li = LineInput(product_code=body.product_code, product_name=body.product_name, kind=body.kind,
                   quantity=body.quantity, unit_price=body.unit_price,
                   options=[Option(o.name, o.value, o.price) for o in body.options], combination=body.combination,
                   product_discount=body.product_discount, points_eligible=body.points_eligible,
                   membership_days=body.membership_days)
    skus = stock_keys_for(li)
    tracked = stock.tracked(site_id, skus) if skus else {}

    def decide(order: Order, at: str) -> tuple[Change, Write]:
        if body.expected_version is not None and body.expected_version != order.version:
            raise orders.version_conflict()
        change = balance.add_line(order, li, actor, at, shipping_fee=body.shipping_fee)
        write = Write()
        new_ids = {line.line_id for line in change.order.lines} - {line.line_id for line in order.lines}
        for line in change.order.lines:
            if line.line_id in new_ids:
                line.stock_keys = [k for k in (line.stock_keys or skus) if k in tracked]
        for sku in sorted(tracked):
            write.add(stock.deduct_action(site_id, sku, li.quantity),
                      Conflict("OUT_OF_STOCK", f"재고가 부족합니다: {sku} (추가 {li.quantity}개)",
                               extra={"sku": sku, "requested": li.quantity, "available": tracked[sku]}))
        return change, write

    return run(site_id, order_id, actor, decide, action="add_line")


def change_recipient(site_id: str, order_id: str, recipient: Recipient, actor: Actor,
                     expected_version: int | None = None) -> Committed:
    """배송지 변경 after payment, before anything ships; the remote-area fee follows the postal code."""
    fee = remote_fee(recipient.postal_code, zones(effects.site_settings(site_id).claims))
    return run_change(site_id, order_id, actor,
                      lambda o, at: balance.change_address(o, recipient, fee, actor, at),
                      expected_version, "change_recipient")
