"""결제요청: asking the buyer for the order's outstanding amount, and the buyer paying it through the PG.

- The admin creates a request for the outstanding (> 0) at that moment; one open at a time; the
  admin may cancel it while nothing is being paid.
- The buyer (member or guest) sees it on the order and pays it: by card (the PG's payment window
  approves it; we confirm by looking the payment up at the PG: status, amount and order id must
  agree) or by a new virtual account (issued through the PG port; the PG's deposit callback then
  records the deposit like any other: ``services.webhooks``).
- Every step is one load + one transaction of the order (version condition) with the request item
  updated under a condition on its status: a confirmation sent twice records one payment.
"""

from __future__ import annotations

import secrets
from typing import Any, Literal

from oms.domain import payment_requests as rules
from oms.domain.closing import update_closed
from oms.domain.errors import Conflict, DomainError, NotFound
from oms.domain.order import Actor, Change, Event, Order
from oms.integrations.pg import PgError, gateway
from oms.services.orders import Committed, run
from oms.store import checkout, orders, payreqs, settings
from oms.store import payments as pay_store
from oms.store.orders import Write, plain
from oms.store.table import Item


def pending(items: list[Item], now: str, overrides: dict[str, dict[str, Any]] | None = None) -> int:
    """Money on its way to the order (payments waiting for their deposit), with ``overrides``
    (payment id → fields a change is about to set) laid over the stored payments."""
    pays = pay_store.payment_items(items)
    return rules.pending_total(({**p, **(overrides or {}).get(pid, {})} for pid, p in pays.items()), now)


def open_request(items: list[Item]) -> dict[str, Any] | None:
    return next((r for r in payreqs.views(items) if r["status"] in payreqs.OPEN_STATUSES), None)


def close_covered(site_id: str, order_id: str, items: list[Item], after: Order,
                  overrides: dict[str, dict[str, Any]], write: Write, events: list[Event], actor: Actor,
                  at: str) -> Item | None:
    """Money that is not the request's own arrived (a deposit, another payment): an ``open`` request
    that now asks for more than is still requestable closes in the same transaction, on the timeline.
    Answers the request item as written (None when nothing closed)."""
    req = next((r for r in payreqs.views(items) if r["stored_status"] == "open"), None)
    if req is None:
        return None
    pending_after = pending(items, at, overrides)
    if not rules.no_longer_needed(int(req["amount"]), after, pending_after):
        return None
    request_id = str(req["request_id"])
    fields = {"status": "cancelled", "cancelled_at": at, "cancelled_by": actor.as_dict(),
              "cancel_reason": "다른 결제로 충당되어 자동으로 닫힘", "covered": True}
    write.add(*payreqs.set_action(site_id, order_id, request_id, "open", fields))
    left = rules.requestable(after, pending_after)
    events.append(event("payment_request_covered", actor, at,
                         f"결제요청 {int(req['amount']):,}원이 다른 결제로 충당되어 닫혔습니다"
                         + (f" (남은 미결금액 {left:,}원은 다시 요청하세요)" if left else ""),
                         request_id=request_id, amount=int(req["amount"]), left=left))
    return payreqs.request_item(site_id, order_id, request_id, **fields)


def find(items: list[Item], request_id: str) -> dict[str, Any]:
    for r in payreqs.views(items):
        if r["request_id"] == request_id:
            return r
    raise NotFound("payment_request", request_id)


def event(kind: str, actor: Actor, at: str, text: str, **data: Any) -> Event:
    return Event(kind, actor, at, {**data, "text_ko": text})


# ---- admin --------------------------------------------------------------------------------------


def create(site_id: str, order_id: str, actor: Actor, note: str | None = None,
           expected_version: int | None = None) -> Committed:
    """결제요청 for the outstanding amount (refused when nothing is owed or one is open)."""

    def decide(order: Order, items: list[Item], at: str) -> tuple[Change, Write]:
        if expected_version is not None and expected_version != order.version:
            raise orders.version_conflict()
        amount = rules.check_requestable(order, pending(items, at))
        current = open_request(items)
        if current is not None:
            raise Conflict("PAYMENT_REQUEST_OPEN", "이미 진행 중인 결제요청이 있습니다. 취소 후 다시 요청하세요.",
                           extra={"request_id": current["request_id"]})
        request_id = "R" + secrets.token_hex(4)
        item = payreqs.request_item(
            site_id, order_id, request_id, status="open", amount=amount, created_at=at, created_by=actor.as_dict(),
            note=note, order_amount=order.order_amount, net_paid=order.net_paid,
            pg_order_id=f"{order_id}-{request_id}", attempts=0)
        write = Write()
        write.add(*payreqs.put_new(item))
        provider = settings.get(site_id).payments.pg_provider
        if provider:  # a card payment the buyer makes for it reaches us even if the buyer never reports it
            write.add(*pay_store.ref_put_action(pay_store.request_ref_item(
                provider, str(item["pg_order_id"]), site_id, order_id, request_id)))
        ev = event("payment_requested", actor, at, f"결제요청 {amount:,}원", request_id=request_id, amount=amount,
                    **({"note": note} if note else {}))
        return Change(order.clone(), [ev], set()), write.with_written([item])

    return run(site_id, order_id, actor, decide, action="payment_request")


def cancel(site_id: str, order_id: str, request_id: str, actor: Actor, reason: str | None = None) -> Committed:
    """Cancel a request while nothing is paid: an open one, or one whose virtual account still waits
    (the account is cancelled at the PG first; a deposit that arrived meanwhile wins: 409)."""
    _, items = orders.load_order(site_id, order_id)
    req = find(items, request_id)
    waiting = pay_store.payment_items(items).get(str(req.get("payment_id") or "")) \
        if req["status"] == "awaiting_deposit" else None
    if waiting is not None and waiting.get("status") == "pending" and waiting.get("provider"):
        try:
            gateway(str(waiting["provider"])).cancel(str(waiting["pg_payment_key"]), reason=reason or "결제요청 취소")
        except PgError as exc:
            raise DomainError("PG_CANCEL_FAILED", f"가상계좌 취소 실패: {exc.message}", status=502,
                              extra={"pg_code": exc.code}) from exc

    def decide(order: Order, items: list[Item], at: str) -> tuple[Change, Write]:
        req = find(items, request_id)
        if req["status"] not in payreqs.OPEN_STATUSES:
            raise Conflict("PAYMENT_REQUEST_CLOSED", "이미 결제되었거나 취소된 결제요청은 취소할 수 없습니다.",
                           extra={"request_id": request_id, "request_status": req["status"]})
        write = Write()
        written: list[Item] = []
        if req["stored_status"] == "awaiting_deposit":
            written.append(close_waiting(site_id, order_id, req, write, at))
        fields = {"status": "cancelled", "cancelled_at": at, "cancelled_by": actor.as_dict(), "cancel_reason": reason}
        write.add(*payreqs.set_action(site_id, order_id, request_id, str(req["stored_status"]), fields))
        ev = event("payment_request_cancelled", actor, at, f"결제요청 취소 ({req['amount']:,}원)",
                    request_id=request_id, **({"reason": reason} if reason else {}))
        written.append(payreqs.request_item(site_id, order_id, request_id, **fields))
        return Change(order.clone(), [ev], set()), write.with_written(written)

    return run(site_id, order_id, actor, decide, action="payment_request_cancel")


# ---- buyer --------------------------------------------------------------------------------------


def provider_of(site_id: str) -> str:
    provider = settings.get(site_id).payments.pg_provider
    if not provider:
        raise DomainError("NO_PG", "PG가 연동되지 않은 사이트입니다. 판매자에게 문의하세요.", status=409)
    return provider


def payable(items: list[Item], request_id: str) -> dict[str, Any]:
    req = find(items, request_id)
    if req["status"] not in payreqs.OPEN_STATUSES:
        raise Conflict("PAYMENT_REQUEST_CLOSED", "이미 결제되었거나 취소된 결제요청입니다.",
                       extra={"request_id": request_id, "request_status": req["status"]})
    return req


def record_payment(site_id: str, order: Order, req: dict[str, Any], at: str, actor: Actor, provider: str, *,
                    method: Literal["card", "virtual_account"], status: str, pg_payment_key: str, pg_order_id: str,
                    paid_at: str | None = None, virtual_account: dict[str, Any] | None = None,
                    deposit_secret: str | None = None, attempts: int | None = None) -> tuple[Change, Write]:
    order_id, request_id, amount = order.order_id, str(req["request_id"]), int(req["amount"])
    payment_id = "P" + secrets.token_hex(6)
    payment = checkout.payment_item(
        site_id, order_id, payment_id, method=method, amount=amount, status=status, provider=provider,
        pg_payment_key=pg_payment_key, pg_order_id=pg_order_id, requested_at=at, paid_at=paid_at,
        virtual_account=virtual_account, payment_request_id=request_id)
    write = Write()
    write.add(orders.put(payment, "attribute_not_exists(PK)"))
    ref = pay_store.ref_item(provider, pg_order_id, site_id, order_id, payment_id, deposit_secret)
    ref["created_at"] = at
    write.add(*pay_store.ref_put_action(ref))
    fields: dict[str, Any] = {"status": "paid" if status == "paid" else "awaiting_deposit",
                              "payment_id": payment_id, "payment_started_at": at}
    if attempts is not None:
        fields["attempts"] = attempts
    if status == "paid":
        fields["paid_at"] = paid_at
    written = [plain(payment)]
    if req["stored_status"] == "awaiting_deposit":  # its earlier account expired unpaid
        written.append(close_waiting(site_id, order_id, req, write, at))
    write.add(*payreqs.set_action(site_id, order_id, request_id, str(req["stored_status"]), fields))
    new = order.clone()
    closing: list[Event] = []
    if status == "paid":
        new.paid_total += amount
        ev = event("payment", actor, at, f"결제요청 {amount:,}원 결제 완료 (카드)", payment_id=payment_id,
                   method=method, amount=amount, request_id=request_id)
        update_closed(new, closing, actor, at)
    else:
        ev = event("payment_request_account_issued", actor, at,
                    f"결제요청 {amount:,}원: 가상계좌 발급 ({(virtual_account or {}).get('bank', '')} "
                    f"{(virtual_account or {}).get('account_no', '')})", payment_id=payment_id, request_id=request_id,
                    amount=amount)
    written.append(payreqs.request_item(site_id, order_id, request_id, **fields))
    return Change(new, [ev, *closing], set()), write.with_written(written)


def close_waiting(site_id: str, order_id: str, req: dict[str, Any], write: Write, at: str) -> Item:
    """The request's waiting account is closed: ``expired`` past its due date, else ``cancelled``."""
    pid = str(req["payment_id"])
    status = "expired" if req["status"] == "expired" else "cancelled"
    write.add(*payreqs.payment_status_action(site_id, order_id, pid, "pending", status, at))
    return checkout.payment_item(site_id, order_id, pid, status=status, closed_at=at)
