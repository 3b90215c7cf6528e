"""The SMS port: what the order management needs from a messaging provider, whatever its API.

An adapter sends one message from a registered sender number to one recipient and answers a
:class:`SendResult` with the provider's own code and our :data:`Reason` for a failure; it asks the
provider to register a sender number and reports its verification state. Adapters never raise for
a provider's refusal: a refusal is a result (it is stored on the message and shown). Transport
failures and provider errors answer ``provider_unavailable`` (retryable).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, Protocol

Reason = Literal[
    "sender_not_registered",  # 발신번호 미등록/차단/변작 (발신번호 사전등록제)
    "too_long",  # over 90 B (SMS) / 2,000 B (LMS) / title 40 B
    "unencodable_char",  # outside EUC-KR (emoji ...)
    "invalid_recipient",  # not a number that can receive the message
    "recipient_blocked",  # the recipient refused messages (080 수신거부, blocked)
    "provider_unavailable",  # the provider could not be reached or failed (try again)
    "provider_rejected",  # any other refusal (account, balance, format); see provider_code
]

REASONS_KO: dict[str, str] = {
    "sender_not_registered": "발신번호가 등록(인증)되지 않았거나 차단되었습니다.",
    "too_long": "문자 길이 제한을 넘었습니다.",
    "unencodable_char": "문자에 쓸 수 없는 문자(이모지 등)가 있습니다.",
    "invalid_recipient": "받는 번호가 올바르지 않습니다.",
    "recipient_blocked": "수신을 거부한 번호입니다.",
    "provider_unavailable": "문자 발송 서비스에 연결할 수 없습니다. 잠시 후 다시 보내 주세요.",
    "provider_rejected": "문자 발송 서비스가 발송을 거절했습니다.",
}

RETRYABLE: frozenset[str] = frozenset({"provider_unavailable"})

SenderState = Literal["pending", "verified", "rejected"]


@dataclass(frozen=True)
class OutboundSms:
    """One message to send. ``message_id`` is ours and the idempotency key of the send."""

    message_id: str
    site_id: str
    type: Literal["SMS", "LMS"]
    sender: str  # digits only, a number registered for the site
    to: str  # digits only
    text: str
    title: str | None = None


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
class SenderStatus:
    number: str
    state: SenderState
    reason: str | None = None


class SmsProviderError(Exception):
    """A sender-number request failed at the provider (``code`` as the provider gave it)."""

    def __init__(self, code: str, message: str, *, retryable: bool = False) -> None:
        super().__init__(f"{code}: {message}")
        self.code, self.message, self.retryable = code, message, retryable


class SmsSender(Protocol):
    """One provider. Adapters: :mod:`oms.integrations.sms.nhn`, :mod:`oms.integrations.sms.solapi`."""

    name: str

    def send(self, message: OutboundSms) -> SendResult: ...

    def request_sender(self, number: str, *, site_id: str) -> SenderStatus:
        """Ask the provider to register (verify) ``number`` for sending; usually answers ``pending``."""
        ...

    def sender_status(self, number: str) -> SenderStatus: ...


# ---- HTTP ------------------------------------------------------------------------------------


def request(method: str, url: str, *, headers: dict[str, str], json: Any = None,
            params: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:
    """One call on the pooled client; ``(status, body)``. A transport failure answers status 0."""
    import httpx  # with the call: the cold start does not import the HTTP client

    from oms.integrations.pg.http import client  # one pooled httpx client per container

    try:
        resp = client().request(method, url, headers=headers, json=json, params=params)
    except httpx.HTTPError as exc:
        return 0, {"transport_error": type(exc).__name__}
    try:
        body = resp.json() if resp.content else {}
    except ValueError:
        body = {"text": resp.text[:200]}
    return resp.status_code, body if isinstance(body, dict) else {"data": body}
