"""Paying out what the order owes the buyer (a negative outstanding) through the payments it came from.

Order of payments (docs/decisions.md): card and easy-pay payments first, newest first (each partly
refundable through the PG), then virtual-account and bank-transfer payments (a virtual account is
refunded by the PG only as a whole: a partial amount is refused ``VA_PARTIAL_REFUND_NOT_ALLOWED``
and the admin refunds it by hand in the PG's console, then marks it 강제완료 here). Each refund is
one PG call then one order transaction (``services.payments.refund_via_pg``); a refusal (ours or
the PG's, with its reason) is on the timeline and in the answer, and the call can be repeated: what
is left to refund is always the outstanding, never a typed-in figure.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

from oms.domain.errors import DomainError
from oms.domain.order import Actor, Order
from oms.domain.payments import Payment, PaymentChange, Refund, record_refunds
from oms.integrations.pg import RefundAccount
from oms.services import cash_receipts, payments
from oms.store import orders
from oms.store import payments as pay_store
from oms.store import payouts as lease_store
from oms.store.table import Item

REFUNDABLE = ("paid", "partial_cancelled")
DEPOSIT_METHODS = ("virtual_account", "bank_transfer")


def account(body: Any) -> RefundAccount | None:
    """A refund account from its API model (``schemas.payments.RefundAccountIn``), if given."""
    return RefundAccount(body.bank, body.account_no, body.holder) if body is not None else None


@dataclass
class RefundResult:
    payment_id: str
    method: str
    amount: int
    status: str  # refunded | refused | manual
    code: str | None = None
    message_ko: str | None = None
    pg_code: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in vars(self).items() if v is not None}


@dataclass
class Payout:
    requested: int
    results: list[RefundResult] = field(default_factory=list)

    @property
    def refunded(self) -> int:
        return sum(r.amount for r in self.results if r.status == "refunded")

    def as_dict(self) -> dict[str, Any]:
        return {"requested": self.requested, "refunded": self.refunded,
                "left": self.requested - self.refunded, "results": [r.as_dict() for r in self.results]}


def refund_order(items: list[Item]) -> list[Payment]:
    """The order's refundable payments in refund order: card/easy-pay newest first, deposits last."""
    pays = [Payment.from_item(p) for p in pay_store.payment_items(items).values()]
    pays = [p for p in pays if p.status in REFUNDABLE and p.remaining > 0]
    raw = pay_store.payment_items(items)

    def key(p: Payment) -> tuple[int, str]:
        return (1 if p.method in DEPOSIT_METHODS else 0, str(raw[p.payment_id].get("paid_at") or ""))

    deposits = sorted((p for p in pays if p.method in DEPOSIT_METHODS), key=lambda p: key(p)[1], reverse=True)
    others = sorted((p for p in pays if p.method not in DEPOSIT_METHODS), key=lambda p: key(p)[1], reverse=True)
    return others + deposits


def plan(order: Order, items: list[Item]) -> list[tuple[Payment, int]]:
    """How −outstanding is split over the payments (what :func:`refund_outstanding` will try)."""
    left = max(0, -order.outstanding)
    out = []
    for p in refund_order(items):
        if left <= 0:
            break
        take = min(left, p.remaining)
        out.append((p, take))
        left -= take
    return out


def refund_outstanding(site_id: str, order_id: str, actor: Actor, *, reason: str,
                       refund_account: RefundAccount | None = None) -> Payout:
    """Refund −outstanding through the order's payments. Refused 409 NOTHING_TO_REFUND when the
    order owes nothing, 409 PAYOUT_IN_PROGRESS while another refund run of the order is under way,
    409 CLAIMS_NOT_SETTLED while a completed claim waits for its settlement (its deductions are not
    posted yet); a payment refused on the way is reported and the rest still tried."""
    lease = lease_store.take(site_id, order_id, actor.id)
    try:
        return _pay_out(site_id, order_id, actor, reason, refund_account)
    finally:
        lease_store.give_back(site_id, order_id, lease)


def _pay_out(site_id: str, order_id: str, actor: Actor, reason: str, refund_account: RefundAccount | None) -> Payout:
    order, items = orders.load_order(site_id, order_id)
    owed = -order.outstanding
    if owed <= 0:
        raise DomainError("NOTHING_TO_REFUND", "환불할 금액이 없습니다.", status=409,
                          extra={"outstanding": order.outstanding})
    unsettled = sorted(cid for cid, c in order.claims.items() if c.step == "completed" and not c.settlement_id)
    if unsettled:  # their deductions (return fees …) are not posted yet: refunding now would pay them out
        raise DomainError("CLAIMS_NOT_SETTLED",
                          f"완료되었지만 정산하지 않은 클레임이 있습니다({', '.join(unsettled)}). 먼저 정산하세요.",
                          status=409, extra={"claims": unsettled})
    payout = Payout(owed)
    for p, amount in plan(order, items):
        if not p.provider or not p.pg_payment_key:
            payout.results.append(RefundResult(p.payment_id, p.method, amount, "manual", "PAYMENT_NOT_FROM_PG",
                                               "PG 결제가 아니므로 직접 환불한 뒤 강제완료하세요."))
            continue
        whole = amount == p.amount and not p.refunded_amount
        try:
            payments.refund_via_pg(site_id, order_id, p.payment_id, amount=None if whole else amount, reason=reason,
                                   refund_account=refund_account if p.method in DEPOSIT_METHODS else None,
                                   actor=actor)
        except DomainError as exc:
            payout.results.append(RefundResult(p.payment_id, p.method, amount, "refused", exc.code, exc.message_ko,
                                               exc.extra.get("pg_code")))
            continue
        payout.results.append(RefundResult(p.payment_id, p.method, amount, "refunded"))
    return payout


def force_complete(site_id: str, order_id: str, payment_id: str, *, amount: int, bank_note: str,
                   actor: Actor) -> Order:
    """강제완료: the admin refunded ``amount`` of this payment by hand (the PG's console, a bank
    transfer) and records it, with the bank account note and who/when. Not more than the payment's
    remaining amount nor than the order owes the buyer."""

    def decide(ld: payments.Loaded, at: str) -> PaymentChange:
        owed = -ld.order.outstanding
        if amount > max(0, owed):
            raise DomainError("REFUND_EXCEEDS_OUTSTANDING",
                              f"강제완료 금액({amount:,}원)이 환불할 금액({max(0, owed):,}원)보다 큽니다.",
                              field="amount", extra={"owed": max(0, owed)})
        if ld.payment.status not in REFUNDABLE:
            raise DomainError("PAYMENT_NOT_REFUNDABLE", "환불할 수 있는 결제가 아닙니다.", status=409,
                              extra={"payment_status": ld.payment.status})
        key = "manual-" + secrets.token_hex(6)
        pc = record_refunds(ld.order, ld.payment, [Refund(key, amount, at, "강제완료")], actor=actor, at=at)
        by = {**actor.as_dict(), "at": at}
        pc.payment_set["refunds"][key].update({"forced": True, "bank_note": bank_note, "by": by})
        ev = next(e for e in pc.change.events if e.kind == "refund")
        ev.kind = "refund_forced"
        ev.data.update({"bank_note": bank_note, "forced": True,
                        "text_ko": f"환불 강제완료 {amount:,}원 (PG 관리자 화면/계좌이체로 환불, {bank_note})"})
        return pc

    lease = lease_store.take(site_id, order_id, actor.id)  # not while a PG refund of the order is under way
    try:
        saved, _, _ = payments.apply(site_id, order_id, payment_id, decide, actor=actor,
                                     action="refund_force_complete")
    finally:
        lease_store.give_back(site_id, order_id, lease)
    return saved


def reissue_receipt(site_id: str, order_id: str, payment_id: str, *, actor: Actor) -> None:
    """A partly refunded payment whose cash receipt was cancelled by the refund gets a new receipt
    for what remains, through the PG, with the identity number the buyer gave at checkout. Without
    it (a receipt issued by hand) nothing is issued: the timeline shows the cancellation."""
    ld = payments.load(site_id, order_id, payment_id)
    receipt = ld.payment.cash_receipt or {}
    if receipt.get("status") != "cancelled" or ld.payment.remaining <= 0 or receipt.get("source") == "manual":
        return
    req = pay_store.receipt_request(ld.items, payment_id)
    if req is None:
        return
    try:
        cash_receipts.issue(site_id, order_id, payment_id, receipt_type=str(req["receipt_type"]),
                            identity_number=str(req["identity_number"]), actor=actor, auto=True)
    except DomainError:
        pass  # refused or failed: recorded on the timeline by the issue itself
