"""NHN Cloud Notification SMS API v3.0 style adapter (header ``X-Secret-Key``).

- SMS: ``POST /sms/v3.0/appKeys/{appKey}/sender/sms`` ``{body, sendNo, recipientList[{recipientNo,
  recipientGroupingKey}], senderGroupingKey, userId}``; LMS: ``…/sender/mms`` with ``title``.
- The answer has a request-level ``header {isSuccessful, resultCode, resultMessage}`` and, when the
  request was taken, a per-recipient ``body.data.sendResultList[].resultCode`` (0 = accepted).
- Sender numbers: registration request ``POST /sms/v2.0/appKeys/{appKey}/reqeusts/sendNos``
  ``{sendNos[], comment}`` (the path is spelled so in the provider's guide); state from
  ``GET /sms/v3.0/appKeys/{appKey}/sendNos?sendNo=`` (``useYn``, ``blockYn``, ``blockReason``).

``senderGroupingKey`` and ``recipientGroupingKey`` carry our message id; ``userId`` the site.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from oms.integrations.sms import config
from oms.integrations.sms.base import OutboundSms, Reason, SenderStatus, SendResult, SmsProviderError, request

#: NHN result codes (API result codes and carrier result codes) -> our reason. Anything else
#: negative is ``provider_rejected``; the provider's code is always kept on the message.
CODES: dict[str, Reason] = {
    "-2312": "sender_not_registered",  # Not regist sendno (발신번호 미등록)
    "-2313": "sender_not_registered",  # This sendno is blocked (차단된 발신번호)
    "3017": "sender_not_registered",  # 변작 방지: 번호 형식 오류 (carrier)
    "3018": "sender_not_registered",  # 변작 방지: 휴대폰 개인 가입자 번호 (carrier)
    "3019": "sender_not_registered",  # 사전 등록제로 등록되지 않은 번호 (carrier)
    "-2015": "too_long",  # Title or Body exceed maximum byte
    "-2023": "unencodable_char",  # Unacceptable characters in title and body (emoji ...)
    "-2018": "invalid_recipient",  # RecipientNo can not be empty
    "-2019": "invalid_recipient",  # RecipientNo is invalid
    "1002": "invalid_recipient",  # 수신 번호 형식 오류 (carrier)
    "3003": "invalid_recipient",  # 수신 번호 형식 오류 또는 결번 (carrier)
    "-6001": "recipient_blocked",  # Recipient Number is refused (080 수신거부)
    "-9999": "provider_unavailable",  # System error
    "-2021": "provider_unavailable",  # System error. Failed insert queue
}


def reason_for(code: str, http_status: int = 200) -> Reason:
    if code in CODES:
        return CODES[code]
    if http_status == 0 or http_status >= 500:
        return "provider_unavailable"
    return "provider_rejected"


class NhnCloudSms:
    name = "nhn"

    def __init__(self, base_url: str | None = None, app_key: str | None = None, secret_key: str | None = None) -> None:
        self._base_url, self._app_key, self._secret_key = base_url, app_key, secret_key

    def _url(self, path: str, version: str = "v3.0") -> str:
        base = (self._base_url or config.required("NHN_SMS_API_BASE")).rstrip("/")
        app_key = quote(self._app_key or config.required("NHN_SMS_APP_KEY"), safe="")
        return f"{base}/sms/{version}/appKeys/{app_key}{path}"

    def _headers(self) -> dict[str, str]:
        return {"X-Secret-Key": self._secret_key or config.required("NHN_SMS_SECRET_KEY"),
                "content-type": "application/json;charset=UTF-8"}

    def _fail(self, code: str, message: str, status: int = 200) -> SendResult:
        return SendResult(self.name, False, provider_code=code, provider_message=message[:200],
                          reason=reason_for(code, status))

    def send(self, message: OutboundSms) -> SendResult:
        body: dict[str, Any] = {
            "body": message.text,
            "sendNo": message.sender,
            "recipientList": [{"recipientNo": message.to, "recipientGroupingKey": message.message_id}],
            "senderGroupingKey": message.message_id,
            "userId": message.site_id,
        }
        path = "/sender/sms"
        if message.type == "LMS":
            body["title"] = message.title or ""
            path = "/sender/mms"
        status, resp = request("POST", self._url(path), headers=self._headers(), json=body)
        header = resp.get("header") if isinstance(resp.get("header"), dict) else None
        if status == 0 or header is None:
            return self._fail(f"HTTP_{status}", str(resp.get("transport_error") or resp.get("text") or ""), status)
        if not header.get("isSuccessful"):
            return self._fail(str(header.get("resultCode")), str(header.get("resultMessage") or ""), status)
        data = (resp.get("body") or {}).get("data") or {}
        results = data.get("sendResultList") or []
        first = results[0] if results else {}
        code = str(first.get("resultCode", 0))
        if code != "0":
            return self._fail(code, str(first.get("resultMessage") or ""), status)
        pmid = f"{data.get('requestId')}:{first.get('recipientSeq', 1)}"
        return SendResult(self.name, True, provider_message_id=pmid, provider_code="0",
                          provider_message=str(first.get("resultMessage") or "SUCCESS"))

    def request_sender(self, number: str, *, site_id: str) -> SenderStatus:
        status, resp = request("POST", self._url("/reqeusts/sendNos", "v2.0"), headers=self._headers(),
                               json={"sendNos": [number], "comment": f"site {site_id}"})
        header = resp.get("header") or {}
        if status != 200 or not header.get("isSuccessful"):
            raise SmsProviderError(str(header.get("resultCode") or f"HTTP_{status}"),
                                   str(header.get("resultMessage") or resp.get("transport_error") or ""),
                                   retryable=status == 0 or status >= 500)
        return self.sender_status(number)

    def sender_status(self, number: str) -> SenderStatus:
        status, resp = request("GET", self._url("/sendNos"), headers=self._headers(), params={"sendNo": number})
        header = resp.get("header") or {}
        if status != 200 or not header.get("isSuccessful"):
            raise SmsProviderError(str(header.get("resultCode") or f"HTTP_{status}"),
                                   str(header.get("resultMessage") or resp.get("transport_error") or ""),
                                   retryable=status == 0 or status >= 500)
        rows = [r for r in ((resp.get("body") or {}).get("data") or []) if r.get("sendNo") == number]
        if not rows:
            return SenderStatus(number, "pending")
        row = rows[0]
        if row.get("blockYn") == "Y":
            return SenderStatus(number, "rejected", str(row.get("blockReason") or "차단된 발신번호"))
        if row.get("useYn") == "Y":
            return SenderStatus(number, "verified")
        return SenderStatus(number, "pending")
