"""The timeline's event kinds: every ``Event.kind`` the product records on an order, with what it means.

An event is recorded where its change is made (``Event("status_changed", actor, at, data)``); this
module names each kind once. tests/unit/test_event_kinds.py reads shared/ and functions/ and fails
when a kind is recorded (or compared with) but missing here, or listed here but recorded nowhere.
A new kind: record it, then add its constant and a line to :data:`KINDS`.
"""

from __future__ import annotations

# ---- orders and units
ORDER_CREATED = "order_created"
STATUS_CHANGED = "status_changed"
ORDER_CLOSED = "order_closed"
ORDER_REOPENED = "order_reopened"
LINE_ADDED = "line_added"
CHARGE_ADDED = "charge_added"
RECIPIENT_CHANGED = "recipient_changed"
MEMO = "memo"
REFUSED = "refused"

# ---- payments, refunds, payment requests, cash receipts
PAYMENT = "payment"
PAYMENT_LATE = "payment_late"
PAYMENT_CANCELLED = "payment_cancelled"
PAYMENT_DEPOSIT_ERROR = "payment_deposit_error"
PAYMENT_VOIDED = "payment_voided"
PAYMENT_VOID_FAILED = "payment_void_failed"
PG_CALLBACK_IGNORED = "pg_callback_ignored"
REFUND = "refund"
REFUND_FORCED = "refund_forced"
PAYMENT_REQUESTED = "payment_requested"
PAYMENT_REQUEST_ACCOUNT_ISSUED = "payment_request_account_issued"
PAYMENT_REQUEST_CANCELLED = "payment_request_cancelled"
PAYMENT_REQUEST_COVERED = "payment_request_covered"
CASH_RECEIPT = "cash_receipt"

# ---- points and membership passes
POINTS_USED = "points_used"
POINTS_ACCRUED = "points_accrued"
POINTS_CLAWED_BACK = "points_clawed_back"
POINTS_RESTORED = "points_restored"
MEMBERSHIP_GRANT = "membership_grant"
MEMBERSHIP_REVOKE = "membership_revoke"
MEMBERSHIP_GROUP_REMOVED = "membership_group_removed"

# ---- claims
CLAIM_REQUESTED = "claim_requested"
CLAIM_STEP = "claim_step"
CLAIM_COMPLETED = "claim_completed"
CLAIM_SETTLED = "claim_settled"
EXCHANGE_OPTION_REQUESTED = "exchange_option_requested"
EXCHANGE_OPTION_ACCEPTED = "exchange_option_accepted"
EXCHANGE_REPLACEMENT = "exchange_replacement"

# ---- shipping
TRACKING_ADDED = "tracking_added"
TRACKING_CHANGED = "tracking_changed"
TRACKING_REMOVED = "tracking_removed"
INVOICE_APPLIED = "invoice_applied"
TRACKING_REGISTERED = "tracking_registered"
TRACKING_REJECTED = "tracking_rejected"
TRACKING_SCAN = "tracking_scan"
TRACKING_ISSUE = "tracking_issue"
TRACKING_ISSUE_RESOLVED = "tracking_issue_resolved"
TRACKING_CHECKED = "tracking_checked"
TRACKING_CORRECTED = "tracking_corrected"

# ---- messages and deliveries after commit
MESSAGE = "message"
MESSAGE_RESULT = "message_result"
NOTIFICATION = "notification"
DELIVERY_FAILED = "delivery_failed"

#: kind -> "한국어 — English": one line each, in the groups above# ---- external channels
CHANNEL_STATE = "channel_state"
CHANNEL_CONFLICT = "channel_conflict"
CHANNEL_ADDRESS_CHANGED = "channel_address_changed"
CHANNEL_DELAY_REQUESTED = "channel_delay_requested"
CHANNEL_DECISION_REQUESTED = "channel_decision_requested"
CHANNEL_PUSH = "channel_push"
CHANNEL_REFUSED = "channel_refused"

KINDS: dict[str, str] = {
    ORDER_CREATED: "주문 접수 — the checkout's order was taken in (intake)",
    STATUS_CHANGED: "상태 변경 — units moved to another status (main flow, step back, claim request)",
    ORDER_CLOSED: "거래 종료 — every unit final, the balance 0, no claim open or unsettled",
    ORDER_REOPENED: "거래 재개 — a closed order reopened (by an admin, or money moved after it closed)",
    LINE_ADDED: "상품 추가 — an admin added a line to a paid order",
    CHARGE_ADDED: "비용 추가 — a charge was added to the order (remote-area fee, claim fee, adjustment)",
    RECIPIENT_CHANGED: "배송지 변경 — the recipient or address changed before shipping",
    MEMO: "메모 — a note an admin wrote on the order",
    REFUSED: "거절 — a request was refused; the order did not change (code, message, who)",
    PAYMENT: "결제 — a payment was recorded (checkout, deposit, outside payment, paid request)",
    PAYMENT_LATE: "마감 후 입금 — money arrived for a closed payment; a refund is owed",
    PAYMENT_CANCELLED: "결제 취소 — a pending payment was cancelled (expired account, PG cancel)",
    PAYMENT_DEPOSIT_ERROR: "입금 오류 — the PG cancelled a deposit after the order moved on",
    PAYMENT_VOIDED: "결제 자동 취소 — a card payment that could not be recorded was cancelled at the PG",
    PAYMENT_VOID_FAILED: "결제 자동 취소 실패 — that cancel failed; the operator cancels it at the PG",
    PG_CALLBACK_IGNORED: "PG 콜백 반영 안 함 — a PG callback about something already settled",
    REFUND: "환불 — money went back to the buyer (PG or account refund)",
    REFUND_FORCED: "환불 강제완료 — an admin recorded a refund made outside the PG",
    PAYMENT_REQUESTED: "결제요청 — the shop asked the buyer to pay an outstanding amount",
    PAYMENT_REQUEST_ACCOUNT_ISSUED: "결제요청 가상계좌 발급 — a virtual account was issued for a request",
    PAYMENT_REQUEST_CANCELLED: "결제요청 취소 — a payment request was cancelled",
    PAYMENT_REQUEST_COVERED: "결제요청 충당 — another payment covered an open request, which closed",
    CASH_RECEIPT: "현금영수증 — a cash receipt was requested, issued, failed or cancelled",
    POINTS_USED: "적립금 사용 — points spent at checkout",
    POINTS_ACCRUED: "적립금 적립 — points earned at purchase confirmation",
    POINTS_CLAWED_BACK: "적립금 회수 — earned points taken back after a cancel or return",
    POINTS_RESTORED: "적립금 복원 — spent points given back by a claim's settlement",
    MEMBERSHIP_GRANT: "이용권 부여 — a membership pass granted its days",
    MEMBERSHIP_REVOKE: "이용권 취소 — a cancelled pass took its days back",
    MEMBERSHIP_GROUP_REMOVED: "회원그룹 해제 — the member left the pass's group",
    CLAIM_REQUESTED: "클레임 접수 — a cancel, return or exchange was requested",
    CLAIM_STEP: "클레임 처리 — a claim moved a step (collecting, collected, hold, rejected, withdrawn …)",
    CLAIM_COMPLETED: "클레임 완료 — a claim completed (units cancelled, returned or exchanged)",
    CLAIM_SETTLED: "클레임 정산 — a completed claim's money was settled (refund or payment request)",
    EXCHANGE_OPTION_REQUESTED: "교환 옵션 요청 — an exchange names another option of the product",
    EXCHANGE_OPTION_ACCEPTED: "교환 옵션 확정 — the shop priced and accepted that option",
    EXCHANGE_REPLACEMENT: "교환 상품 — a completed exchange created the replacement line",
    TRACKING_ADDED: "송장 등록 — a tracking number was entered",
    TRACKING_CHANGED: "송장 수정 — a tracking number or courier was changed",
    TRACKING_REMOVED: "송장 삭제 — a tracking number was removed",
    INVOICE_APPLIED: "송장 업로드 반영 — an invoice workbook row shipped units",
    TRACKING_REGISTERED: "배송추적 등록 — the tracking provider took the parcel's number",
    TRACKING_REJECTED: "배송추적 등록 거절 — the tracking provider refused the number (reason shown)",
    TRACKING_SCAN: "택배 스캔 — a courier event, applied (units moved) or ignored (with why), in the courier's words",
    TRACKING_ISSUE: "배송 이상 — no courier scan for the site's quiet days",
    TRACKING_ISSUE_RESOLVED: "배송 이상 처리 — an operator settled a parcel's delivery issue (with a note)",
    TRACKING_CHECKED: "배송추적 점검 — a due parcel check found nothing wrong",
    TRACKING_CORRECTED: "송장 수정(발송 후) — a shipped parcel's number was corrected; tracking starts again",
    MESSAGE: "문자 — a message to the buyer was sent (queued) or sent again",
    MESSAGE_RESULT: "문자 결과 — the SMS provider's result for a message (sent or failed)",
    NOTIFICATION: "구매자 알림 — a KakaoTalk notice on an order event, or its SMS/LMS fallback (result, masked phone)",
    DELIVERY_FAILED: "후속 처리 실패 — an after-commit delivery (SMS, cash receipt …) failed for good",
    CHANNEL_STATE: "네이버 상태 — the channel's state of a product order changed (no unit moved by it)",
    CHANNEL_CONFLICT: "네이버 상태 반영 불가 — the channel's state breaks our move rules; kept on the line",
    CHANNEL_ADDRESS_CHANGED: "네이버 배송지 변경 — the buyer changed the address on the channel before shipping",
    CHANNEL_DELAY_REQUESTED: "발송지연 요청 — the shop delayed dispatch with the channel's reason and a date",
    CHANNEL_DECISION_REQUESTED: "네이버 클레임 처리 요청 — the shop approved / rejected / held back a channel claim",
    CHANNEL_PUSH: "네이버 전달 완료 — the channel accepted a dispatch, delay or claim decision",
    CHANNEL_REFUSED: "네이버 거부 — the channel refused a push for a product order, with its code and words",
}
