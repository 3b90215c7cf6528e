"""Payments of an order (docs/domain.md, "Payments and payment requests"): deposits, refunds (recorded from the
PG, or requested through it:
reserve → PG → commit), virtual-account expiry; cash receipts are in :mod:`oms.domain.cash_receipts`.
Pure: each function takes the order and the payment as loaded and returns a :class:`PaymentChange` —
the order :class:`Change` plus the fields to set on the payment item and the payment status the item
must still have when the change commits (so a deposit that the callback and an admin both deliver is
counted once).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from oms.domain.closing import update_closed
from oms.domain.errors import DomainError
from oms.domain.moves import _status_event, mark_paid
from oms.domain.order import Actor, Change, Event, Order
from oms.domain.statuses import Status

PaymentStatus = Literal["pending", "paid", "partial_cancelled", "cancelled", "expired", "deposit_error"]


@dataclass
class Payment:
    """The rule-relevant view of a payment item (``PAY#<id>``)."""

    payment_id: str
    method: str
    amount: int
    status: str
    provider: str | None = None
    pg_payment_key: str | None = None
    pg_order_id: str | None = None
    paid_at: str | None = None
    refunded_amount: int = 0
    #: refunded + reserved by refund requests still in flight (never above ``amount``)
    refund_claimed: int = 0
    refunds: dict[str, dict[str, Any]] = field(default_factory=dict)
    cash_receipt: dict[str, Any] | None = None
    cash_receipt_request: dict[str, Any] | None = None

    @staticmethod
    def from_item(item: dict[str, Any]) -> Payment:
        return Payment(
            payment_id=str(item["payment_id"]),
            method=str(item["method"]),
            amount=int(item["amount"]),
            status=str(item["status"]),
            provider=item.get("provider"),
            pg_payment_key=item.get("pg_payment_key"),
            pg_order_id=item.get("pg_order_id"),
            paid_at=item.get("paid_at"),
            refunded_amount=int(item.get("refunded_amount") or 0),
            refund_claimed=int(item.get("refund_claimed") or item.get("refunded_amount") or 0),
            refunds=dict(item.get("refunds") or {}),
            cash_receipt=dict(item["cash_receipt"]) if item.get("cash_receipt") else None,
            cash_receipt_request=dict(item["cash_receipt_request"]) if item.get("cash_receipt_request") else None,
        )

    @property
    def remaining(self) -> int:
        return self.amount - self.refunded_amount

    @property
    def refund_reserved(self) -> int:
        """Reserved by refund requests that are at the PG now (or were interrupted there)."""
        return max(0, self.refund_claimed - self.refunded_amount)

    @property
    def refundable(self) -> int:
        """What a new refund request may still reserve."""
        return max(0, self.amount - self.refund_claimed)


@dataclass
class PaymentChange:
    change: Change
    payment_set: dict[str, Any]
    #: the payment item's status must still be this one when the change commits
    expect_status: str
    #: added to the payment's ``refund_claimed`` (atomically: refund reservations change it without
    #: the order's version)
    claim_delta: int = 0
    #: (request id, fields) of the refund request this change completes (it must still be reserved)
    refund_request: tuple[str, dict[str, Any]] | None = None


def _kst_text(at: str) -> str:
    from oms.domain.clock import KST, parse_iso

    return parse_iso(at).astimezone(KST).strftime("%Y-%m-%d %H:%M")


# ---- deposits ------------------------------------------------------------------------------------


def confirm_deposit(
    order: Order,
    payment: Payment,
    *,
    paid_at: str,
    actor: Actor,
    at: str,
    source: Literal["pg", "manual"],
    amount: int | None = None,
    pg: dict[str, Any] | None = None,
    note: str | None = None,
) -> PaymentChange:
    """The money of a pending payment arrived (PG callback or an admin's manual confirmation).

    Units waiting for it go to `preparing` (digital goods and passes to `confirmed`, which may close
    the order: :func:`oms.domain.moves.mark_paid`); the payment records its payment time ``paid_at``.
    """
    if payment.status == "paid":
        raise DomainError("PAYMENT_ALREADY_PAID", "이미 입금 확인된 결제입니다.", status=409,
                          extra={"payment_id": payment.payment_id, "paid_at": payment.paid_at})
    if payment.status in ("expired", "cancelled") and source == "pg":
        return late_deposit(order, payment, paid_at=paid_at, actor=actor, at=at, pg=pg)
    if payment.status != "pending":
        raise DomainError("PAYMENT_NOT_PENDING", f"입금 대기 중인 결제가 아닙니다 (상태: {payment.status}).",
                          status=409, extra={"payment_id": payment.payment_id, "payment_status": payment.status})
    if amount is not None and amount != payment.amount:
        raise DomainError(
            "DEPOSIT_AMOUNT_MISMATCH",
            f"입금액({amount:,}원)이 결제금액({payment.amount:,}원)과 다릅니다. 확인 후 수동 처리하세요.",
            extra={"payment_id": payment.payment_id, "deposited": amount, "expected": payment.amount},
        )
    new = order.clone()
    pending = {line.line_id for line in new.lines if line.status is Status.PAYMENT_PENDING}
    new.paid_total += payment.amount
    how = "PG 입금 통보" if source == "pg" else "수동 입금 확인"
    events = [
        Event("payment", actor, at, {
            "payment_id": payment.payment_id, "method": payment.method, "amount": payment.amount,
            "paid_at": paid_at, "source": source, **({"note": note} if note else {}),
            "text_ko": f"입금 확인 {payment.amount:,}원 ({how}, 입금시각 {_kst_text(paid_at)} KST)",
        })
    ]
    events += mark_paid(new, at=at, actor=actor)
    payment_set: dict[str, Any] = {
        "status": "paid", "paid_at": paid_at, "deposit_source": source,
        "confirmed_by": {**actor.as_dict(), "at": at}, **(pg or {}),
    }
    return PaymentChange(Change(new, events, pending), payment_set, "pending")


def outside_payment(order: Order, *, payment_id: str, amount: int, paid_at: str, actor: Actor, at: str,
                    note: str | None = None) -> Change:
    """수동 결제 등록: money the shop received outside any PG (a transfer to its account, cash at
    pickup) for what the order still owes. Admin only; at most the outstanding (money nobody owes is
    not taken in by hand); refused on a closed order and while units still wait for their payment
    (their own deposit confirms them)."""
    if actor.kind != "admin":
        raise DomainError("OUTSIDE_PAYMENT_ADMIN_ONLY", "수동 결제 등록은 관리자만 할 수 있습니다.", status=403)
    if order.closed:
        raise DomainError("ORDER_CLOSED", "거래가 종료된 주문입니다. 거래 재개 후 처리하세요.")
    if amount <= 0 or amount > order.outstanding:
        raise DomainError("OUTSIDE_PAYMENT_EXCEEDS_OUTSTANDING",
                          f"등록할 수 있는 금액은 미결금액({max(0, order.outstanding):,}원)까지입니다.",
                          field="amount", extra={"outstanding": order.outstanding})
    new = order.clone()
    new.paid_total += amount
    events = [Event("payment", actor, at, {
        "payment_id": payment_id, "method": "bank_transfer", "amount": amount, "paid_at": paid_at,
        "source": "outside", **({"note": note} if note else {}),
        "text_ko": f"수동 결제 등록 {amount:,}원 (입금시각 {_kst_text(paid_at)} KST) "
                   f"— 미결금액 {new.outstanding:+,}원"})]
    update_closed(new, events, actor, at)
    return Change(new, events, set())


def late_deposit(order: Order, payment: Payment, *, paid_at: str, actor: Actor, at: str,
                 pg: dict[str, Any] | None = None) -> PaymentChange:
    """The PG reports a deposit into an account we had closed (expired or cancelled on our side):
    money that has left the buyer's bank is recorded, never ignored. Nothing moves (the units it was
    for are gone); the balance goes negative and the order shows the refund to make."""
    new = order.clone()
    new.paid_total += payment.amount
    events = [Event("payment_late", actor, at, {
        "payment_id": payment.payment_id, "method": payment.method, "amount": payment.amount, "paid_at": paid_at,
        "closed_status": payment.status,
        "text_ko": f"닫힌 계좌로 입금 {payment.amount:,}원 (입금시각 {_kst_text(paid_at)} KST): "
                   f"미결금액 {new.outstanding:+,}원 — 환불이 필요합니다."})]
    update_closed(new, events, actor, at)
    payment_set: dict[str, Any] = {"status": "paid", "paid_at": paid_at, "deposit_source": "pg", "late": True,
                                   "confirmed_by": {**actor.as_dict(), "at": at}, **(pg or {})}
    return PaymentChange(Change(new, events, set()), payment_set, payment.status)


def reverse_deposit(order: Order, payment: Payment, *, actor: Actor, at: str, reason: str) -> PaymentChange:
    """The PG reports a deposit error (the bank took the deposit back: Toss ``WAITING_FOR_DEPOSIT``).

    If nothing has moved since the deposit (every unit of the order is still in `preparing`), the
    units go back to `payment_pending` and the payment waits again. Otherwise nothing is moved
    automatically: the payment is flagged ``deposit_error`` for the operator.
    """
    if payment.status != "paid":
        raise DomainError("PAYMENT_NOT_PAID", "입금 확인되지 않은 결제입니다.", status=409)
    new = order.clone()
    new.paid_total -= payment.amount
    movable = all(line.status in (Status.PREPARING, Status.CANCELLED) for line in new.lines)
    events: list[Event] = []
    touched: set[str] = set()
    if movable:
        for line in new.lines:
            if line.status is Status.PREPARING:
                events.append(_status_event(line, line.quantity, line.status, Status.PAYMENT_PENDING, None, actor, at))
                line.status = Status.PAYMENT_PENDING
                line.status_changed_at = at
                touched.add(line.line_id)
        payment_set: dict[str, Any] = {"status": "pending", "paid_at": None, "deposit_error_at": at}
        text = f"입금 오류: PG가 입금({payment.amount:,}원)을 취소했습니다. 입금대기로 되돌렸습니다."
    else:
        payment_set = {"status": "deposit_error", "deposit_error_at": at}
        text = (f"입금 오류: PG가 입금({payment.amount:,}원)을 취소했습니다. "
                "이미 처리가 진행된 주문이므로 확인이 필요합니다.")
    events.insert(0, Event("payment_deposit_error", actor, at,
                           {"payment_id": payment.payment_id, "amount": payment.amount, "reason": reason,
                            "text_ko": text}))
    update_closed(new, events, actor, at)
    return PaymentChange(Change(new, events, touched), payment_set, "paid")


# ---- unpaid cancellation (expiry, PG cancel before deposit) --------------------------------------


def cancel_unpaid(order: Order, payment: Payment, *, actor: Actor, at: str,
                  reason: Literal["va_expired", "pg_cancelled"]) -> PaymentChange:
    """A system transition (not the admin/buyer claim flow): every unit still waiting for the deposit
    is cancelled directly and its stock released; the payment is closed as expired/cancelled."""
    if payment.status != "pending":
        raise DomainError("PAYMENT_NOT_PENDING", "입금 대기 중인 결제가 아닙니다.", status=409)
    new = order.clone()
    events: list[Event] = []
    touched: set[str] = set()
    restore: dict[str, int] = {}
    for line in new.lines:
        if line.status is not Status.PAYMENT_PENDING:
            continue
        events.append(_status_event(line, line.quantity, line.status, Status.CANCELLED, None, actor, at))
        events[-1].data["reason"] = reason
        line.status = Status.CANCELLED
        line.status_changed_at = at
        touched.add(line.line_id)
        for key in line.stock_keys:
            restore[key] = restore.get(key, 0) + line.quantity
    if not touched:
        raise DomainError("NO_PENDING_UNITS", "입금대기 상태의 품목이 없습니다.", status=409)
    text = ("가상계좌 입금기한이 지나 주문이 자동 취소되었습니다." if reason == "va_expired"
            else "PG에서 결제가 취소되어 입금대기 품목을 취소했습니다.")
    events.insert(0, Event("payment_cancelled", actor, at,
                           {"payment_id": payment.payment_id, "reason": reason, "text_ko": text}))
    update_closed(new, events, actor, at)
    status = "expired" if reason == "va_expired" else "cancelled"
    return PaymentChange(Change(new, events, touched, restore), {"status": status, "closed_at": at}, "pending")


# ---- refunds recorded from the PG ----------------------------------------------------------------


@dataclass(frozen=True)
class Refund:
    key: str
    amount: int
    at: str
    reason: str = ""


def record_refunds(order: Order, payment: Payment, refunds: list[Refund], *, actor: Actor, at: str) -> PaymentChange:
    """Refunds the PG made on this payment; each is counted once, by the PG's id for it."""
    if payment.status not in ("paid", "partial_cancelled", "cancelled"):
        raise DomainError("PAYMENT_NOT_PAID", "입금 확인되지 않은 결제는 환불할 수 없습니다.", status=409)
    fresh = [r for r in refunds if r.key not in payment.refunds and r.amount > 0]
    if not fresh:
        raise DomainError("REFUND_ALREADY_RECORDED", "이미 기록된 환불입니다.", status=409)
    total = sum(r.amount for r in fresh)
    if total > payment.remaining:
        raise DomainError("REFUND_EXCEEDS_PAYMENT",
                          f"환불액({total:,}원)이 남은 결제금액({payment.remaining:,}원)보다 큽니다.",
                          extra={"remaining": payment.remaining})
    pc = _refunds_change(order, payment, fresh, actor=actor, at=at)
    pc.claim_delta = total  # not reserved by a request of ours: claimed as it is recorded
    return pc


def _refunds_change(order: Order, payment: Payment, fresh: list[Refund], *, actor: Actor, at: str,
                    request_id: str | None = None) -> PaymentChange:
    total = sum(r.amount for r in fresh)
    new = order.clone()
    new.refunded_total += total
    all_refunds = {**payment.refunds,
                   **{r.key: {"amount": r.amount, "at": r.at, "reason": r.reason,
                              **({"request_id": request_id} if request_id else {})} for r in fresh}}
    refunded = payment.refunded_amount + total
    status = "cancelled" if refunded >= payment.amount else "partial_cancelled"
    events = [
        Event("refund", actor, at, {
            "payment_id": payment.payment_id, "amount": r.amount, "refund_key": r.key, "refunded_at": r.at,
            "reason": r.reason, "text_ko": f"환불 {r.amount:,}원 ({r.reason or '결제 취소'})",
            **({"request_id": request_id} if request_id else {}),
        })
        for r in fresh
    ]
    update_closed(new, events, actor, at)
    return PaymentChange(Change(new, events, set()),
                         {"refunds": all_refunds, "refunded_amount": refunded, "status": status}, payment.status)


# ---- refunds through the PG: reserve → PG → commit -----------------------------------------------

REFUNDABLE_STATUSES = ("paid", "partial_cancelled")
RefundRequestStatus = Literal["reserved", "done", "failed"]


@dataclass
class RefundRequest:
    """One admin refund request (``RFD#<payment>#<request>``): its amount is reserved on the payment
    before the PG is called, under its own idempotency key, so a retry after a crash completes it."""

    request_id: str
    payment_id: str
    amount: int
    reason: str
    idempotency_key: str
    status: RefundRequestStatus
    requested_at: str
    requested_by: dict[str, Any]
    refund_account: dict[str, str] | None = None
    refund_key: str | None = None
    failure_reason: str | None = None

    @staticmethod
    def from_item(item: dict[str, Any]) -> RefundRequest:
        return RefundRequest(
            request_id=str(item["request_id"]), payment_id=str(item["payment_id"]), amount=int(item["amount"]),
            reason=str(item.get("reason") or ""), idempotency_key=str(item["idempotency_key"]),
            status=item["status"], requested_at=str(item["requested_at"]), requested_by=dict(item["requested_by"]),
            refund_account=dict(item["refund_account"]) if item.get("refund_account") else None,
            refund_key=item.get("refund_key"), failure_reason=item.get("failure_reason"))


def plan_refund(payment: Payment, *, amount: int | None, has_refund_account: bool) -> int:
    """How much a new refund request reserves (``None``: all that is left), or the refusal.

    What is left counts the refunds recorded *and* those reserved by requests still at the PG, so
    two requests racing for the last 10,000원 cannot both get it: the loser is told which case it is
    (409 ``REFUND_IN_PROGRESS`` while another request holds part of it, 409
    ``NOTHING_LEFT_TO_REFUND`` once all is refunded)."""
    left, reserved = payment.refundable, payment.refund_reserved
    if payment.status == "cancelled" and payment.refunded_amount > 0:
        raise DomainError("NOTHING_LEFT_TO_REFUND", "이미 전액 환불된 결제입니다.", status=409,
                          extra={"refunded": payment.refunded_amount})
    if payment.status not in REFUNDABLE_STATUSES:
        raise DomainError("PAYMENT_NOT_REFUNDABLE", "환불할 수 있는 결제가 아닙니다.", status=409,
                          extra={"payment_status": payment.status})
    if not payment.provider or not payment.pg_payment_key:
        raise DomainError("PAYMENT_NOT_FROM_PG", "PG 결제가 아니므로 PG 환불을 할 수 없습니다.", status=409)
    want = left if amount is None else amount
    if want <= 0 or want > left:
        if reserved > 0:
            raise DomainError("REFUND_IN_PROGRESS",
                              f"진행 중인 환불({reserved:,}원)이 있어 남은 환불 가능액은 {left:,}원입니다. "
                              "진행 중인 환불이 끝난 뒤 다시 시도하세요.",
                              status=409, extra={"refundable": left, "reserved": reserved})
        if left == 0:
            raise DomainError("NOTHING_LEFT_TO_REFUND", "환불할 금액이 남아 있지 않습니다.", status=409,
                              extra={"refunded": payment.refunded_amount})
        raise DomainError("REFUND_EXCEEDS_PAYMENT", f"환불액이 남은 결제금액({left:,}원)보다 큽니다.",
                          field="amount", extra={"refundable": left})
    if payment.method == "virtual_account":
        if want != payment.amount or payment.refund_claimed:
            raise DomainError(
                "VA_PARTIAL_REFUND_NOT_ALLOWED",
                "가상계좌 결제는 전체 금액만 자동 환불됩니다. 부분 환불은 PG 관리자 화면에서 처리한 뒤 강제완료하세요.",
                field="amount")
        if not has_refund_account:
            raise DomainError("REFUND_ACCOUNT_REQUIRED", "가상계좌 환불에는 환불받을 계좌가 필요합니다.",
                              field="refund_account")
    return want


def commit_refund(order: Order, payment: Payment, request: RefundRequest, made: Refund, *,
                  actor: Actor, at: str) -> PaymentChange:
    """The PG made the refund ``made`` (its own id for it) for a reserved request: record it (the
    reservation becomes the refund). If that refund is recorded already (the PG's cancel notice
    came first), only the reservation is given back: the refund is counted once."""
    if request.status != "reserved":
        raise DomainError("REFUND_REQUEST_NOT_RESERVED", "이미 처리된 환불 요청입니다.", status=409,
                          extra={"request_id": request.request_id, "request_status": request.status})
    own = made if made.key not in payment.refunds else None
    done = {"status": "done", "done_at": at}
    if own is None:
        pc = PaymentChange(Change(order.clone(), [], set()), {}, payment.status, claim_delta=-request.amount)
        pc.refund_request = (request.request_id, {**done, "recorded_by": "pg_notice"})
        return pc
    pc = _refunds_change(order, payment, [Refund(own.key, own.amount, own.at, own.reason or request.reason)],
                         actor=actor, at=at, request_id=request.request_id)
    pc.refund_request = (request.request_id, {**done, "refund_key": own.key})
    return pc
