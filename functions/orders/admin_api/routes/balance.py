"""/admin/orders/{order_id}/...: the outstanding balance — 결제요청 (ask the buyer for it), refunds of
what the order owes the buyer (through the PG, retryable), 강제완료 of a refund made by hand."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler.api_gateway import Router

from oms.http import admin_identity
from oms.schemas.claims import ForceCompleteIn, PaymentRequestCancelIn, PaymentRequestIn, RefundOutstandingIn
from oms.schemas.paths import OrderIdPath, PaymentIdPath, RequestIdPath
from oms.services import payment_requests, payouts
from oms.services.orders import get_detail

router = Router()


@router.post("/<order_id>/payment-requests", summary="결제요청 (미결금액 청구, 한 번에 하나)")
def create_payment_request(order_id: OrderIdPath, body: PaymentRequestIn) -> tuple[dict[str, Any], int]:
    site_id, actor = admin_identity(router)
    return payment_requests.create(site_id, order_id, actor, body.note, body.expected_version).detail(), 201


@router.post("/<order_id>/payment-requests/<request_id>/cancel", summary="결제요청 취소")
def cancel_payment_request(order_id: OrderIdPath, request_id: RequestIdPath,
                           body: PaymentRequestCancelIn) -> dict[str, Any]:
    site_id, actor = admin_identity(router)
    return payment_requests.cancel(site_id, order_id, request_id, actor, body.reason).detail()


@router.post("/<order_id>/refunds", summary="환불처리 / 환불 재시도 (미결금액만큼, 결제수단별 PG 환불)")
def refund_outstanding(order_id: OrderIdPath, body: RefundOutstandingIn) -> dict[str, Any]:
    site_id, actor = admin_identity(router)
    payout = payouts.refund_outstanding(site_id, order_id, actor, reason=body.reason,
                                        refund_account=payouts.account(body.refund_account))
    return {"refund": payout.as_dict(), "order": get_detail(site_id, order_id, consistent=True)}


@router.post("/<order_id>/payments/<payment_id>/refunds/force-complete",
             summary="환불 강제완료 (PG 관리자 화면·계좌이체로 직접 환불한 금액 기록)")
def force_complete(order_id: OrderIdPath, payment_id: PaymentIdPath, body: ForceCompleteIn) -> dict[str, Any]:
    site_id, actor = admin_identity(router)
    payouts.force_complete(site_id, order_id, payment_id, amount=body.amount, bank_note=body.bank_note, actor=actor)
    return get_detail(site_id, order_id, consistent=True)
