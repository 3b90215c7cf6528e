"""/admin/orders/{order_id}/payments/...: manual deposit confirmation (order detail only, one order
per call), PG refund, cash receipts (PG issue, retry, completion, or 수동 완료 처리). Every service
reads the order first (consistently), so another site's order answers 404 before any payment or PG
rule and nothing is written for it."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler.api_gateway import Router

from oms.domain.clock import iso
from oms.http import admin_identity
from oms.integrations.pg import RefundAccount
from oms.schemas.paths import OrderIdPath, PaymentIdPath
from oms.schemas.payments import (
    CashReceiptIn,
    CompleteCashReceiptIn,
    ManualCashReceiptIn,
    ManualDepositIn,
    OutsidePaymentIn,
    PgRefundIn,
)
from oms.services import cash_receipts, payments
from oms.services.orders import get_detail

router = Router()


@router.post("/<order_id>/payments/<payment_id>/deposit", summary="수동 입금 확인 (주문 상세에서 한 건씩)")
def confirm_deposit(order_id: OrderIdPath, payment_id: PaymentIdPath, body: ManualDepositIn) -> dict[str, Any]:
    site_id, actor = admin_identity(router)
    payments.confirm_manual_deposit(site_id, order_id, payment_id, actor,
                                    paid_at=iso(body.paid_at) if body.paid_at else None, note=body.note)
    return get_detail(site_id, order_id, consistent=True)


@router.post("/<order_id>/payments/outside", summary="수동 결제 등록 (PG 밖에서 받은 돈: 계좌이체, 현장 결제)")
def record_outside_payment(order_id: OrderIdPath, body: OutsidePaymentIn) -> tuple[dict[str, Any], int]:
    site_id, actor = admin_identity(router)
    payments.record_outside_payment(site_id, order_id, amount=body.amount, actor=actor,
                                    paid_at=iso(body.paid_at) if body.paid_at else None, note=body.note)
    return get_detail(site_id, order_id, consistent=True), 201


@router.post("/<order_id>/payments/<payment_id>/refund", summary="PG 결제 취소(환불)")
def refund(order_id: OrderIdPath, payment_id: PaymentIdPath, body: PgRefundIn) -> dict[str, Any]:
    site_id, actor = admin_identity(router)
    account = (RefundAccount(body.refund_account.bank, body.refund_account.account_no, body.refund_account.holder)
               if body.refund_account else None)
    payments.refund_via_pg(site_id, order_id, payment_id, amount=body.amount, reason=body.reason,
                           refund_account=account, actor=actor, request_id=body.request_id)
    return get_detail(site_id, order_id, consistent=True)


@router.post("/<order_id>/payments/<payment_id>/cash-receipt", summary="현금영수증 발행 (PG)")
def issue_cash_receipt(order_id: OrderIdPath, payment_id: PaymentIdPath, body: CashReceiptIn) -> dict[str, Any]:
    site_id, actor = admin_identity(router)
    cash_receipts.issue(site_id, order_id, payment_id, receipt_type=body.type,
                        identity_number=body.identity_number, actor=actor)
    return get_detail(site_id, order_id, consistent=True)


@router.post("/<order_id>/payments/<payment_id>/cash-receipt/manual-complete",
             summary="현금영수증 수동 완료 처리 (PG 미연동)")
def manual_cash_receipt(order_id: OrderIdPath, payment_id: PaymentIdPath, body: ManualCashReceiptIn) -> dict[str, Any]:
    site_id, actor = admin_identity(router)
    cash_receipts.complete_manually(site_id, order_id, payment_id, receipt_type=body.type,
                                    identity_number=body.identity_number, issue_number=body.issue_number,
                                    actor=actor)
    return get_detail(site_id, order_id, consistent=True)


@router.post("/<order_id>/payments/<payment_id>/cash-receipt/complete",
             summary="현금영수증 발급 완료 처리 (발급 요청 중으로 남은 영수증, PG 승인번호로)")
def complete_cash_receipt(order_id: OrderIdPath, payment_id: PaymentIdPath,
                          body: CompleteCashReceiptIn) -> dict[str, Any]:
    site_id, actor = admin_identity(router)
    cash_receipts.complete_requested(site_id, order_id, payment_id, issue_number=body.issue_number, actor=actor,
                                     note=body.note)
    return get_detail(site_id, order_id, consistent=True)
