"""NHN Cloud KakaoTalk Bizmessage 알림톡 API v2.3 style adapter (header ``X-Secret-Key``).

- Send: ``POST /alimtalk/v2.3/appkeys/{appkey}/messages`` with header ``X-NC-API-IDEMPOTENCY-KEY``
  and ``{senderKey, templateCode, senderGroupingKey, recipientList[{recipientNo, templateParameter,
  resendParameter{isResend: false}, recipientGroupingKey}]}``; the answer has a request-level
  ``header {isSuccessful, resultCode, resultMessage}`` and per recipient
  ``message.sendResults[].resultCode`` (0 = taken).
- Templates: ``POST /alimtalk/v2.3/appkeys/{appkey}/senders/{senderKey}/templates``
  ``{templateCode, templateName, templateContent, templateMessageType: BA, templateEmphasizeType: NONE,
  buttons[{ordering, type: WL, name, linkMo, linkPc}]}``; state from ``GET …/templates/{templateCode}``
  (``templates.status`` TSC01–TSC04, a rejection's reason in ``templates.comments[].content``).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from oms.integrations.alimtalk import config
from oms.integrations.alimtalk.base import (
    AlimtalkProviderError,
    Button,
    OutboundAlimtalk,
    Reason,
    SendResult,
    TemplateStatus,
)
from oms.integrations.sms.base import request

#: NHN result codes (API and Kakao delivery codes) -> our reason; anything else negative is
#: ``provider_rejected``. The provider's code is always kept on the message.
CODES: dict[str, Reason] = {
    "-3005": "template_not_approved",  # 템플릿 상태 오류 (승인 전 발송 요청)
    "3015": "template_not_approved",  # 템플릿을 찾을 수 없음
    "-3010": "template_mismatch",  # 등록한 템플릿 본문과 일치하지 않음
    "-3011": "template_mismatch",  # 등록한 템플릿 버튼과 일치하지 않음
    "3016": "template_mismatch",  # 메시지 내용이 템플릿과 일치하지 않음
    "-1028": "variable_too_long",  # 최초 사용자 제한: 치환 차이 14자 초과
    "3018": "not_kakao_user",  # 메시지를 전송할 수 없음 (비활성 사용자 ...)
    "3019": "not_kakao_user",  # 카카오톡 유저가 아님
    "3020": "not_kakao_user",  # 알림톡 수신 차단
    "3008": "invalid_recipient",  # 전화번호 오류
    "-9999": "provider_unavailable",
}
DUPLICATE = "-1005"  # the same X-NC-API-IDEMPOTENCY-KEY within 10 minutes: the first request stands
STATES = frozenset({"TSC01", "TSC02", "TSC03", "TSC04"})


def reason_for(code: str, http_status: int = 200) -> Reason:
    if code in CODES:
        return CODES[code]
    if http_status == 0 or http_status >= 500:
        return "provider_unavailable"
    return "provider_rejected"


class NhnAlimtalk:
    name = "nhn"

    def __init__(self, base_url: str | None = None, app_key: str | None = None, secret_key: str | None = None) -> None:
        self._base_url, self._app_key, self._secret_key = base_url, app_key, secret_key

    def _url(self, path: str) -> str:
        base = (self._base_url or config.required("NHN_ALIMTALK_API_BASE")).rstrip("/")
        app_key = quote(self._app_key or config.required("NHN_ALIMTALK_APP_KEY"), safe="")
        return f"{base}/alimtalk/v2.3/appkeys/{app_key}{path}"

    def _headers(self, idempotency_key: str | None = None) -> dict[str, str]:
        headers = {"X-Secret-Key": self._secret_key or config.required("NHN_ALIMTALK_SECRET_KEY"),
                   "content-type": "application/json;charset=UTF-8"}
        if idempotency_key:
            headers["X-NC-API-IDEMPOTENCY-KEY"] = idempotency_key
        return headers

    def _fail(self, code: str, message: str, status: int = 200) -> SendResult:
        return SendResult(self.name, False, provider_code=code, provider_message=message[:200],
                          reason=reason_for(code, status))

    def send(self, message: OutboundAlimtalk) -> SendResult:
        body: dict[str, Any] = {
            "senderKey": message.sender_key,
            "templateCode": message.template_code,
            "senderGroupingKey": message.idempotency_key[:100],
            "recipientList": [{
                "recipientNo": message.to,
                "templateParameter": message.variables,
                "resendParameter": {"isResend": False},  # our fallback, from the site's verified sender
                "recipientGroupingKey": message.site_id[:100],
            }],
        }
        status, resp = request("POST", self._url("/messages"), headers=self._headers(message.idempotency_key),
                               json=body)
        header = resp.get("header") if isinstance(resp.get("header"), dict) else None
        if status == 0 or header is None:
            return self._fail(f"HTTP_{status}", str(resp.get("transport_error") or resp.get("text") or ""), status)
        if not header.get("isSuccessful"):
            code = str(header.get("resultCode"))
            if code == DUPLICATE:
                return SendResult(self.name, True, provider_code=code, provider_message="duplicate request")
            return self._fail(code, str(header.get("resultMessage") or ""), status)
        data = resp.get("message") or {}
        results = data.get("sendResults") or []
        first = results[0] if results else {}
        code = str(first.get("resultCode", 0))
        if code != "0":
            return self._fail(code, str(first.get("resultMessage") or ""), status)
        pmid = f"{data.get('requestId')}:{first.get('recipientSeq', 1)}"
        return SendResult(self.name, True, provider_message_id=pmid, provider_code="0",
                          provider_message=str(first.get("resultMessage") or "SUCCESS"))

    def _check(self, status: int, resp: dict[str, Any]) -> None:
        header = resp.get("header") or {}
        if status != 200 or not header.get("isSuccessful"):
            raise AlimtalkProviderError(str(header.get("resultCode") or f"HTTP_{status}"),
                                        str(header.get("resultMessage") or resp.get("transport_error") or ""),
                                        retryable=status == 0 or status >= 500)

    def register_template(self, sender_key: str, code: str, name: str, text: str,
                          buttons: list[Button]) -> TemplateStatus:
        body = {"templateCode": code, "templateName": name, "templateContent": text,
                "templateMessageType": "BA", "templateEmphasizeType": "NONE",
                "buttons": [{"ordering": n, "type": b.type, "name": b.name, "linkMo": b.link_mo,
                             **({"linkPc": b.link_pc} if b.link_pc else {})} for n, b in enumerate(buttons, 1)]}
        status, resp = request("POST", self._url(f"/senders/{quote(sender_key, safe='')}/templates"),
                               headers=self._headers(), json=body)
        self._check(status, resp)
        return self.template_status(sender_key, code, code)

    def template_status(self, sender_key: str, code: str, provider_template_id: str) -> TemplateStatus:
        path = f"/senders/{quote(sender_key, safe='')}/templates/{quote(provider_template_id, safe='')}"
        status, resp = request("GET", self._url(path), headers=self._headers())
        self._check(status, resp)
        row = resp.get("templates") or {}
        if isinstance(row, list):
            row = row[0] if row else {}
        state = str(row.get("status") or "TSC01")
        reason = None
        if state == "TSC04":
            comments = [c for c in row.get("comments") or [] if c.get("content")]
            reason = str(comments[-1]["content"]) if comments else str(row.get("statusName") or "반려")
        return TemplateStatus(code, state if state in STATES else "TSC01", provider_template_id,  # type: ignore[arg-type]
                              reason)
