"""Money coming in on an order's payments (docs/domain.md, "Payments and payment requests"):
deposits (the PG's callback or an admin's manual confirmation), payments received outside any PG,
late deposits into closed accounts, deposit errors, and the cancellation of what was never paid
(virtual-account expiry, a PG cancel before the deposit). Pure: each rule returns a
:class:`~oms.domain.payments.PaymentChange` whose order holds the changed payment.
"""

from __future__ import annotations

from typing import Any, Literal

from oms.domain.clock import parse_iso
from oms.domain.closing import update_closed
from oms.domain.errors import DomainError
from oms.domain.moves import _status_event, mark_paid
from oms.domain.order import SYSTEM, Actor, Change, Event, Order
from oms.domain.payments import Payment, PaymentChange
from oms.domain.statuses import Status


def _kst_text(at: str) -> str:
    from oms.domain.clock import KST, parse_iso

    return parse_iso(at).astimezone(KST).strftime("%Y-%m-%d %H:%M")


# ---- deposits ------------------------------------------------------------------------------------


def check_paid_at(paid_at: str, now: str) -> str:
    """A payment time typed by an admin (a deposit seen on the bank statement, money received
    outside any PG) is not in the future (``PAID_AT_IN_FUTURE``)."""
    if parse_iso(paid_at) > parse_iso(now):
        raise DomainError("PAID_AT_IN_FUTURE", "입금시각은 현재보다 이후일 수 없습니다.", field="paid_at")
    return paid_at


def expire(order: Order, payment: Payment, *, now: str, at: str) -> PaymentChange:
    """The scheduled expiry: an order whose virtual account's due date has passed unpaid is
    cancelled (:func:`cancel_unpaid`, the system's); one not due yet is refused ``NOT_DUE``."""
    due = order.payment_due_at
    if not due or due > now:
        raise DomainError("NOT_DUE", "입금기한이 지나지 않았습니다.", status=409)
    return cancel_unpaid(order, payment, actor=SYSTEM, at=at, reason="va_expired")


def confirm_deposit(
    order: Order,
    payment: Payment,
    *,
    paid_at: str,
    actor: Actor,
    at: str,
    source: Literal["pg", "manual", "auto"],
    amount: int | None = None,
    pg: dict[str, Any] | None = None,
    note: str | None = None,
    deposit: dict[str, Any] | None = None,
) -> PaymentChange:
    """The money of a pending payment arrived (PG callback, an admin's manual confirmation, or a
    bank deposit matched to it: ``source="auto"`` with ``deposit`` — the feed's reference, the
    depositor and the amount deposited, which may exceed the payment's: the surplus is to refund).

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
    deposited = int((deposit or {}).get("amount") or payment.amount)
    if deposit and deposited < payment.amount:
        raise DomainError("DEPOSIT_UNDERPAID",
                          f"입금액({deposited:,}원)이 결제금액({payment.amount:,}원)보다 적습니다.",
                          extra={"payment_id": payment.payment_id, "deposited": deposited, "expected": payment.amount})
    if amount is not None and amount != payment.amount:
        raise DomainError(
            "DEPOSIT_AMOUNT_MISMATCH",
            f"입금액({amount:,}원)이 결제금액({payment.amount:,}원)과 다릅니다. 확인 후 수동 처리하세요.",
            extra={"payment_id": payment.payment_id, "deposited": amount, "expected": payment.amount},
        )
    payment_set: dict[str, Any] = {
        "status": "paid", "paid_at": paid_at, "deposit_source": source,
        "confirmed_by": {**actor.as_dict(), "at": at}, **(pg or {}),
        **({"deposit": deposit} if deposit else {}),
    }
    new = order.clone()
    new.payments[payment.payment_id] = payment.changed(payment_set)
    pending = {line.line_id for line in new.lines if line.status is Status.PAYMENT_PENDING}
    how = {"pg": "PG 입금 통보", "manual": "수동 입금 확인", "auto": "자동 입금확인"}[source]
    surplus = deposited - payment.amount
    if deposit:
        how += f" {deposit.get('reference', '')} 입금자 {deposit.get('depositor', '')}"
    events = [
        Event("payment", actor, at, {
            "payment_id": payment.payment_id, "method": payment.method, "amount": payment.amount,
            "paid_at": paid_at, "source": source, **({"note": note} if note else {}),
            **({"deposit": deposit} if deposit else {}),
            "text_ko": f"입금 확인 {payment.amount:,}원 ({how}, 입금시각 {_kst_text(paid_at)} KST)"
                       + (f" — 초과 입금 {surplus:,}원: 환불이 필요합니다." if surplus > 0 else ""),
        })
    ]
    events += mark_paid(new, at=at, actor=actor)
    return PaymentChange(Change(new, events, pending), payment_set, "pending")


def outside_payment(order: Order, *, payment_id: str, amount: int, paid_at: str, actor: Actor, at: str,
                    note: str | None = None) -> Change:
    """수동 결제 등록: money the shop received outside any PG (a transfer to its account, cash at
    pickup) for what the order still owes. Admin only; at most the outstanding (money nobody owes is
    not taken in by hand); refused on a closed order and while units still wait for their payment
    (their own deposit confirms them). The new payment is in the changed order (``payments[payment_id]``)."""
    if actor.kind != "admin":
        raise DomainError("OUTSIDE_PAYMENT_ADMIN_ONLY", "수동 결제 등록은 관리자만 할 수 있습니다.", status=403)
    if order.closed:
        raise DomainError("ORDER_CLOSED", "거래가 종료된 주문입니다. 거래 재개 후 처리하세요.")
    if amount <= 0 or amount > order.outstanding:
        raise DomainError("OUTSIDE_PAYMENT_EXCEEDS_OUTSTANDING",
                          f"등록할 수 있는 금액은 미결금액({max(0, order.outstanding):,}원)까지입니다.",
                          field="amount", extra={"outstanding": order.outstanding})
    new = order.clone()
    record: dict[str, Any] = {"payment_id": payment_id, "method": "bank_transfer", "amount": amount, "status": "paid",
                              "requested_at": at, "paid_at": paid_at, "deposit_source": "outside",
                              "confirmed_by": {**actor.as_dict(), "at": at}}
    if note:
        record["note"] = note
    new.payments[payment_id] = Payment.from_item(record)
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
    payment_set: dict[str, Any] = {"status": "paid", "paid_at": paid_at, "deposit_source": "pg", "late": True,
                                   "confirmed_by": {**actor.as_dict(), "at": at}, **(pg or {})}
    new = order.clone()
    new.payments[payment.payment_id] = payment.changed(payment_set)
    events = [Event("payment_late", actor, at, {
        "payment_id": payment.payment_id, "method": payment.method, "amount": payment.amount, "paid_at": paid_at,
        "closed_status": payment.status,
        "text_ko": f"닫힌 계좌로 입금 {payment.amount:,}원 (입금시각 {_kst_text(paid_at)} KST): "
                   f"미결금액 {new.outstanding:+,}원 — 환불이 필요합니다."})]
    update_closed(new, events, actor, at)
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
    new.payments[payment.payment_id] = payment.changed(payment_set)
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
    status = "expired" if reason == "va_expired" else "cancelled"
    new.payments[payment.payment_id] = payment.changed({"status": status, "closed_at": at})
    update_closed(new, events, actor, at)
    return PaymentChange(Change(new, events, touched, restore), {"status": status, "closed_at": at}, "pending")


