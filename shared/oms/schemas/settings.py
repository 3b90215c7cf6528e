"""Per-site settings (one item per site). Each capability owns its section."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field

from oms.schemas.common import Bool, Int, Model, Text


class Section(Model):
    model_config = ConfigDict(extra="forbid")


#: the UTC form the service writes times in (``oms.domain.clock.iso``)
UTC_ISO = r"^20[0-9]{2}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9](\.[0-9]{1,6})?Z$"


class PaymentSettings(Section):
    pg_provider: Literal["toss", "portone"] | None = Field(default=None, description="null: the site has no PG")
    callback_registered_at: str | None = Field(
        default=None, pattern=UTC_ISO,
        description="when the virtual-account callback URL was registered with the PG (UTC, as answered)")
    cash_receipt_auto_issue: Bool = Field(default=False, description="현금영수증 자동 발행 (PG)")
    bank_matching: Bool = Field(default=False, description="PG + 뱅크다 (bank-transfer auto-matching)")


class BankAccount(Section):
    number: str = Field(pattern=r"^[0-9]{6,20}$", description="account number, digits only")
    bank_code: str = Field(default="", pattern=r"^[0-9]{0,3}$", description="the bank's code (e.g. 020 우리은행)")
    label: Text = Field(default="", max_length=40, description="what the console calls it")


class DepositFeedSettings(Section):
    """무통장입금 자동 입금확인 (docs/domain.md, "Bank transfers matched automatically")."""

    provider: Literal["bankda", "popbill"] | None = Field(
        default=None, description="deposit-feed provider (null: deposits are confirmed by hand); its credentials "
                                  "are the deployment's SSM parameters")
    rule: Literal["equal", "contains", "ignore_spaces", "contains_ignore_spaces"] = Field(
        default="ignore_spaces", description="how the depositor name must compare to the order's")
    accounts: list[BankAccount] = Field(default_factory=list, max_length=5, description="the site's accounts read")


class PointSettings(Section):
    enabled: Bool = Field(default=True, description="적립금 사용 (off: no points section, nothing accrues)")
    rate_bp: Int = Field(default=100, ge=0, le=10_000, description="accrual rate in basis points of the paid amount")
    auto_clawback: Bool = Field(default=False, description="take back accrued points on a later cancel/return")


class ConfirmationSettings(Section):
    auto_confirm_days: Int = Field(default=7, ge=1, le=90, description="KST calendar days after delivery")


class MembershipSettings(Section):
    auto_remove_group: Bool = Field(default=False, description="remove the member group when a pass is cancelled")


class PrintSettings(Section):
    shop_name: Text | None = Field(default=None, max_length=60,
                                  description="쇼핑몰 이름 (주문서 상단, 없으면 사이트 ID)")


class RemoteZone(Section):
    """A postal-code range with its extra shipping fee (도서산간): ``start``–``end`` inclusive, 5 digits."""

    start: Text = Field(pattern=r"^\d{5}$")
    end: Text = Field(pattern=r"^\d{5}$")
    fee: int = Field(ge=0, le=1_000_000)
    name_ko: Text = Field(min_length=1, max_length=50)


class ClaimSettings(Section):
    """취소/반품/교환 and the refund calculation (docs/domain.md, "Claims")."""

    return_shipping_fee: int = Field(default=3000, ge=0, le=1_000_000,
                                     description="반품배송비 one way; an exchange charges it both ways")
    free_shipping_threshold: int | None = Field(
        default=None, ge=0, description="무료배송 기준금액 (null: none); a return below it charges the initial fee")
    base_shipping_fee: int = Field(default=3000, ge=0, le=1_000_000, description="기본 배송비 (initial shipping)")
    coupon_recovery: Literal["none", "pro_rata", "whole_when_minimum_broken"] = Field(
        default="pro_rata",
        description="쿠폰 회수 (basis 원판매가): none, pro-rata, or whole when the coupon's minimum is broken")
    coupon_min_order_amount: int | None = Field(default=None, ge=0,
                                                description="the order coupon's minimum order amount")
    remote_return_surcharge: int = Field(default=0, ge=0, le=1_000_000,
                                         description="added to a return fee when the recipient is in a remote zone")
    remote_zones: list[RemoteZone] | None = Field(
        default=None, max_length=200,
        description="도서산간 zones (null: the default list, oms.domain.remote_areas)")


class NotificationSettings(Section):
    """Buyer notifications by 알림톡 (SMS/LMS fallback): the site's KakaoTalk channel and the switches."""

    sender_key: Text | None = Field(default=None, max_length=64, pattern=r"^[A-Za-z0-9_\-@]{1,64}$",
                                    description="the site's KakaoTalk channel: NHN Cloud senderKey / Solapi pfId")
    first_use_limit: Bool = Field(default=False,
                                  description="the channel is under Kakao's first-use limit (variable values "
                                              "at most 14 characters)")
    order_link: Text | None = Field(default=None, max_length=300, pattern=r"^https://[^\s]+$",
                                    description="the buyer's order page, {order_id} filled (#{결제링크})")
    paid: Bool = Field(default=False, description="결제완료")
    va_issued: Bool = Field(default=False, description="가상계좌 발급")
    shipped: Bool = Field(default=False, description="배송시작")
    delivered: Bool = Field(default=False, description="배송완료")
    cancelled: Bool = Field(default=False, description="취소·환불")
    payment_requested: Bool = Field(default=False, description="결제요청")
class TrackingSettings(Section):
    """배송 추적 (docs/domain.md, "Delivery tracking"): which provider tracks the site's parcels."""

    provider: Literal["trackerdelivery", "sweettracker"] | None = Field(
        default=None, description="tracking provider (null: numbers are not tracked); its credentials are the "
                                  "deployment's SSM parameters")
    quiet_days: Int = Field(default=5, ge=1, le=30, description="no courier scan for this many days: 배송 이상")
    auto_complete: Bool = Field(default=True, description="a delivered scan moves units to 배송완료")


class SiteSettings(Section):
    payments: PaymentSettings = Field(default_factory=PaymentSettings)
    points: PointSettings = Field(default_factory=PointSettings)
    confirmation: ConfirmationSettings = Field(default_factory=ConfirmationSettings)
    membership: MembershipSettings = Field(default_factory=MembershipSettings)
    printing: PrintSettings = Field(default_factory=PrintSettings)
    claims: ClaimSettings = Field(default_factory=ClaimSettings)
    notifications: NotificationSettings = Field(default_factory=NotificationSettings)
    tracking: TrackingSettings = Field(default_factory=TrackingSettings)
    deposit_feed: DepositFeedSettings = Field(default_factory=DepositFeedSettings)


class SiteSettingsPatch(Section):
    """A partial update: only the sections given are replaced."""

    expected_version: Int | None = Field(
        default=None, ge=0,
        description="the `version` GET answered: when given, refused with 409 SETTINGS_VERSION_CONFLICT "
                    "if the settings were saved since")

    payments: PaymentSettings | None = None
    points: PointSettings | None = None
    confirmation: ConfirmationSettings | None = None
    membership: MembershipSettings | None = None
    printing: PrintSettings | None = None
    claims: ClaimSettings | None = None
    notifications: NotificationSettings | None = None
    tracking: TrackingSettings | None = None
    deposit_feed: DepositFeedSettings | None = None

    def sections(self) -> dict[str, Section]:
        """The sections given (the ones this update replaces)."""
        return {k: v for k in SiteSettings.model_fields if (v := getattr(self, k)) is not None}
