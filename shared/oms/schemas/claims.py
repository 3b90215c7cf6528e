"""Models of the claim, balance and payment-request APIs (admin and buyer)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field

from oms.schemas.common import Int, MultilineText, Text
from oms.schemas.orders import LineIn, OptionIn, RecipientIn, Strict, Won
from oms.schemas.payments import RefundAccountIn

#: claims an order may hold (the CLAIMS item stays bounded: docs/data-model.md)
MAX_CLAIMS = 50

SignedWon = Annotated[int, Field(ge=-10_000_000_000, le=10_000_000_000, strict=True, description="KRW, ± integer")]


class ClaimItemIn(Strict):
    line_id: Text = Field(min_length=2, max_length=10, pattern=r"^L[0-9]+$")
    quantity: int = Field(ge=1, le=9999, strict=True)


class CollectionIn(Strict):
    method: Literal["courier", "buyer_sends", "none"] = Field(description="수거: courier pickup / buyer sends / none")
    courier: Text | None = Field(default=None, max_length=30)
    tracking_no: str | None = Field(default=None, max_length=40, pattern=r"^[A-Za-z0-9\- ]+$")


class ExchangeOptionIn(Strict):
    """교환 옵션: another option of the same product (absent: the same option again)."""

    product_code: str | None = Field(default=None, min_length=1, max_length=64,
                                     description="must be the claimed lines' product code when given")
    options: list[OptionIn] = Field(min_length=1, max_length=10,
                                    description="옵션명/옵션값 and 옵션 추가금액 (their sum is the option price)")


class BuyerOptionIn(Strict):
    name: Text = Field(min_length=1, max_length=50)
    value: Text = Field(min_length=1, max_length=100)


class BuyerExchangeOptionIn(Strict):
    """The option the buyer wants instead; the shop confirms its price when it starts the collection."""

    options: list[BuyerOptionIn] = Field(min_length=1, max_length=10)


class ClaimIn(Strict):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "type": "return", "items": [{"line_id": "L1", "quantity": 1}], "reason": "color_and_size",
        "collection": {"method": "courier", "courier": "cj"}, "fee_payment": "deduct",
        "note": "사이즈가 작아요", "expected_version": 4}]})

    type: Literal["cancel", "return", "exchange"]
    items: list[ClaimItemIn] = Field(min_length=1, max_length=100)
    reason: Text = Field(min_length=1, max_length=40, description="사유 code (reasons[] of GET …/claims)")
    fault: Literal["buyer", "shop"] | None = Field(default=None, description="admin only: override the reason's fault")
    collection: CollectionIn | None = None
    fee_payment: Literal["deduct", "enclosed", "transfer"] | None = Field(
        default=None, description="반품비: 환불금에서 차감 / 상품 동봉 / 직접 송금")
    note: MultilineText | None = Field(default=None, max_length=500)
    complete: bool = Field(default=False, description="cancel only: request and complete in one transaction")
    expected_version: Int | None = Field(default=None, ge=0)
    exchange_option: ExchangeOptionIn | None = Field(
        default=None, description="exchange only: the replacement option (its stock is taken at once)")


class BuyerClaimIn(Strict):
    type: Literal["cancel", "return", "exchange"]
    items: list[ClaimItemIn] = Field(min_length=1, max_length=100)
    reason: Text = Field(min_length=1, max_length=40)
    collection: CollectionIn | None = None
    fee_payment: Literal["deduct", "enclosed", "transfer"] | None = None
    note: MultilineText | None = Field(default=None, max_length=500)
    exchange_option: BuyerExchangeOptionIn | None = Field(
        default=None, description="exchange only: the option wanted instead (the shop confirms its price)")


class WithdrawIn(Strict):
    reason: Text | None = Field(default=None, max_length=200)


class HoldIn(Strict):
    amount: Won = Field(description="보류: the fee the buyer is asked for before completion")
    reason: MultilineText = Field(min_length=1, max_length=200)


class ClaimStepIn(Strict):
    to: Literal["collecting", "collected", "on_hold", "release", "reject", "withdraw", "complete"]
    collection: CollectionIn | None = None
    hold: HoldIn | None = None
    reason: MultilineText | None = Field(default=None, max_length=200,
                                         description="required to reject or withdraw")
    expected_version: Int | None = Field(default=None, ge=0)
    exchange_option_price: Won | None = Field(
        default=None, description="collecting: the option price of the replacement a buyer asked for")


class CalculateIn(Strict):
    basis: Literal["paid", "original"] = Field(default="paid", description="실결제가 / 원판매가")
    adjustment: SignedWon = Field(default=0, description="± amount added by the admin")
    adjustment_reason: Text | None = Field(default=None, max_length=200)


class SettleIn(CalculateIn):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "direction": "refund", "basis": "paid", "adjustment": -1000, "adjustment_reason": "포장 훼손 차감",
        "reason": "반품 정산", "expected_version": 7}]})

    direction: Literal["refund", "request"] = Field(description="환불처리 (to the buyer) / 결제요청 (the buyer owes)")
    reason: Text = Field(default="반품/교환 정산", min_length=1, max_length=200, description="shown to the PG")
    refund_account: RefundAccountIn | None = Field(default=None, description="virtual-account refunds")
    expected_version: Int | None = Field(default=None, ge=0)


class RefundOutstandingIn(Strict):
    reason: Text = Field(default="환불 재시도", min_length=1, max_length=200)
    refund_account: RefundAccountIn | None = None


class ForceCompleteIn(Strict):
    amount: int = Field(ge=1, le=10_000_000_000, strict=True)
    bank_note: Text = Field(min_length=1, max_length=200, description="e.g. 환불 계좌 신한 110-***-1234 홍길동")


class AddLineIn(LineIn):
    shipping_fee: Won = Field(default=0, description="추가상품 배송비 (a charge of the balance)")
    expected_version: Int | None = Field(default=None, ge=0)


class RecipientChangeIn(RecipientIn):
    expected_version: Int | None = Field(default=None, ge=0)


class PaymentRequestIn(Strict):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"note": "교환 옵션 차액 5,000원", "expected_version": 5}]})

    note: Text | None = Field(default=None, max_length=500)
    expected_version: Int | None = Field(default=None, ge=0)


class PaymentRequestCancelIn(Strict):
    reason: Text | None = Field(default=None, max_length=200)


class PayIn(Strict):
    method: Literal["card", "virtual_account"]
    payment_key: Text | None = Field(default=None, min_length=4, max_length=200,
                                    description="card: the PG's payment key after the buyer approved")
    holder: Text | None = Field(default=None, max_length=50, description="virtual account: depositor name")
