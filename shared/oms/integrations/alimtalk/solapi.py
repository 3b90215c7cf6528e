"""Solapi 알림톡 style adapter (the Messages API v4 with ``kakaoOptions``; same HMAC authorization as SMS).

- Send: ``POST /messages/v4/send-many/detail`` ``{messages[{to, type: ATA, text, kakaoOptions{pfId,
  templateId, variables{"#{변수}": value}, disableSms: true}, customFields}]}``; refusals in
  ``failedMessageList[]`` (``statusCode``: 3103 body ≠ template, 3104 not a KakaoTalk user, 3105
  unknown or unusable template ...), taken messages in ``messageList[]``.
- Templates: ``POST /kakao/v2/templates`` ``{channelId, name, content, categoryCode, buttons[{buttonType:
  WL, buttonName, linkMo, linkPc}]}`` answers the ``templateId`` Solapi assigns; the review is asked
  with ``PUT /kakao/v2/templates/{templateId}/inspection``; state from ``GET /kakao/v2/templates/{templateId}``
  (``status`` PENDING / INSPECTING / APPROVED / REJECTED, a rejection's reason in ``comments[].content``).

``customFields`` carry our idempotency key and the site.
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
    State,
    TemplateStatus,
)
from oms.integrations.sms.base import request
from oms.integrations.sms.solapi import auth_header

CODES: dict[str, Reason] = {
    "3103": "template_mismatch",  # 템플릿 내용과 불일치
    "3104": "not_kakao_user",  # 카카오톡 미사용자
    "3105": "template_not_approved",  # 존재하지 않는(사용할 수 없는) 템플릿
    "3107": "not_kakao_user",  # 알림톡 수신 차단 / 72시간 미사용
    "3010": "invalid_recipient",  # 수신번호 형식 오류
    "1024": "provider_unavailable",
    "3024": "provider_unavailable",
}
ACCEPTED = frozenset({"2000", "3000", "4000"})
#: Solapi's template states -> Kakao's review codes
STATES: dict[str, State] = {"PENDING": "TSC01", "INSPECTING": "TSC02", "APPROVED": "TSC03", "REJECTED": "TSC04"}
CATEGORY = "008001"  # 주문/배송 안내 category Solapi asks for


def reason_for(code: str, http_status: int = 200) -> Reason:
    if code in CODES:
        return CODES[code]
    if http_status == 0 or http_status >= 500:
        return "provider_unavailable"
    return "provider_rejected"


class SolapiAlimtalk:
    name = "solapi"

    def __init__(self, base_url: str | None = None, api_key: str | None = None, api_secret: str | None = None) -> None:
        self._base_url, self._api_key, self._api_secret = base_url, api_key, api_secret

    def _url(self, path: str) -> str:
        return (self._base_url or config.required("SOLAPI_ALIMTALK_API_BASE")).rstrip("/") + path

    def _headers(self) -> dict[str, str]:
        return {"authorization": auth_header(self._api_key or config.required("SOLAPI_API_KEY"),
                                             self._api_secret or config.required("SOLAPI_API_SECRET")),
                "content-type": "application/json"}

    def _fail(self, code: str, message: str, status: int = 200) -> SendResult:
        return SendResult(self.name, False, provider_code=code, provider_message=message[:200],
                          reason=reason_for(code, status))

    def send(self, message: OutboundAlimtalk) -> SendResult:
        item = {"to": message.to, "type": "ATA", "text": message.text,
                "kakaoOptions": {"pfId": message.sender_key, "templateId": message.template_code,
                                 "variables": {f"#{{{k}}}": v for k, v in message.variables.items()},
                                 "disableSms": True},
                "customFields": {"idempotencyKey": message.idempotency_key, "siteId": message.site_id}}
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
        return SendResult(self.name, True, provider_message_id=str(taken.get("messageId") or ""), provider_code=code,
                          provider_message=str(taken.get("statusMessage") or "정상 접수"))

    def _check(self, status: int, resp: dict[str, Any]) -> None:
        if status != 200:
            raise AlimtalkProviderError(str(resp.get("errorCode") or f"HTTP_{status}"),
                                        str(resp.get("errorMessage") or resp.get("transport_error") or ""),
                                        retryable=status == 0 or status >= 500)

    def register_template(self, sender_key: str, code: str, name: str, text: str,
                          buttons: list[Button]) -> TemplateStatus:
        body = {"channelId": sender_key, "name": f"{code} {name}"[:100], "content": text, "categoryCode": CATEGORY,
                "buttons": [{"buttonType": b.type, "buttonName": b.name, "linkMo": b.link_mo,
                             **({"linkPc": b.link_pc} if b.link_pc else {})} for b in buttons]}
        status, resp = request("POST", self._url("/kakao/v2/templates"), headers=self._headers(), json=body)
        self._check(status, resp)
        template_id = str(resp["templateId"])
        status, resp = request("PUT", self._url(f"/kakao/v2/templates/{quote(template_id, safe='')}/inspection"),
                               headers=self._headers())
        self._check(status, resp)
        return self.template_status(sender_key, code, template_id)

    def template_status(self, sender_key: str, code: str, provider_template_id: str) -> TemplateStatus:
        status, resp = request("GET", self._url(f"/kakao/v2/templates/{quote(provider_template_id, safe='')}"),
                               headers=self._headers())
        self._check(status, resp)
        state = STATES.get(str(resp.get("status") or "PENDING").upper(), "TSC01")
        reason = None
        if state == "TSC04":
            comments = [c for c in resp.get("comments") or [] if c.get("content")]
            reason = str(comments[-1]["content"]) if comments else "반려"
        return TemplateStatus(code, state, provider_template_id, reason)
