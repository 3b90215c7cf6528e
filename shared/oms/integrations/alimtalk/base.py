"""The 알림톡 port: what the order management needs from a KakaoTalk Bizmessage provider.

An adapter sends one 알림톡 from the site's KakaoTalk channel (발신 프로필: NHN Cloud ``senderKey``,
Solapi ``pfId``) with an approved template and its variables to one recipient, and answers a
:class:`SendResult` with the provider's own code and our :data:`Reason` for a refusal; it registers
a template for Kakao's review and reports the template's review state. Adapters never raise for a
provider's refusal: a refusal is a result. Transport failures and provider errors answer
``provider_unavailable`` (retryable). We never ask the provider to fall back to SMS itself
(``isResend`` false, ``disableSms`` true): the fallback is ours, from the site's verified sender.

The send carries our idempotency key (NHN ``X-NC-API-IDEMPOTENCY-KEY`` and ``senderGroupingKey``,
Solapi ``customFields.idempotencyKey``): the same key sent again is answered with the first result
(NHN refuses a repeat within ten minutes with ``-1005``, which the adapter reads as accepted).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

Reason = Literal[
    "not_kakao_user",  # the number is not a KakaoTalk user (or cannot receive 알림톡) -> SMS fallback
    "template_mismatch",  # the text or variables do not match the approved template -> never sent, fallback
    "template_not_approved",  # the template is not approved (or unknown) at the provider -> fallback
    "variable_too_long",  # the first-use limit: a value over 14 characters -> fallback
    "invalid_recipient",  # not a number that can receive it
    "provider_unavailable",  # the provider could not be reached or failed (try again)
    "provider_rejected",  # any other refusal (channel blocked, balance ...); see provider_code
]

REASONS_KO: dict[str, str] = {
    "not_kakao_user": "카카오톡 사용자가 아니거나 알림톡을 받을 수 없는 번호입니다.",
    "template_mismatch": "보낸 내용이 승인된 템플릿과 다릅니다.",
    "template_not_approved": "승인되지 않은 템플릿입니다.",
    "variable_too_long": "최초 사용자 제한으로 변수 값이 14자를 넘을 수 없습니다.",
    "invalid_recipient": "받는 번호가 올바르지 않습니다.",
    "provider_unavailable": "알림톡 발송 서비스에 연결할 수 없습니다.",
    "provider_rejected": "알림톡 발송 서비스가 발송을 거절했습니다.",
}

RETRYABLE: frozenset[str] = frozenset({"provider_unavailable"})
#: refusals after which the same text goes by SMS/LMS (every refusal but an unreachable provider)
FALLBACK: frozenset[str] = frozenset(set(REASONS_KO) - RETRYABLE)

#: Kakao's review states: TSC01 요청, TSC02 검수 중, TSC03 승인, TSC04 반려
State = Literal["TSC01", "TSC02", "TSC03", "TSC04"]


@dataclass(frozen=True)
class Button:
    """A web-link button (``WL``) of a template: its name and mobile/PC links."""

    name: str
    link_mo: str
    link_pc: str | None = None
    type: str = "WL"

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "link_mo": self.link_mo, "link_pc": self.link_pc, "type": self.type}


@dataclass(frozen=True)
class OutboundAlimtalk:
    """One 알림톡 to send. ``idempotency_key`` is stable across attempts of the same notification."""

    idempotency_key: str
    site_id: str
    sender_key: str
    template_code: str  # the provider's template id (NHN: our code; Solapi: its templateId)
    to: str  # digits only
    variables: dict[str, str]  # name (without #{ }) -> value
    text: str  # the template filled: what the provider compares with the approved text


@dataclass(frozen=True)
class SendResult:
    provider: str
    accepted: bool
    provider_message_id: str | None = None
    provider_code: str | None = None
    provider_message: str | None = None
    reason: Reason | None = None

    @property
    def retryable(self) -> bool:
        return self.reason in RETRYABLE

    def as_dict(self) -> dict[str, Any]:
        return {"provider": self.provider, "accepted": self.accepted,
                "provider_message_id": self.provider_message_id, "provider_code": self.provider_code,
                "provider_message": self.provider_message, "reason": self.reason}


@dataclass(frozen=True)
class TemplateStatus:
    code: str  # ours
    state: State
    provider_template_id: str
    reason: str | None = None  # the reviewer's comment of a rejection (TSC04)
    buttons: list[Button] = field(default_factory=list)


class AlimtalkProviderError(Exception):
    """A template request failed at the provider (``code`` as the provider gave it)."""

    def __init__(self, code: str, message: str, *, retryable: bool = False) -> None:
        super().__init__(f"{code}: {message}")
        self.code, self.message, self.retryable = code, message, retryable


class AlimtalkSender(Protocol):
    """One provider. Adapters: :mod:`oms.integrations.alimtalk.nhn`, :mod:`oms.integrations.alimtalk.solapi`."""

    name: str

    def send(self, message: OutboundAlimtalk) -> SendResult: ...

    def register_template(self, sender_key: str, code: str, name: str, text: str,
                          buttons: list[Button]) -> TemplateStatus:
        """Register a template for Kakao's review (answers ``TSC01``/``TSC02`` as a rule)."""
        ...

    def template_status(self, sender_key: str, code: str, provider_template_id: str) -> TemplateStatus: ...
