"""What an operator calls each request field, and how a value is written: the names a refused request
is answered with (``oms.schemas.validation``), never the field's code.

``FIELD_KO`` covers every field of every request model in ``oms.schemas`` and every path or query
parameter of the APIs (tests/unit/test_validation_messages.py fails for a field without a label). A
nested field is named along its path: ``buyer.phone`` is "구매자 전화번호", ``lines.0.quantity``
"품목 1번째 수량". ``EXAMPLES`` shows how a patterned value is written; ``VALUE_KO`` names the
allowed values of a choice.
"""

from __future__ import annotations

from oms.domain.claim_records import CLAIM_TYPE_KO
from oms.domain.shipping import METHOD_KO
from oms.domain.statuses import STATUS_KO
from oms.domain.tracking import PROVIDER_KO

FIELD_KO: dict[str, str] = {
    # orders, buyer, recipient, lines
    "order_id": "주문번호", "order_ids": "주문", "orders": "주문", "line_id": "품목번호", "line_ids": "품목",
    "lines": "품목", "moves": "상태 변경", "to": "변경할 상태", "from_status": "현재 상태", "quantity": "수량",
    "site_id": "쇼핑몰 아이디", "checkout_id": "결제 요청번호", "channel": "판매 채널", "scope": "배송 지역",
    "buyer": "구매자", "recipient": "수령인", "name": "이름", "phone": "전화번호", "email": "이메일",
    "member_id": "회원 아이디", "postal_code": "우편번호", "address": "주소 표시", "address1": "주소",
    "address2": "상세주소", "message": "배송 메시지", "product_code": "상품코드", "product_name": "상품명",
    "kind": "상품 종류", "options": "옵션", "value": "옵션값", "combination": "조합형 옵션", "price": "옵션 가격",
    "unit_price": "판매가", "product_discount": "상품 할인금액", "points_eligible": "적립 대상",
    "membership_days": "이용 기간(일)", "coupon_discount": "쿠폰 할인금액", "points_used": "적립금 사용액",
    "shipping_fee": "배송비", "shipping_fee_cod": "착불", "shipping_method": "배송 방법",
    "expected_version": "주문 버전", "text": "내용", "memo": "메모",
    # payments
    "payment": "결제", "payments": "결제 설정", "method": "방법", "amount": "금액", "provider": "연동 업체",
    "pg_payment_key": "PG 결제키", "payment_key": "PG 결제키", "paid_at": "결제 시각", "pg_order_id": "PG 주문번호",
    "virtual_account": "가상계좌", "deposit_secret": "입금 통보 비밀값", "bank": "은행", "account_no": "계좌번호",
    "holder": "예금주", "due_at": "입금 기한", "cash_receipt": "현금영수증", "type": "유형",
    "identity_number": "현금영수증 발급번호", "issue_number": "승인번호", "refund_account": "환불 계좌",
    "request_id": "요청번호", "payment_id": "결제번호", "payment_method": "결제수단", "note": "메모",
    "bank_note": "환불 내용", "reason": "사유",
    # claims
    "items": "클레임 품목", "fault": "귀책", "collection": "수거 정보", "courier": "택배사",
    "tracking_no": "송장번호", "fee_payment": "반품비 결제 방법", "complete": "즉시 완료",
    "exchange_option": "교환 옵션", "exchange_option_price": "교환 옵션 추가금액", "hold": "보류",
    "basis": "환불 기준", "adjustment": "조정 금액", "adjustment_reason": "조정 사유", "direction": "정산 방향",
    "claim_id": "클레임번호",
    # shipping, imports, exports, jobs
    "action": "처리", "filename": "파일 이름", "import_id": "업로드 번호", "shipment_id": "배송 번호",
    "template_id": "양식", "columns": "열", "field": "항목", "header": "열 제목", "row_grain": "행 단위",
    "options_layout": "옵션 표시", "format": "파일 형식", "personal": "개인정보 포함", "search": "검색 조건",
    "export_id": "내보내기 번호", "job_id": "작업 번호", "sku": "재고 코드",
    # list filters and pages
    "tab": "상태 탭", "buyer_type": "구매자 유형", "buyer_name": "구매자 이름", "buyer_phone": "구매자 전화번호",
    "recipient_name": "수령인 이름", "recipient_phone": "수령인 전화번호", "date_from": "시작일",
    "date_to": "종료일", "cursor": "페이지 위치", "limit": "조회 건수", "q": "검색어",
    "prefix": "상품코드 앞부분", "view_id": "보기 번호", "shared": "직원 공유",
    # messages, notifications
    "number": "번호", "label": "이름", "title": "제목", "role": "받는 사람", "sender": "발신번호",
    "message_id": "메시지 번호", "code": "템플릿 코드", "trigger": "발송 시점", "buttons": "버튼",
    "link_mo": "모바일 링크", "link_pc": "PC 링크", "sender_key": "카카오 발신 키", "first_use_limit": "첫 사용 제한",
    "order_link": "주문 조회 링크", "paid": "결제완료 알림", "va_issued": "가상계좌 발급 알림",
    "shipped": "배송시작 알림", "delivered": "배송완료 알림", "cancelled": "취소·환불 알림",
    "payment_requested": "결제요청 알림",
    # settings
    "points": "적립금 설정", "confirmation": "구매확정 설정", "membership": "회원그룹 설정", "printing": "인쇄 설정",
    "claims": "클레임 설정", "notifications": "알림톡 설정", "tracking": "배송추적 설정",
    "deposit_feed": "입금 내역 연동", "pg_provider": "PG사", "callback_registered_at": "통보 주소 등록 시각",
    "cash_receipt_auto_issue": "현금영수증 자동 발행", "bank_matching": "입금 자동 확인", "bank_code": "은행 코드",
    "rule": "입금자명 일치 규칙", "accounts": "계좌", "enabled": "사용", "rate_bp": "적립률",
    "auto_clawback": "적립금 자동 회수", "auto_confirm_days": "자동 구매확정 일수",
    "auto_remove_group": "회원그룹 자동 해제", "shop_name": "쇼핑몰 이름", "start": "시작 우편번호",
    "end": "끝 우편번호", "fee": "추가 배송비", "name_ko": "이름", "return_shipping_fee": "반품 배송비",
    "free_shipping_threshold": "무료배송 기준 금액", "base_shipping_fee": "기본 배송비",
    "coupon_recovery": "쿠폰 회수 방식", "coupon_min_order_amount": "쿠폰 최소 주문 금액",
    "remote_return_surcharge": "도서산간 반품 추가비", "remote_zones": "도서산간 지역",
    "quiet_days": "배송 이상 기준 일수",
    "auto_complete": "배송완료 자동 처리",
    # channels, deposits, staff, webhooks
    "client_id": "애플리케이션 아이디", "client_secret": "애플리케이션 시크릿", "account_id": "판매자 아이디",
    "due_date": "발송 예정일", "detail": "상세 사유", "account": "계좌번호", "tx_id": "입금 번호",
    "operator_id": "직원 아이디", "role_id": "역할", "permissions": "권한", "endpoint_id": "웹훅 번호",
    "url": "주소", "event_types": "이벤트 종류", "description": "설명",
}

#: field -> how a valid value looks (shown when the value does not match the field's pattern)
EXAMPLES: dict[str, str] = {
    "order_id": "20261126-0001", "line_id": "L001", "phone": "010-1234-5678", "buyer_phone": "010-1234-5678",
    "recipient_phone": "010-1234-5678", "postal_code": "06236", "start": "63000", "end": "63644",
    "email": "minsu@example.com", "product_code": "TEE-01", "site_id": "shop-1", "identity_number": "010-1234-5678",
    "account_no": "110-123-456789", "due_date": "2026-12-24", "date_from": "2026-12-01", "date_to": "2026-12-31",
    "order_link": "https://shop.example.com/orders", "link_mo": "https://m.shop.example.com",
    "link_pc": "https://shop.example.com", "number": "0212345678", "bank_code": "020", "account": "110123456789",
    "shipment_id": "SH1", "role_id": "cs_team",
}

#: an allowed value -> its Korean name (statuses, shipping methods, claim types and the other choices)
VALUE_KO: dict[str, str] = {
    **{s.value: ko for s, ko in STATUS_KO.items()},
    **METHOD_KO,
    **CLAIM_TYPE_KO,
    "all": "전체", "delivery_issue": "배송 이상", "member": "회원", "guest": "비회원",
    "store": "쇼핑몰", "naverpay_order": "네이버페이 주문형", "kakao_checkout": "카카오 체크아웃",
    "card": "신용카드", "bank_transfer": "무통장입금", "virtual_account": "가상계좌", "easy_pay": "간편결제",
    "mobile": "휴대폰결제", "points": "적립금", "domestic": "국내", "overseas": "해외",
    "physical": "배송 상품", "digital": "디지털 상품", "membership_pass": "회원그룹 이용권",
    "buyer": "구매자", "recipient": "수령인", "shop": "판매자", "set": "등록", "remove": "삭제",
    "courier": "택배 수거", "buyer_sends": "구매자 직접 발송", "deduct": "환불금에서 차감", "enclosed": "동봉",
    "transfer": "계좌 이체", "paid": "실결제가", "original": "원판매가", "refund": "환불", "request": "결제요청",
    "collecting": "수거중", "collected": "수거완료", "on_hold": "보류", "release": "보류 해제", "reject": "거부",
    "withdraw": "철회", "complete": "완료", "approve": "승인", "holdback": "보류",
    "line": "품목별", "order": "주문별", "combined": "한 칸", "split": "두 칸", "newline": "줄바꿈", "inline": "한 줄",
    "status": "상태 변경", "deliver_no_shipping": "배송없음 배송완료", "export": "엑셀 내보내기", "print": "인쇄",
    "equal": "일치", "contains": "포함", "ignore_spaces": "공백 무시 일치", "contains_ignore_spaces": "공백 무시 포함",
    "pro_rata": "비율대로 회수", "whole_when_minimum_broken": "최소 금액 미달 시 전액 회수",
    **PROVIDER_KO,
    "toss": "토스페이먼츠", "portone": "포트원", "bankda": "뱅크다", "popbill": "팝빌",
    "html": "화면", "pdf": "인쇄용 파일",
}


#: route -> field path -> a better name on that route (a memo's ``text`` is the 메모 itself)
ROUTE_FIELD_KO: dict[str, dict[str, str]] = {
    "POST /admin/orders/{order_id}/memos": {"text": "메모"},
    "POST /admin/orders/{order_id}/messages": {"text": "문자 내용", "title": "문자 제목", "template_id": "문자 템플릿"},
    "POST /admin/messages/templates": {"name": "템플릿 이름", "text": "템플릿 내용", "title": "문자 제목"},
    "PUT /admin/messages/templates/{template_id}": {"name": "템플릿 이름", "text": "템플릿 내용", "title": "문자 제목"},
    "POST /admin/messages/senders": {"number": "발신번호", "label": "발신번호 이름"},
    "PUT /admin/messages/senders/default": {"number": "발신번호"},
    "POST /admin/alimtalk/templates": {"name": "템플릿 이름", "text": "템플릿 내용"},
    "POST /admin/exports/templates": {"name": "양식 이름"},
    "PUT /admin/exports/templates/{template_id}": {"name": "양식 이름"},
    "PUT /admin/staff/{operator_id}": {"name": "직원 이름"},
    "POST /admin/views": {"name": "보기 이름"},
    "PUT /admin/views/{view_id}": {"name": "보기 이름", "expected_version": "보기 버전"},
    "PUT /admin/roles/{role_id}": {"name_ko": "역할 이름"},
}


def label(name: str) -> str | None:
    """The Korean name of one field (None for a field the catalogue does not know)."""
    return FIELD_KO.get(name)
