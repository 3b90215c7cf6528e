"""Models of the order APIs. Field constraints are the validation rules the API reports by name."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, model_validator

from oms.domain.limits import MAX_BULK_ORDERS, MAX_INTAKE_LINES, MAX_LINES
from oms.domain.statuses import Channel, DeliveryScope, PaymentMethod, ProductKind, Status
from oms.schemas.common import (
    Bool,
    CursorQuery,
    DateRange,
    Instant,
    Int,
    LineId,
    Lookup,
    MemberId,
    Model,
    MultilineText,
    OrderId,
    Strict,
    Text,
    refuse,
)

Won = Annotated[int, Field(ge=0, le=10_000_000_000, strict=True, description="KRW, integer")]
Phone = Annotated[str, Field(pattern=r"^\+?[0-9][0-9\- ]{6,18}[0-9]$", description="digits, may hold hyphens")]
#: no space, no control character (the pattern keeps the documented schema; Text would drop it)
EMAIL = r"^[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+\.[^@\s\x00-\x1f\x7f]+$"
SiteId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9\-]{1,62}$")]


class OptionIn(Strict):
    name: Text = Field(min_length=1, max_length=50)
    value: Text = Field(min_length=1, max_length=100)
    price: Won = 0


class LineIn(Strict):
    product_code: Text = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_\-\.]+$",
                              description="자체 상품코드")
    product_name: Text = Field(min_length=1, max_length=200)
    kind: ProductKind = ProductKind.PHYSICAL
    options: list[OptionIn] = Field(default_factory=list, max_length=10)
    combination: Bool = Field(default=False, description="조합형 옵션 (one SKU per combination)")
    quantity: Int = Field(ge=1, le=9999)
    unit_price: Won
    product_discount: Won = 0
    points_eligible: Bool = True
    membership_days: Int | None = Field(default=None, ge=1, le=3650)


class BuyerIn(Strict):
    name: Text = Field(min_length=1, max_length=50)
    phone: Phone
    email: str | None = Field(default=None, max_length=200, pattern=EMAIL)
    member_id: MemberId | None = Field(default=None, description="null for guests")


class RecipientIn(Strict):
    name: Text = Field(min_length=1, max_length=50)
    phone: Phone
    postal_code: Text = Field(pattern=r"^[0-9]{5}$|^[A-Za-z0-9\- ]{3,10}$")
    address1: Text = Field(min_length=1, max_length=200)
    address2: Text = Field(default="", max_length=200)
    message: Text | None = Field(default=None, max_length=200)


class VirtualAccountIn(Strict):
    bank: Text = Field(min_length=1, max_length=30)
    account_no: Text = Field(min_length=4, max_length=40)
    holder: Text = Field(min_length=1, max_length=50)
    due_at: Instant


class CashReceiptRequestIn(Strict):
    type: Literal["소득공제", "지출증빙"] = "소득공제"
    identity_number: Text = Field(min_length=8, max_length=20, pattern=r"^[0-9\-]+$",
                                 description="phone, cash-receipt card or business registration number")


class PaymentIn(Strict):
    method: PaymentMethod
    amount: Won
    provider: Text | None = Field(default=None, max_length=30, description="PG: toss, portone ...")
    pg_payment_key: Text | None = Field(default=None, max_length=200)
    paid_at: Instant | None = None
    virtual_account: VirtualAccountIn | None = None
    pg_order_id: str | None = Field(
        default=None, min_length=6, max_length=64, pattern=r"^[A-Za-z0-9_\-:.=]+$",
        description="the merchant order/payment id the PG knows this payment by (Toss orderId, PortOne paymentId)")
    deposit_secret: Text | None = Field(
        default=None, min_length=8, max_length=200, repr=False,
        description="the PG's deposit-callback secret of the virtual account (stored, never returned)")
    cash_receipt: CashReceiptRequestIn | None = Field(default=None, description="현금영수증 신청 (at checkout)")

    @model_validator(mode="after")
    def _va(self) -> PaymentIn:
        if self.method is PaymentMethod.VIRTUAL_ACCOUNT and self.virtual_account is None:
            raise refuse("virtual_account_required")
        if (self.deposit_secret or self.pg_order_id) and not self.provider:
            raise refuse("provider_required")
        if self.deposit_secret and not self.pg_order_id:
            raise refuse("pg_order_id_required")
        return self


class IntakeOrderIn(Strict):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "site_id": "shop-1", "checkout_id": "CHK-20261126-0001", "channel": "store", "scope": "domestic",
        "buyer": {"name": "김민수", "phone": "010-1234-5678", "email": "minsu@example.com", "member_id": "m-100"},
        "recipient": {"name": "김민수", "phone": "010-1234-5678", "postal_code": "06236",
                      "address1": "서울특별시 강남구 테헤란로 152", "address2": "12층",
                      "message": "문 앞에 놓아주세요"},
        "lines": [{"product_code": "TEE-01", "product_name": "오버핏 티셔츠", "kind": "physical",
                   "options": [{"name": "색상", "value": "블랙", "price": 0},
                               {"name": "사이즈", "value": "L", "price": 1000}],
                   "quantity": 2, "unit_price": 19000}],
        "shipping_fee": 3000,
        "payment": {"method": "card", "amount": 43000, "provider": "toss", "pg_payment_key": "tgen_20261126_abc123",
                    "paid_at": "2026-11-26T01:10:10Z"}}]})

    site_id: SiteId
    checkout_id: Text = Field(min_length=1, max_length=100, description="unique per checkout; retries are safe")
    channel: Channel = Channel.STORE
    scope: DeliveryScope = DeliveryScope.DOMESTIC
    buyer: BuyerIn
    recipient: RecipientIn
    lines: list[LineIn] = Field(min_length=1, max_length=MAX_INTAKE_LINES)
    coupon_discount: Won = 0
    points_used: Won = 0
    shipping_fee: Won = 0
    shipping_fee_cod: Bool = Field(default=False, description="착불: paid to the courier, not with the order")
    shipping_method: Literal["parcel", "quick", "pickup", "none"] = Field(
        default="parcel", description="택배 / 퀵서비스 / 방문수령 / 배송없음: new shipments default to it")
    payment: PaymentIn


class MoveIn(Strict):
    line_id: LineId
    to: Status
    quantity: Int | None = Field(default=None, ge=1, le=9999, description="omit for the whole line")


class StatusChangeIn(Strict):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "moves": [{"line_id": "L1", "to": "ready_to_ship"}, {"line_id": "L2", "to": "cancelled", "quantity": 1}],
        "expected_version": 3}]})

    moves: list[MoveIn] = Field(min_length=1, max_length=MAX_LINES)
    expected_version: Int | None = Field(default=None, ge=1, description="the version read; 409 if it changed")


class BulkStatusIn(Strict):
    order_ids: list[OrderId] = Field(min_length=1, max_length=MAX_BULK_ORDERS, description="at most 50 orders")
    to: Status
    from_status: Status | None = Field(
        default=None, description="only lines in this status (default: any line that may move)")


class MemoIn(Strict):
    text: MultilineText = Field(min_length=1, max_length=2000)


class StockIn(Strict):
    quantity: Int = Field(ge=0, le=10_000_000)


class ListQuery(DateRange):
    tab: Literal["all", "delivery_issue"] | Status = Field(
        default="all",
        description="a status tab, `all`, or `delivery_issue` (배송 이상: parcels with an open tracking issue)")
    payment_method: PaymentMethod | None = None
    channel: Channel | None = None
    scope: DeliveryScope | None = None
    buyer_type: Literal["member", "guest"] | None = None
    q: Lookup | None = Field(
        default=None,
        description="통합검색: the start of the buyer's or recipient's name or given name (지민 finds 김지민), "
                    "a phone's last 4 digits or the whole number, the order number's last 4 or 6 digits or "
                    "the whole number, a tracking number, a line's product code. At least 2 characters "
                    "(4 when digits only); the answer adds `total`, `total_capped` and `counts_scope`")
    order_id: Lookup | None = None
    buyer_name: Lookup | None = None
    buyer_phone: Lookup | None = None
    recipient_name: Lookup | None = None
    recipient_phone: Lookup | None = None
    tracking_no: Lookup | None = None
    cursor: CursorQuery | None = None
    limit: int = Field(default=20, ge=1, le=100)


class BulkResult(Model):
    order_id: str
    result: Literal["done", "refused"]
    code: str | None = None
    message_ko: str | None = None
    detail: dict[str, Any] | None = None
