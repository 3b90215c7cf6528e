"""Refusals of the site's webhook endpoints (oms.domain.webhook_endpoints; the endpoint services and
store)."""

from __future__ import annotations

from oms.domain.refusals.base import Refusal

REFUSALS: tuple[Refusal, ...] = (
    Refusal("WEBHOOK_ENDPOINT_LIMIT", 409, "웹훅 엔드포인트는 사이트당 최대 {limit}개입니다."),
    Refusal("WEBHOOK_ENDPOINT_NOT_FOUND", 404, "웹훅 엔드포인트를 찾을 수 없습니다: {endpoint_id}"),
    Refusal("WEBHOOK_EVENT_TYPES_EMPTY", 422, "받을 이벤트 유형을 하나 이상 고르세요."),
    Refusal("WEBHOOK_EVENT_TYPE_UNKNOWN", 422, "알 수 없는 이벤트 유형입니다: {types}"),
    Refusal("WEBHOOK_URL_INVALID", 422, "웹훅 URL 형식이 올바르지 않습니다."),
    Refusal("WEBHOOK_URL_NOT_HTTPS", 422, "웹훅 URL은 'https://'로 시작해야 합니다."),
    Refusal("WEBHOOK_URL_PRIVATE_HOST", 422, "내부 주소로는 웹훅을 보낼 수 없습니다: {host}"),
)
