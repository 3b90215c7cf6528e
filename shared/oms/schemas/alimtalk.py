"""Models of the buyer-notification (알림톡) API: templates, their review, the site's switches."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from oms.schemas.answers import Answer
from oms.schemas.common import MultilineText, Strict, Text
from oms.schemas.settings import NotificationSettings

TriggerName = Literal["paid", "va_issued", "shipped", "delivered", "cancelled", "payment_requested"]


class ButtonIn(Strict):
    name: Text = Field(min_length=1, max_length=14, description="버튼 이름 (14자)")
    link_mo: Text = Field(max_length=500, pattern=r"^https?://[^\s]+$", description="모바일 링크")
    link_pc: Text | None = Field(default=None, max_length=500, pattern=r"^https?://[^\s]+$", description="PC 링크")


class AlimtalkTemplateIn(Strict):
    code: str = Field(pattern=r"^[A-Za-z0-9_\-]{1,20}$", description="템플릿 코드 (영문·숫자·-·_ 20자)")
    name: Text = Field(min_length=1, max_length=60)
    trigger: TriggerName = Field(description="the order event this template notifies")
    text: MultilineText = Field(min_length=1, max_length=1000,
                                description="본문 (#{주문번호} #{상품명} #{배송조회} … 변수, 1,000자)")
    buttons: list[ButtonIn] = Field(default_factory=list, max_length=5, description="웹링크 버튼 (5개까지)")


class NotificationSettingsIn(NotificationSettings):
    """The whole notification section (replaced), optionally against the settings' version."""

    expected_version: int | None = Field(default=None, ge=0, strict=True,
                                         description="the settings' `version` as read: 409 if saved since")


# ---- answers ------------------------------------------------------------------------------------


class AlimtalkTemplate(Answer):
    code: str
    name: str
    trigger: str
    text: str
    state: str = Field(description="TSC01 요청 | TSC02 검수 중 | TSC03 승인 | TSC04 반려")
    state_ko: str
    reason: str | None = Field(default=None, description="반려 사유")
    sendable: bool


class AlimtalkTemplates(Answer):
    templates: list[AlimtalkTemplate]
    variables: Any = Field(description="the variables a template may use")
    triggers: Any = Field(description="trigger -> Korean name")


class NotificationSettingsAnswer(NotificationSettings):
    version: int
    triggers: dict[str, str]
