"""Per-site settings (one item per site). Each capability owns its section."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from oms.schemas.common import Bool, Int


class Section(BaseModel):
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


class PointSettings(Section):
    enabled: Bool = Field(default=True, description="적립금 사용 (off: no points section, nothing accrues)")
    rate_bp: Int = Field(default=100, ge=0, le=10_000, description="accrual rate in basis points of the paid amount")
    auto_clawback: Bool = Field(default=False, description="take back accrued points on a later cancel/return")


class ConfirmationSettings(Section):
    auto_confirm_days: Int = Field(default=7, ge=1, le=90, description="KST calendar days after delivery")


class MembershipSettings(Section):
    auto_remove_group: Bool = Field(default=False, description="remove the member group when a pass is cancelled")


class PrintSettings(Section):
    shop_name: str | None = Field(default=None, max_length=60,
                                  description="쇼핑몰 이름 (주문서 상단, 없으면 사이트 ID)")


class SiteSettings(Section):
    payments: PaymentSettings = Field(default_factory=PaymentSettings)
    points: PointSettings = Field(default_factory=PointSettings)
    confirmation: ConfirmationSettings = Field(default_factory=ConfirmationSettings)
    membership: MembershipSettings = Field(default_factory=MembershipSettings)
    printing: PrintSettings = Field(default_factory=PrintSettings)


class SiteSettingsPatch(Section):
    """A partial update: only the sections given are replaced."""

    payments: PaymentSettings | None = None
    points: PointSettings | None = None
    confirmation: ConfirmationSettings | None = None
    membership: MembershipSettings | None = None
    printing: PrintSettings | None = None
