"""Refusals of the request itself: its body, its token, its Idempotency-Key, the route, and the
unexpected error (oms.http, the functions' handlers)."""

from __future__ import annotations

from oms.domain.refusals.base import Refusal

REFUSALS: tuple[Refusal, ...] = (
    Refusal("BODY_NOT_UTF8", 400, "요청 본문에 읽을 수 없는 글자가 있습니다. 유니코드 텍스트로 보내세요."),
    Refusal("FORBIDDEN", 403,
            "권한이 없습니다 (관리자 권한, 회원 로그인, 비회원 주문 조회 토큰 또는 체크아웃 서비스 인증이 "
            "필요합니다)."),
    Refusal("IDEMPOTENCY_IN_PROGRESS", 409, "같은 요청을 처리 중입니다. 잠시 후 다시 시도하세요."),
    Refusal("IDEMPOTENCY_KEY_INVALID", 400,
            "중복 방지 키('Idempotency-Key' 헤더)는 영문·숫자·기호 1~255자여야 합니다."),
    Refusal("IDEMPOTENCY_KEY_REUSED", 422, "같은 중복 방지 키로 다른 요청을 보낼 수 없습니다. 새 키를 사용하세요."),
    Refusal("INTERNAL_ERROR", 500, "일시적인 오류가 발생했습니다. 잠시 후 다시 시도하세요."),
    Refusal("INVALID_CURSOR", 400, "잘못된 페이지 커서입니다. 첫 페이지부터 다시 조회하세요."),
    Refusal("JSON_TOO_DEEP", 400, "요청 본문의 중첩이 너무 깊습니다 (최대 32단계)."),
    Refusal("MALFORMED_BODY", 400, "요청 본문을 읽을 수 없습니다."),
    Refusal("MALFORMED_JSON", 400, "요청 본문의 형식이 올바르지 않습니다. 괄호, 따옴표, 쉼표가 맞는지 확인하세요."),
    Refusal("METHOD_NOT_ALLOWED", 405, "이 주소는 'POST' 요청만 받습니다."),
    # REQUEST_REFUSED and SERVICE_ERROR answer a Powertools ServiceError with its own status (< 500, >= 500)
    Refusal("REQUEST_REFUSED", 400, "요청을 처리할 수 없습니다."),
    Refusal("ROUTE_NOT_FOUND", 404, "요청한 경로가 없습니다."),
    Refusal("SERVICE_ERROR", 500, "요청을 처리할 수 없습니다."),
    Refusal("UNSUPPORTED_CONTENT_TYPE", 415, "요청 본문의 형식을 처리할 수 없습니다."),
    # one sentence per rule, naming the field's Korean label and its limit (oms.schemas.validation)
    Refusal("VALIDATION_FAILED", 400,
            "{항목 이름}은/는 {규칙과 한도} (예: 메모는 최대 2,000자까지 입력할 수 있습니다.)"),
)
