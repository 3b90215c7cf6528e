"""Saved views of the order list: what the console sends and reads (README "Saved views", docs/data-model.md).

``search`` holds the list's own query keys (every key :class:`oms.schemas.orders.ListQuery` takes but
``cursor`` and ``limit``), checked by the service with that model, plus ``days``: a range relative to
the day the view is applied (the last N KST days, today included) in place of fixed dates.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from aws_lambda_powertools.event_handler.openapi.params import Path
from pydantic import ConfigDict, Field, StrictInt, StrictStr, field_validator

from oms.schemas.answers import Answer
from oms.schemas.common import Bool, Int, Model, Text

#: the list's columns a view may show (console cells carry ``data-col`` with these keys) -> 한국어
COLUMNS: dict[str, str] = {
    "product": "상품", "quantity": "총 구매수량", "amount": "결제금액", "payment": "결제수단", "channel": "판매채널",
    "buyer": "구매자", "recipient": "수령인", "memo": "최근 메모", "status": "상태별 수량",
}
Column = Literal["product", "quantity", "amount", "payment", "channel", "buyer", "recipient", "memo", "status"]
ALL_COLUMNS: list[Column] = ["product", "quantity", "amount", "payment", "channel", "buyer", "recipient", "memo",
                             "status"]
ViewIdPath = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[0-9A-Za-z\-_]+$", description="보기 ID")]
ViewName = Annotated[Text, Field(min_length=1, max_length=30, description="보기 이름 (범위 안에서 겹칠 수 없음)")]
SearchValue = Annotated[StrictStr, Field(max_length=400)] | StrictInt
Search = Annotated[dict[Annotated[str, Field(max_length=40)], SearchValue], Field(
    max_length=20, description="주문 목록의 검색 조건 (tab, date_from/date_to 또는 days, 필터, 조회 하나)",
    examples=[{"tab": "ready_to_ship", "days": 7, "channel": "naverpay_order"}])]


class _In(Model):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("columns", check_fields=False)
    @classmethod
    def _distinct(cls, value: list[str] | None) -> list[str] | None:
        if value is not None and len(set(value)) != len(value):
            raise ValueError("columns must not repeat")
        return value


class ViewIn(_In):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "name": "네이버 배송대기", "shared": True,
        "search": {"tab": "ready_to_ship", "channel": "naverpay_order", "days": 7},
        "columns": ["product", "quantity", "buyer", "status"]}]})

    name: ViewName
    shared: Bool = Field(default=False, description="직원 전체와 공유 ('설정' 권한 필요)")
    search: Search = Field(default_factory=dict)
    columns: list[Column] = Field(default_factory=lambda: list(ALL_COLUMNS), min_length=1, max_length=len(COLUMNS))


class ViewChange(_In):
    """A change of one view; the fields left out stay as they are."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"name": "네이버 배송대기 (7일)",
                                                               "expected_version": 1}]})

    expected_version: Int = Field(ge=1, description="읽은 보기의 version: 그 사이 바뀌었으면 409 VIEW_CHANGED")
    name: ViewName | None = None
    shared: Bool | None = None
    search: Search | None = None
    columns: list[Column] | None = Field(default=None, min_length=1, max_length=len(COLUMNS))


class SavedView(Answer):
    view_id: str
    name: str
    shared: bool
    owner: dict[str, Any]
    search: dict[str, Any]
    query: dict[str, Any] = Field(description="오늘 적용하면 주문 목록에 보낼 검색 조건 (days를 날짜로 바꾼 것)")
    columns: list[str]
    mine: bool
    editable: bool
    version: int
    created_at: str
    updated_at: str


class SavedViews(Answer):
    views: list[SavedView]
    columns: list[dict[str, str]]
    limits: dict[str, int]
    can_share: bool


class ViewDeleted(Answer):
    view_id: str
    deleted: bool
