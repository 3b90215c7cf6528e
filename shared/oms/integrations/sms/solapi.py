"""Solapi Messages API v4 style adapter (``Authorization: HMAC-SHA256 apiKey=…, date=…, salt=…, signature=…``,
the signature is hex HMAC-SHA256(API secret, date + salt)).

- Send: ``POST /messages/v4/send-many/detail`` ``{messages[{to, from, text, type, subject?, customFields}]}``;
  the answer lists refused messages in ``failedMessageList[]`` (``statusCode``, ``statusMessage``)
  and taken ones in ``messageList[]``; a request-level error is an HTTP 4xx/5xx
  ``{errorCode, errorMessage}``.
- Sender numbers: ``POST /senderid/v1/numbers`` ``{phoneNumber}``; state from
  ``GET /senderid/v1/numbers?phoneNumber=`` (``status``: ``ACTIVE`` = usable).

``customFields`` carry our message id and the site.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime
from typing import Any

from oms.integrations.sms import config
from oms.integrations.sms.base import OutboundSms, Reason, SenderStatus, SendResult, SmsProviderError, request

#: Solapi message status codes -> our reason (api-reference/message-status-codes). Anything else
#: that is not 2000/3000/4000 is ``provider_rejected``; the provider's code is kept on the message.
CODES: dict[str, Reason] = {
    "1062": "sender_not_registered",  # 발신번호 미등록 (접수 중)
    "2062": "sender_not_registered",  # 발신번호 미등록 (플랫폼)
    "3059": "sender_not_registered",  # 변작된 발신번호
    "3013": "sender_not_registered",  # 발신번호 형식 오류(세칙 위반)
    "1031": "too_long",  # SMS 90 byte, LMS 2,000 byte
    "1014": "too_long",  # 제목 40 byte
    "1029": "unencodable_char",  # EUC-KR(완성형) 범위 밖의 문자
    "1028": "unencodable_char",  # Non Printable Characters
    "3010": "invalid_recipient",  # 수신번호 형식 오류
    "3032": "invalid_recipient",  # 미가입자
    "1060": "recipient_blocked",  # 차단된 수신번호
    "2060": "recipient_blocked",
    "1061": "recipient_blocked",  # 080 수신거부
    "2061": "recipient_blocked",
    "1024": "provider_unavailable",  # 서버 오류
    "2024": "provider_unavailable",
    "3024": "provider_unavailable",
}
ACCEPTED = frozenset({"2000", "3000", "4000"})
ACTIVE = "ACTIVE"
REJECTED_STATES = frozenset({"REJECTED", "BLOCKED", "EXPIRED", "DELETED"})


def reason_for(code: str, http_status: int = 200) -> Reason:
    if code in CODES:
        return CODES[code]
    if http_status == 0 or http_status >= 500:
        return "provider_unavailable"
    return "provider_rejected"


def auth_header(api_key: str, api_secret: str, now: datetime | None = None, salt: str | None = None) -> str:
    date = (now or datetime.now(UTC)).isoformat(timespec="seconds").replace("+00:00", "Z")
    salt = salt or secrets.token_hex(16)
    signature = hmac.new(api_secret.encode(), (date + salt).encode(), hashlib.sha256).hexdigest()
    return f"HMAC-SHA256 apiKey={api_key}, date={date}, salt={salt}, signature={signature}"


class Solapi:
    name = "solapi"

    def __init__(self, base_url: str | None = None, api_key: str | None = None, api_secret: str | None = None) -> None:
        self._base_url, self._api_key, self._api_secret = base_url, api_key, api_secret

    def _url(self, path: str) -> str:
        return (self._base_url or config.required("SOLAPI_API_BASE")).rstrip("/") + path

    def _headers(self) -> dict[str, str]:
        return {"authorization": auth_header(self._api_key or config.required("SOLAPI_API_KEY"),
                                             self._api_secret or config.required("SOLAPI_API_SECRET")),
                "content-type": "application/json"}

    def _fail(self, code: str, message: str, status: int = 200) -> SendResult:
        return SendResult(self.name, False, provider_code=code, provider_message=message[:200],
                          reason=reason_for(code, status))

    def send(self, message: OutboundSms) -> SendResult:
        item: dict[str, Any] = {"to": message.to, "from": message.sender, "text": message.text, "type": message.type,
                                "customFields": {"messageId": message.message_id, "siteId": message.site_id}}
        if message.type == "LMS" and message.title:
            item["subject"] = message.title
        status, resp = request("POST", self._url("/messages/v4/send-many/detail"), headers=self._headers(),
                               json={"messages": [item]})
        failed = resp.get("failedMessageList") or []
        if failed:
            first = failed[0]
            return self._fail(str(first.get("statusCode")), str(first.get("statusMessage") or ""), status)
        if status != 200:
            code = str(resp.get("errorCode") or f"HTTP_{status}")
            return self._fail(code, str(resp.get("errorMessage") or resp.get("transport_error") or ""), status)
        taken = (resp.get("messageList") or [{}])[0]
        code = str(taken.get("statusCode") or "2000")
        if code not in ACCEPTED:
            return self._fail(code, str(taken.get("statusMessage") or ""), status)
        group = resp.get("groupInfo") or {}
        pmid = str(taken.get("messageId") or group.get("groupId") or "")
        return SendResult(self.name, True, provider_message_id=pmid, provider_code=code,
                          provider_message=str(taken.get("statusMessage") or "정상 접수"))

    def _raise(self, status: int, resp: dict[str, Any]) -> None:
        raise SmsProviderError(str(resp.get("errorCode") or f"HTTP_{status}"),
                               str(resp.get("errorMessage") or resp.get("transport_error") or ""),
                               retryable=status == 0 or status >= 500)

    def request_sender(self, number: str, *, site_id: str) -> SenderStatus:
        status, resp = request("POST", self._url("/senderid/v1/numbers"), headers=self._headers(),
                               json={"phoneNumber": number})
        if status != 200:
            self._raise(status, resp)
        return self.sender_status(number)

    def sender_status(self, number: str) -> SenderStatus:
        status, resp = request("GET", self._url("/senderid/v1/numbers"), headers=self._headers(),
                               params={"phoneNumber": number})
        if status != 200:
            self._raise(status, resp)
        listed = resp.get("senderIdList") or resp.get("items") or []
        rows = list(listed.values()) if isinstance(listed, dict) else list(listed)
        row = next((r for r in rows if r.get("phoneNumber") == number), None)
        if row is None:
            return SenderStatus(number, "pending")
        state = str(row.get("status") or "").upper()
        if state == ACTIVE:
            return SenderStatus(number, "verified")
        if state in REJECTED_STATES:
            return SenderStatus(number, "rejected", str(row.get("rejectReason") or row.get("memo") or state))
        return SenderStatus(number, "pending")
