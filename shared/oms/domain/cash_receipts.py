"""Cash receipts of a payment (현금영수증, docs/domain.md, "Cash receipts"): request through the PG and its result,
retry or
완료 처리 of one left ``requested``, 수동 완료 처리, cancellation by a refund. Pure, like
:mod:`oms.domain.payments`: each function returns a :class:`~oms.domain.payments.PaymentChange`
whose payment item must still have the status it was decided on."""

from __future__ import annotations

from typing import Any, Literal

from oms.domain.errors import DomainError
from oms.domain.order import Actor, Change, Event, Order
from oms.domain.payments import Payment, PaymentChange

ReceiptStatus = Literal["requested", "issued", "failed", "cancelled"]
RECEIPT_TYPES = ("소득공제", "지출증빙")
RECEIPT_METHODS = frozenset({"virtual_account", "bank_transfer"})

def mask_identity(identity: str) -> str:
    """Identity numbers (phone, card, business no.) are kept masked: the last four digits only."""
    digits = "".join(ch for ch in identity if ch.isdigit())
    return ("*" * max(0, len(digits) - 4)) + digits[-4:] if digits else ""



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


def retry_receipt(payment: Payment, *, receipt_type: str, identity_number: str) -> dict[str, Any]:
    """A receipt left ``requested`` (the PG was called, its answer never recorded) may be asked for
    again — the same receipt only (type and number), so the PG's idempotency key stays valid."""
    current = dict(payment.cash_receipt or {})
    if current.get("status") != "requested":
        raise DomainError("CASH_RECEIPT_NOT_REQUESTED", "발급 요청 중인 현금영수증이 없습니다.", status=409,
                          extra={"receipt_status": current.get("status")})
    if current.get("type") != receipt_type or current.get("identity_number") != mask_identity(identity_number):
        raise DomainError("CASH_RECEIPT_REQUEST_MISMATCH",
                          "발급 요청 중인 현금영수증과 유형·번호가 다릅니다. "
                          "같은 내용으로 다시 요청하거나 '발급 완료 처리'를 하세요.",
                          status=409, extra={"type": current.get("type"),
                                             "identity_number": current.get("identity_number")})
    return current


def complete_requested_receipt(order: Order, payment: Payment, *, issue_number: str, actor: Actor, at: str,
                               note: str | None = None) -> PaymentChange:
    """발급 완료 처리: a receipt left ``requested`` that the admin found issued in the PG's console is
    completed by hand with the PG's issue number; who and when go on the timeline."""
    current = dict(payment.cash_receipt or {})
    if current.get("status") != "requested":
        raise DomainError("CASH_RECEIPT_NOT_REQUESTED", "발급 요청 중인 현금영수증이 없습니다.", status=409,
                          extra={"receipt_status": current.get("status")})
    current.update({"status": "issued", "issue_number": issue_number, "issued_at": at,
                    "completed_by": {**actor.as_dict(), "at": at}})
    text = f"현금영수증 발급 완료 처리 (승인번호 {issue_number}, PG 발급 확인)"
    event = _receipt_event(actor, at, payment, current, text)
    if note:
        event.data["note"] = note
    return PaymentChange(Change(order.clone(), [event], set()), {"cash_receipt": current}, payment.status)


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
