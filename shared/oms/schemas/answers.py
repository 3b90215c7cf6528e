"""What the API answers: the problem of every refusal and the success bodies of the order routes.

These models describe answers for the OpenAPI document (``make openapi``); the handlers build their
answers as plain dicts and never go through them. Large answers name their main members and allow
more (``extra="allow"``); the conformance test (tests/integration/test_openapi_conformance.py)
checks the real answers against them.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class Answer(BaseModel):
    # built on first use, as every API model (oms.schemas.common.Model)
    model_config = ConfigDict(extra="allow", defer_build=True)


class Problem(Answer):
    """RFC 9457 problem details: every 4xx/5xx the functions answer (``application/problem+json``)."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [{
        "type": "https://docs.oms.example/problems/validation-failed", "title": "Bad Request", "status": 400,
        "detail": "1 invalid field(s); first: moves.0.quantity violates greater_than_equal",
        "code": "VALIDATION_FAILED", "message_ko": "상태 변경 1번째 수량은 1 이상이어야 합니다.",
        "field": "moves.0.quantity", "rule": "greater_than_equal", "limit": 1,
        "errors": [{"field": "moves.0.quantity", "rule": "greater_than_equal", "limit": 1,
                    "message_ko": "상태 변경 1번째 수량은 1 이상이어야 합니다."}]}]})

    type: str = Field(description="https://docs.oms.example/problems/<code>")
    title: str
    status: int = Field(ge=400, le=599)
    detail: str | None = None
    code: str = Field(description="stable, machine-readable (VALIDATION_FAILED, ORDER_NOT_FOUND, VERSION_CONFLICT …): "
                                  "one of the refusal catalogue's codes, docs/refusals.md")
    message_ko: str | None = Field(default=None, description="shown to the operator or buyer as is")
    field: str | None = Field(default=None, description="the request member at fault, when there is one")


class GatewayError(Answer):
    """API Gateway's own refusal (authorizer): ``{"message": "Unauthorized"}``, before any function runs."""

    message: str


class Actor(Answer):
    kind: str | None = None
    id: str | None = None
    name: str | None = None


class NextMove(Answer):
    to: str
    to_ko: str
    partial: bool


class OrderLine(Answer):
    line_id: str
    product_code: str
    product_name: str
    kind: str
    quantity: int
    status: str
    status_ko: str
    unit_price: int
    paid_amount: int
    options: list[dict[str, Any]] = []
    option_text: str | None = None
    next: list[NextMove] = []
    external_id: str | None = Field(default=None, description="외부 채널의 상품주문번호 (네이버)")
    channel_state: dict[str, Any] | None = Field(
        default=None, description="채널이 보는 상태: status, claim, delay, decision, last_push, refusal, conflict")


class Amounts(Answer):
    order_amount: int
    paid: int
    refunded: int
    outstanding: int


class ClaimView(Answer):
    claim_id: str
    type: str
    step: str
    reason: str
    open: bool
    lines: list[dict[str, Any]] = []


class OrderDetail(Answer):
    """주문 상세: lines by status, shipments, payments, money, claims, payment requests, timeline."""

    order_id: str
    version: int
    created_at: str
    channel: str
    external: dict[str, Any] | None = Field(default=None, description="외부 채널 주문: channel, order_id")
    payment_method: str
    scope: str
    closed: bool
    buyer: dict[str, Any]
    recipient: dict[str, Any]
    lines: list[OrderLine]
    shipments: list[dict[str, Any]]
    payments: list[dict[str, Any]]
    amounts: Amounts
    claims: list[ClaimView]
    charges: list[dict[str, Any]]
    payment_requests: list[dict[str, Any]]
    status_quantities: dict[str, int]
    memo_count: int
    last_memo: dict[str, Any] | None = None
    timeline: list[dict[str, Any]]


class OrderPage(Answer):
    orders: list[dict[str, Any]] = Field(description="list rows (order, buyer, amounts, line preview)")
    next_cursor: str | None = None
    counts: dict[str, Any] | None = Field(default=None, description="orders per status tab")
    counts_scope: Literal["site", "search"] | None = Field(
        default=None, description="site: the counts are the whole shop's; search: the 통합검색's own (it found "
                                  "at most 200 orders), per tab, with the filters and dates")
    total: int | None = Field(default=None, description="통합검색: the orders the term finds in the date range")
    total_capped: bool | None = Field(default=None, description="통합검색: more than `total` (1,000) orders")


class BulkOutcome(Answer):
    order_id: str
    result: str = Field(description="done | refused")
    code: str | None = None
    message_ko: str | None = None


class BulkAnswer(Answer):
    results: list[BulkOutcome]
    done: int
    refused: int


class MemoAnswer(Answer):
    order_id: str
    memo_count: int
    last_memo: dict[str, Any] | None = None


class Timeline(Answer):
    events: list[dict[str, Any]] = Field(description="newest first: at, kind, actor, data")
    next_cursor: str | None = None


class ClaimsView(Answer):
    order_id: str
    version: int
    claims: list[ClaimView]
    charges: list[dict[str, Any]]
    reasons: list[dict[str, Any]]
    amounts: dict[str, int]


class Calculation(Answer):
    """환불금액 계산: each figure with its amount, rule and Korean text."""

    claim_id: str
    basis: str
    total: int
    points_back: int
    direction: str
    outstanding_after: int
    charges: list[dict[str, Any]]


class RefundOutcome(Answer):
    requested: int
    refunded: int
    left: int
    results: list[dict[str, Any]]


class Settlement(Answer):
    calculation: Calculation
    refund: RefundOutcome | None = None
    order: OrderDetail | None = None


class RefundAnswer(Answer):
    refund: RefundOutcome
    order: OrderDetail


class Shipments(Answer):
    order_id: str
    scope: str
    shipping_method: str | None = None
    shipments: list[dict[str, Any]]
    lines: list[dict[str, Any]]


class Combined(Answer):
    combined_group: str
    tracking_no: str
    orders: list[dict[str, Any]]


class Couriers(Answer):
    couriers: list[dict[str, Any]] = Field(description="code, name_ko, tracking_url, international, aliases")


class InvoiceImport(Answer):
    import_id: str
    status: str
    progress: float | None = None


class InvoiceImports(Answer):
    imports: list[InvoiceImport]


class StockRow(Answer):
    sku: str
    quantity: int
    updated_at: str | None = None


class StockList(Answer):
    items: list[StockRow]
