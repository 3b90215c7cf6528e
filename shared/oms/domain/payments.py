"""Payments of an order (DOMAIN §5–6): deposits, refunds recorded from the PG, virtual-account expiry,
cash receipts. Pure: each function takes the order and the payment as loaded and returns a
:class:`PaymentChange` — the order :class:`Change` plus the fields to set on the payment item and the
payment status the item must still have when the change commits (so a deposit that the callback and
an admin both deliver is counted once).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from oms.domain.errors import DomainError
from oms.domain.moves import _maybe_close, _status_event, mark_paid
from oms.domain.order import Actor, Change, Event, Order
from oms.domain.statuses import Status

PaymentStatus = Literal["pending", "paid", "partial_cancelled", "cancelled", "expired", "deposit_error"]
ReceiptStatus = Literal["requested", "issued", "failed", "cancelled"]
RECEIPT_TYPES = ("소득공제", "지출증빙")
RECEIPT_METHODS = frozenset({"virtual_account", "bank_transfer"})


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
            refunds=dict(item.get("refunds") or {}),
            cash_receipt=dict(item["cash_receipt"]) if item.get("cash_receipt") else None,
            cash_receipt_request=dict(item["cash_receipt_request"]) if item.get("cash_receipt_request") else None,
        )

    @property
    def remaining(self) -> int:
        return self.amount - self.refunded_amount


@dataclass
class PaymentChange:
    change: Change
    payment_set: dict[str, Any]
    #: the payment item's status must still be this one when the change commits
    expect_status: str


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
    _maybe_close(new, events, actor, at)
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
    new = order.clone()
    new.refunded_total += total
    all_refunds = {**payment.refunds,
                   **{r.key: {"amount": r.amount, "at": r.at, "reason": r.reason} for r in fresh}}
    refunded = payment.refunded_amount + total
    status = "cancelled" if refunded >= payment.amount else "partial_cancelled"
    events = [
        Event("refund", actor, at, {
            "payment_id": payment.payment_id, "amount": r.amount, "refund_key": r.key, "refunded_at": r.at,
            "reason": r.reason, "text_ko": f"환불 {r.amount:,}원 ({r.reason or '결제 취소'})",
        })
        for r in fresh
    ]
    return PaymentChange(Change(new, events, set()),
                         {"refunds": all_refunds, "refunded_amount": refunded, "status": status}, payment.status)


# ---- cash receipts -------------------------------------------------------------------------------


def _receipt_event(actor: Actor, at: str, payment: Payment, receipt: dict[str, Any], text: str) -> Event:
    data = {"payment_id": payment.payment_id, "status": receipt["status"], "type": receipt.get("type"),
            "text_ko": text}
    if receipt.get("failure_reason"):
        data["failure_reason"] = receipt["failure_reason"]
    return Event("cash_receipt", actor, at, data)


def _check_receipt_allowed(payment: Payment) -> None:
    if payment.method not in RECEIPT_METHODS:
        raise DomainError("CASH_RECEIPT_NOT_APPLICABLE", "현금영수증은 무통장입금·가상계좌 결제에만 발급합니다.",
                          extra={"method": payment.method})
    if payment.status not in ("paid", "partial_cancelled"):  # a partly refunded payment: re-issued for the rest
        raise DomainError("CASH_RECEIPT_NOT_PAID", "입금 확인된 결제에만 현금영수증을 발급할 수 있습니다.",
                          status=409, extra={"payment_status": payment.status})
    current = (payment.cash_receipt or {}).get("status")
    if current in ("requested", "issued"):
        raise DomainError("CASH_RECEIPT_EXISTS", "이미 발급(요청)된 현금영수증이 있습니다.", status=409,
                          extra={"receipt_status": current})


def request_receipt(order: Order, payment: Payment, *, receipt_type: str, identity_number: str, actor: Actor,
                    at: str, request_id: str, auto: bool = False) -> PaymentChange:
    """현금영수증 발행 through the PG, step 1: recorded as ``requested`` before the PG is called."""
    _check_receipt_allowed(payment)
    if receipt_type not in RECEIPT_TYPES:
        raise DomainError("CASH_RECEIPT_TYPE_INVALID", "현금영수증 유형은 소득공제 또는 지출증빙입니다.", field="type")
    receipt = {"status": "requested", "type": receipt_type, "identity_number": mask_identity(identity_number),
               "amount": payment.remaining, "request_id": request_id, "requested_at": at,
               "requested_by": actor.as_dict(), "source": "auto" if auto else "pg"}
    text = f"현금영수증 발행 요청 ({receipt_type}, {payment.remaining:,}원{', 자동' if auto else ''})"
    return PaymentChange(Change(order.clone(), [_receipt_event(actor, at, payment, receipt, text)], set()),
                         {"cash_receipt": receipt}, payment.status)


def receipt_result(order: Order, payment: Payment, *, status: Literal["issued", "failed"], actor: Actor, at: str,
                   request_id: str, receipt_key: str | None = None, issue_number: str | None = None,
                   failure_reason: str | None = None) -> PaymentChange:
    """Step 2: what the PG answered (issued, or failed with the PG's reason kept)."""
    current = dict(payment.cash_receipt or {})
    if current.get("status") != "requested" or current.get("request_id") != request_id:
        raise DomainError("CASH_RECEIPT_STATE_CHANGED", "현금영수증 상태가 그 사이에 바뀌었습니다.", status=409)
    current.update({"status": status, "receipt_key": receipt_key, "issue_number": issue_number,
                    "failure_reason": failure_reason, f"{status}_at": at})
    text = (f"현금영수증 발급 완료 (승인번호 {issue_number or '-'})" if status == "issued"
            else f"현금영수증 발급 실패: {failure_reason}")
    return PaymentChange(Change(order.clone(), [_receipt_event(actor, at, payment, current, text)], set()),
                         {"cash_receipt": current}, payment.status)


def manual_receipt(order: Order, payment: Payment, *, receipt_type: str, identity_number: str | None,
                   issue_number: str | None, actor: Actor, at: str, site_has_pg: bool) -> PaymentChange:
    """수동 완료 처리: the receipt was issued outside (홈택스 …); only where the site has no PG, or after
    the PG failed to issue it."""
    _check_receipt_allowed(payment)
    if site_has_pg and (payment.cash_receipt or {}).get("status") != "failed":
        raise DomainError("CASH_RECEIPT_USE_PG", "PG 연동 사이트는 '현금영수증 발행' 버튼으로 발급하세요. "
                          "수동 완료 처리는 PG 미연동 사이트 또는 PG 발급 실패 시에만 가능합니다.", status=409)
    receipt = {"status": "issued", "type": receipt_type, "identity_number": mask_identity(identity_number or ""),
               "amount": payment.remaining, "issue_number": issue_number, "issued_at": at,
               "requested_at": at, "requested_by": actor.as_dict(), "source": "manual"}
    text = f"현금영수증 수동 완료 처리 ({receipt_type}{', 승인번호 ' + issue_number if issue_number else ''})"
    return PaymentChange(Change(order.clone(), [_receipt_event(actor, at, payment, receipt, text)], set()),
                         {"cash_receipt": receipt}, payment.status)


def cancel_receipt(order: Order, payment: Payment, *, actor: Actor, at: str, via_pg: bool,
                   failure_reason: str | None = None) -> PaymentChange:
    """A refund of the payment cancels its receipt (through the PG where it was issued there)."""
    current = dict(payment.cash_receipt or {})
    if current.get("status") != "issued":
        raise DomainError("CASH_RECEIPT_NOT_ISSUED", "발급된 현금영수증이 없습니다.", status=409)
    if failure_reason:
        current.update({"cancel_failure_reason": failure_reason})
        text = f"현금영수증 취소 실패: {failure_reason} (PG 관리자 화면에서 취소하세요)"
    else:
        current.update({"status": "cancelled", "cancelled_at": at})
        text = ("현금영수증이 환불로 취소되었습니다." if via_pg
                else "현금영수증이 환불로 취소 처리되었습니다 (외부에서 발급한 영수증은 홈택스에서 취소하세요).")
    return PaymentChange(Change(order.clone(), [_receipt_event(actor, at, payment, current, text)], set()),
                         {"cash_receipt": current}, payment.status)


def mask_identity(identity: str) -> str:
    """Identity numbers (phone, card, business no.) are kept masked: the last four digits only."""
    digits = "".join(ch for ch in identity if ch.isdigit())
    return ("*" * max(0, len(digits) - 4)) + digits[-4:] if digits else ""
