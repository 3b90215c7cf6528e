"""Refusals about money: payments and deposits, refunds and payouts, payment requests and the PG,
cash receipts, PG callbacks and points (oms.domain.payments, payment_requests, cash_receipts; the
payment services, oms.services.webhooks, the points ledger)."""

from __future__ import annotations

from oms.domain.refusals.base import Refusal

REFUSALS: tuple[Refusal, ...] = (
    Refusal("CALLBACK_IN_PROGRESS", 409, "같은 콜백을 처리 중입니다."),
    Refusal("CALLBACK_TIME_IN_FUTURE", 422, "콜백 시각이 현재보다 이후입니다."),
    Refusal("CASH_RECEIPT_EXISTS", 409, "이미 발급(요청)된 현금영수증이 있습니다."),
    Refusal("CASH_RECEIPT_NOT_APPLICABLE", 422, "현금영수증은 무통장입금·가상계좌 결제에만 발급합니다."),
    Refusal("CASH_RECEIPT_NOT_ISSUED", 409, "발급된 현금영수증이 없습니다."),
    Refusal("CASH_RECEIPT_NOT_PAID", 409, "입금 확인된 결제에만 현금영수증을 발급할 수 있습니다."),
    Refusal("CASH_RECEIPT_NOT_REQUESTED", 409, "발급 요청 중인 현금영수증이 없습니다."),
    Refusal("CASH_RECEIPT_REQUEST_MISMATCH", 409,
            "발급 요청 중인 현금영수증과 유형·번호가 다릅니다. 같은 내용으로 다시 요청하거나 '발급 완료 처리'를 "
            "하세요."),
    Refusal("CASH_RECEIPT_STATE_CHANGED", 409, "현금영수증 상태가 그 사이에 바뀌었습니다."),
    Refusal("CASH_RECEIPT_TYPE_INVALID", 422, "현금영수증 유형은 소득공제 또는 지출증빙입니다."),
    Refusal("CASH_RECEIPT_USE_PG", 409,
            "PG 연동 사이트는 '현금영수증 발행' 버튼으로 발급하세요. 수동 완료 처리는 PG 미연동 사이트 또는 PG "
            "발급 실패 시에만 가능합니다."),
    Refusal("CLAIMS_NOT_SETTLED", 409, "완료되었지만 정산하지 않은 클레임이 있습니다({claim_ids}). 먼저 정산하세요."),
    Refusal("DEPOSIT_AMOUNT_MISMATCH", 422,
            "입금액({amount}원)이 결제금액({expected}원)과 다릅니다. 확인 후 수동 처리하세요."),
    Refusal("MEMBER_NOT_FOUND", 404, "회원을 찾을 수 없습니다: {member_id}"),
    Refusal("NOTHING_LEFT_TO_REFUND", 409, "환불할 금액이 남아 있지 않습니다 (이미 전액 환불된 결제입니다)."),
    Refusal("NOTHING_OUTSTANDING", 409, "청구할 미결금액이 없습니다."),
    Refusal("NOTHING_TO_REFUND", 409, "환불할 금액이 없습니다."),
    Refusal("NOT_DUE", 409, "입금기한이 지나지 않았습니다."),
    Refusal("NO_PENDING_UNITS", 409, "입금대기 상태의 품목이 없습니다."),
    Refusal("NO_PG", 409, "PG가 연동되지 않은 사이트입니다. 먼저 PG를 설정하세요."),
    Refusal("OUTSIDE_PAYMENT_ADMIN_ONLY", 403, "수동 결제 등록은 관리자만 할 수 있습니다."),
    Refusal("OUTSIDE_PAYMENT_EXCEEDS_OUTSTANDING", 422, "등록할 수 있는 금액은 미결금액({outstanding}원)까지입니다."),
    Refusal("OUTSTANDING_PENDING", 409,
            "입금 대기 중인 결제({pending}원)가 미결금액({outstanding}원)을 충당합니다. 입금을 기다리거나 입금 "
            "기한이 지난 뒤 다시 요청하세요."),
    Refusal("PAID_AT_IN_FUTURE", 422, "입금(결제)시각은 현재보다 이후일 수 없습니다."),
    Refusal("PAYMENT_ALREADY_PAID", 409, "이미 입금 확인된 결제입니다."),
    # Inconsistent: 422 at intake (the checkout's amount is not the order's), 409 when the PG's
    # confirmed amount is not the payment request's (oms.services.request_payments).
    Refusal("PAYMENT_AMOUNT_MISMATCH", 422,
            "결제금액({amount}원)이 주문금액 또는 결제요청 금액({expected}원)과 다릅니다.", also=(409,)),
    Refusal("PAYMENT_AUTH_EXPIRED", 409, "결제 승인 시간이 지났습니다. 다시 결제하세요."),
    Refusal("PAYMENT_CHANGED", 409, "결제 상태가 그 사이에 바뀌었습니다. 새로고침 후 다시 시도하세요."),
    Refusal("PAYMENT_IN_PROGRESS", 409, "결제가 진행 중입니다. 잠시 후 다시 확인하세요."),
    Refusal("PAYMENT_KEY_REQUIRED", 400, "카드 결제 승인 후 받은 결제키가 필요합니다."),
    # Two rules share this code: 422 moving units whose payment is not confirmed (oms.domain.moves),
    # 409 when the PG's payment disagrees with the payment request (oms.services.request_payments).
    Refusal("PAYMENT_NOT_CONFIRMED", 422,
            "입금 확인 전인 품목입니다. 입금 확인(결제) 후 상품준비로 변경됩니다. (결제요청: 'PG의 "
            "결제 내역이 결제요청과 일치하지 않습니다.')", also=(409,)),
    Refusal("PAYMENT_NOT_FOR_REQUEST", 409, "이 결제요청의 결제가 아닙니다."),
    Refusal("PAYMENT_NOT_FOUND", 404, "결제를 찾을 수 없습니다: {payment_id}"),
    Refusal("PAYMENT_NOT_FROM_PG", 409, "PG 결제가 아니므로 PG 환불을 할 수 없습니다."),
    Refusal("PAYMENT_NOT_PAID", 409, "입금 확인되지 않은 결제입니다."),
    Refusal("PAYMENT_NOT_PENDING", 409, "입금 대기 중인 결제가 아닙니다 (상태: {status})."),
    Refusal("PAYMENT_NOT_RECORDED", 503, "결제를 기록하지 못해 PG에서 취소했습니다. 잠시 후 다시 결제하세요."),
    Refusal("PAYMENT_NOT_REFUNDABLE", 409, "환불할 수 있는 결제가 아닙니다."),
    Refusal("PAYMENT_REFUSED_BY_PG", 409, "카드 결제가 승인되지 않았습니다: {PG 메시지}"),
    Refusal("PAYMENT_REQUEST_CHANGED", 409, "결제요청 상태가 그 사이에 바뀌었습니다. 새로고침 후 다시 시도하세요."),
    Refusal("PAYMENT_REQUEST_CLOSED", 409, "이미 결제되었거나 취소된 결제요청입니다."),
    Refusal("PAYMENT_REQUEST_EXCEEDS_OWED", 409,
            "결제요청 금액({amount}원)이 지금 청구할 수 있는 금액({owed}원)보다 큽니다. 판매자가 결제요청을 다시 "
            "만들어야 합니다."),
    Refusal("PAYMENT_REQUEST_EXISTS", 409, "이미 있는 결제요청입니다."),
    Refusal("PAYMENT_REQUEST_IN_PAYMENT", 409, "가상계좌 입금을 기다리는 결제요청입니다."),
    Refusal("PAYMENT_REQUEST_NOT_FOUND", 404, "결제요청을 찾을 수 없습니다: {request_id}"),
    Refusal("PAYMENT_REQUEST_OPEN", 409, "이미 진행 중인 결제요청이 있습니다. 취소 후 다시 요청하세요."),
    Refusal("PAYOUT_IN_PROGRESS", 409, "이 주문의 환불이 진행 중입니다. 잠시 후 다시 시도하세요."),
    Refusal("PG_CANCEL_FAILED", 502, "가상계좌 취소 실패: {PG 메시지}"),
    Refusal("PG_CASH_RECEIPT_PENDING", 503,
            "PG 응답을 받지 못했습니다. 같은 내용으로 다시 발행하면 이어서 처리됩니다."),
    # 502 when the PG failed (retry), 409 when it refused the virtual account
    Refusal("PG_ISSUE_FAILED", 502, "가상계좌 발급 실패: {PG 메시지}", also=(409,)),
    Refusal("PG_NOT_CONFIRMED", 503, "PG 조회에서 입금이 아직 확인되지 않습니다. 다시 시도됩니다."),
    Refusal("PG_ORDER_ID_IN_USE", 409, "이미 다른 주문에 쓰인 PG 주문번호입니다."),
    Refusal("PG_PAYMENT_NOT_FOUND", 422, "PG에 해당 결제가 없습니다. 결제를 다시 진행하세요."),
    Refusal("PG_PROVIDER_UNKNOWN", 404, "지원하지 않는 PG입니다: {provider}"),
    Refusal("PG_REFUND_FAILED", 502, "PG 환불 실패: {PG 메시지}"),
    Refusal("PG_REFUND_PENDING", 503, "PG 응답을 받지 못했습니다. 같은 환불 요청을 다시 보내 완료하세요."),
    # Inconsistent: 503 to a PG callback (the PG retries it), 502 to a buyer's payment look-up
    Refusal("PG_UNAVAILABLE", 503, "PG 조회에 실패했습니다. 다시 시도하세요.", also=(502,)),
    Refusal("POINTS_AMOUNT_ZERO", 400, "0원은 지급·차감할 수 없습니다."),
    Refusal("POINTS_ENTRY_EXISTS", 409, "이미 기록된 적립금 내역입니다."),
    Refusal("POINTS_EXCEED_ELIGIBLE_AMOUNT", 422, "적립금은 적립금 사용이 가능한 상품 금액까지만 사용할 수 있습니다."),
    Refusal("POINTS_INSUFFICIENT", 409, "적립금 잔액이 부족합니다. 잔액보다 많이 차감할 수 없습니다."),
    Refusal("POINTS_REQUIRE_MEMBER", 422, "적립금은 회원만 사용할 수 있습니다."),
    Refusal("REFUND_ACCOUNT_REQUIRED", 422, "가상계좌 환불에는 환불받을 계좌가 필요합니다."),
    Refusal("REFUND_ALREADY_RECORDED", 409, "이미 기록된 환불입니다."),
    Refusal("REFUND_EXCEEDS_OUTSTANDING", 422, "강제완료 금액({amount}원)이 환불할 금액({refundable}원)보다 큽니다."),
    Refusal("REFUND_EXCEEDS_PAYMENT", 422, "환불액({amount}원)이 남은 결제금액({remaining}원)보다 큽니다."),
    Refusal("REFUND_IN_PROGRESS", 409, "다른 환불이 진행 중입니다. 잠시 후 다시 시도하세요."),
    Refusal("REFUND_REQUEST_FAILED", 409, "PG가 거절한 환불 요청입니다: {사유}"),
    Refusal("REFUND_REQUEST_MISMATCH", 409, "같은 환불 요청 번호로 다른 금액을 요청할 수 없습니다."),
    Refusal("REFUND_REQUEST_NOT_RESERVED", 409, "이미 처리된 환불 요청입니다."),
    Refusal("VA_PARTIAL_REFUND_NOT_ALLOWED", 422,
            "가상계좌 결제는 전체 금액만 자동 환불됩니다. 부분 환불은 PG 관리자 화면에서 처리한 뒤 "
            "강제완료하세요."),
    Refusal("WEBHOOK_BODY_INVALID", 422, "콜백 본문의 {field} 값이 올바르지 않습니다."),
    Refusal("WEBHOOK_REJECTED", 401, "인증되지 않았거나 유효기간이 지난 콜백입니다."),
)
