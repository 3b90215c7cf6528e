"""Refusals of the order list's saved views (oms.services.views, oms.store.views)."""

from __future__ import annotations

from oms.domain.refusals.base import Refusal

REFUSALS: tuple[Refusal, ...] = (
    Refusal("VIEW_CHANGED", 409, "보기가 그 사이 바뀌었거나 삭제되었습니다. 목록을 새로 불러온 뒤 다시 하세요."),
    Refusal("VIEW_LIMIT", 409, "내 보기는 직원 한 명당 20개, 공유 보기는 사이트당 30개까지 저장할 수 있습니다."),
    Refusal("VIEW_NAME_TAKEN", 409, "같은 이름의 보기가 이미 있습니다: {name}"),
    Refusal("VIEW_NOT_FOUND", 404, "보기를 찾을 수 없습니다: {view_id}"),
    Refusal("VIEW_OWNER_ONLY", 403, "공유를 끄면 만든 직원의 보기로 돌아갑니다. 만든 직원만 공유를 끌 수 있습니다."),
    Refusal("VIEW_SEARCH_INVALID", 422, "주문 목록이 받지 않는 검색 조건입니다: {field}"),
    Refusal("VIEW_SEARCH_KEY_UNKNOWN", 422, "주문 목록에 없는 검색 조건은 저장할 수 없습니다: {key}"),
    Refusal("VIEW_SHARE_DENIED", 403, "직원 전체와 공유하는 보기는 '설정' 권한이 있어야 만들거나 바꿀 수 있습니다."),
)
