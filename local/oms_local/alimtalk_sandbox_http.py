"""HTTP side of the 알림톡 sandbox (:mod:`oms_local.alimtalk_sandbox`): the NHN-style and Solapi-style
provider endpoints, the page and the ``/_sandbox`` controls."""

from __future__ import annotations

import hashlib
import hmac
import urllib.parse
import uuid
from dataclasses import asdict
from typing import Any

from oms_local.alimtalk_sandbox import (
    CODES,
    DEV_NHN_APP_KEY,
    DEV_NHN_SECRET_KEY,
    STATES,
    AlimtalkSandbox,
    Refused,
)
from oms_local.sandbox_http import SandboxHandler
from oms_local.sms_sandbox import DEV_SOLAPI_API_KEY, DEV_SOLAPI_API_SECRET

SOLAPI_STATES = {"TSC01": "PENDING", "TSC02": "INSPECTING", "TSC03": "APPROVED", "TSC04": "REJECTED"}


class Handler(SandboxHandler):
    sandbox: AlimtalkSandbox

    def do_PUT(self) -> None:
        self._handle()

    def _handle(self) -> None:
        sb = self.sandbox
        split = urllib.parse.urlsplit(self.path)
        query = {k: v[0] for k, v in urllib.parse.parse_qs(split.query).items()}
        parts = [urllib.parse.unquote(p) for p in split.path.strip("/").split("/") if p]
        try:
            body = self._body() if self.command in ("POST", "PUT") else {}
            if not parts:
                self._send(200, sb.page(query.get("site")).encode(), "text/html; charset=utf-8")
            elif parts[0] == "_sandbox":
                self._json(200, self._control(sb, parts[1:], body, query))
            elif parts[0] == "nhn":
                self._nhn(sb, parts[1:], body)
            elif parts[0] == "solapi":
                self._solapi(sb, parts[1:], body)
            else:
                self._json(404, {"message": "no such path"})
        except (ValueError, KeyError, TypeError) as exc:
            self._json(400, {"errorCode": "ValidationError", "errorMessage": str(exc)})

    def _control(self, sb: AlimtalkSandbox, parts: list[str], body: dict[str, Any], query: dict[str, str]) -> Any:
        post = self.command == "POST"
        if parts == ["messages"] and not post:
            return [asdict(m) for m in sb.list_messages(query.get("site"))]
        if parts == ["templates"] and not post:
            return [asdict(t) for t in sb.templates.values()]
        if parts == ["templates", "state"] and post:
            return asdict(sb.set_state(str(body["code"]), str(body["state"]), body.get("reason"),
                                       body.get("sender_key")))
        if parts == ["templates", "content"] and post:
            return asdict(sb.set_content(str(body["code"]), str(body["content"]), body.get("sender_key")))
        if parts == ["not-kakao-users"] and post:
            return {"not_kakao_users": sb.mark_not_kakao(str(body["number"]))}
        if parts == ["fail-next"] and post:
            return {"pending_failures": sb.fail_next(str(body["code"]), int(body.get("count", 1)))}
        if parts == ["reset"] and post:
            sb.reset()
            return {"reset": True}
        raise KeyError(f"no such control: {'/'.join(parts)}")

    def _replay(self, sb: AlimtalkSandbox, provider: str, key: str | None) -> bool:
        """A key already answered: the first answer again, nothing sent."""
        if key and (provider, key) in sb.answers:
            status, payload = sb.answers[(provider, key)]
            self._json(status, payload)
            return True
        return False

    def _answer(self, sb: AlimtalkSandbox, provider: str, key: str | None, status: int, payload: Any) -> None:
        if key:
            sb.answers[(provider, key)] = (status, payload)
        self._json(status, payload)

    def _forced(self, sb: AlimtalkSandbox) -> str | None:
        code = sb.take_failure()
        if code and code.startswith("HTTP_"):
            self._json(int(code[5:]), {"errorCode": "InternalError", "errorMessage": "sandbox: provider down",
                                       "header": None})
            return "answered"
        return code

    # ------------------------------------------------------------------ NHN style
    def _nhn(self, sb: AlimtalkSandbox, parts: list[str], body: dict[str, Any]) -> None:
        def header(ok: bool, code: int | str = 0, message: str = "success") -> dict[str, Any]:
            return {"isSuccessful": ok, "resultCode": int(code), "resultMessage": message}

        if self.headers.get("x-secret-key") != DEV_NHN_SECRET_KEY:
            self._json(200, {"header": header(False, -1001, "Invalid secretKey.")})
            return
        if parts[:4] != ["alimtalk", "v2.3", "appkeys", DEV_NHN_APP_KEY]:
            self._json(200, {"header": header(False, -1000, "Invalid appKey.")})
            return
        rest = parts[4:]
        if len(rest) == 3 and rest[0] == "senders" and rest[2] == "templates" and self.command == "POST":
            buttons = [{"name": b.get("name"), "link_mo": b.get("linkMo"), "link_pc": b.get("linkPc")}
                       for b in body.get("buttons") or []]
            sb.register("nhn", rest[1], str(body["templateCode"]), str(body.get("templateName") or ""),
                        str(body["templateContent"]), buttons)
            self._json(200, {"header": header(True)})
            return
        if len(rest) == 4 and rest[0] == "senders" and rest[2] == "templates" and self.command == "GET":
            t = sb.template(rest[1], rest[3])
            if t is None:
                self._json(200, {"header": header(False, -3006, "Not exist template."), "templates": None})
                return
            comments = [{"id": 1, "content": t.reason, "status": "REJ"}] if t.reason else []
            self._json(200, {"header": header(True), "templates": {
                "senderKey": t.sender_key, "templateCode": t.code, "templateName": t.name,
                "templateContent": t.content, "status": t.state, "statusName": STATES[t.state],
                "comments": comments, "buttons": [{"ordering": n, "type": "WL", "name": b["name"],
                                                   "linkMo": b["link_mo"], "linkPc": b.get("link_pc")}
                                                  for n, b in enumerate(t.buttons, 1)]}})
            return
        if rest == ["messages"] and self.command == "POST":
            self._nhn_send(sb, body)
            return
        self._json(200, {"header": header(False, -9998, "Not exist API.")})

    def _nhn_send(self, sb: AlimtalkSandbox, body: dict[str, Any]) -> None:
        key = self.headers.get("x-nc-api-idempotency-key")
        if self._replay(sb, "nhn", key):
            return
        forced = self._forced(sb)
        if forced == "answered":
            return
        recipient = (body.get("recipientList") or [{}])[0]
        to, sender_key = str(recipient.get("recipientNo") or ""), str(body.get("senderKey") or "")
        code_t = str(body.get("templateCode") or "")
        variables = {str(k): str(v) for k, v in (recipient.get("templateParameter") or {}).items()}
        site = recipient.get("recipientGroupingKey")
        request_id = uuid.uuid4().hex[:20]
        try:
            if forced:
                raise Refused("forced", "sandbox: forced failure")
            text = sb.check(sender_key, code_t, to, variables, None)
        except Refused as exc:
            code = forced or CODES[exc.reason][0]
            sb.keep("nhn", key, site, sender_key, code_t, to, "", "refused", code, exc.message)
            if code.startswith("-"):
                self._answer(sb, "nhn", key, 200, {"header": {"isSuccessful": False, "resultCode": int(code),
                                                              "resultMessage": exc.message}})
            else:
                self._answer(sb, "nhn", key, 200, self._nhn_result(request_id, to, int(code), exc.message, site))
            return
        sb.keep("nhn", key, site, sender_key, code_t, to, text, "accepted", "0")
        self._answer(sb, "nhn", key, 200, self._nhn_result(request_id, to, 0, "success", site))

    @staticmethod
    def _nhn_result(request_id: str, to: str, code: int, message: str, site: Any) -> dict[str, Any]:
        return {"header": {"isSuccessful": True, "resultCode": 0, "resultMessage": "success"},
                "message": {"requestId": request_id, "sendResults": [
                    {"recipientSeq": 1, "recipientNo": to, "resultCode": code, "resultMessage": message,
                     "recipientGroupingKey": site}]}}

    # ------------------------------------------------------------------ Solapi style
    def _solapi_authorised(self) -> bool:
        auth = self.headers.get("authorization") or ""
        if not auth.startswith("HMAC-SHA256 "):
            return False
        fields = dict(p.strip().split("=", 1) for p in auth[len("HMAC-SHA256 "):].split(",") if "=" in p)
        if fields.get("apiKey") != DEV_SOLAPI_API_KEY:
            return False
        expected = hmac.new(DEV_SOLAPI_API_SECRET.encode(), (fields.get("date", "") + fields.get("salt", "")).encode(),
                            hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, fields.get("signature", ""))

    def _solapi(self, sb: AlimtalkSandbox, parts: list[str], body: dict[str, Any]) -> None:
        if not self._solapi_authorised():
            self._json(401, {"errorCode": "InvalidAPIKey", "errorMessage": "유효하지 않은 API Key 입니다."})
            return
        if parts == ["kakao", "v2", "templates"] and self.command == "POST":
            name = str(body.get("name") or "")
            buttons = [{"name": b.get("buttonName"), "link_mo": b.get("linkMo"), "link_pc": b.get("linkPc")}
                       for b in body.get("buttons") or []]
            made = sb.register("solapi", str(body["channelId"]), name.split(" ", 1)[0], name, str(body["content"]),
                               buttons)
            self._json(200, self._solapi_template(made))
            return
        if parts[:3] == ["kakao", "v2", "templates"] and len(parts) in (4, 5):
            t = next((x for x in sb.templates.values() if x.template_id == parts[3]), None)
            if t is None:
                self._json(404, {"errorCode": "NotFound", "errorMessage": "템플릿이 존재하지 않습니다."})
                return
            if len(parts) == 5 and parts[4] == "inspection" and self.command == "PUT" and t.state == "TSC01":
                t.state = "TSC02"
            self._json(200, self._solapi_template(t))
            return
        if parts == ["messages", "v4", "send-many", "detail"] and self.command == "POST":
            self._solapi_send(sb, body)
            return
        self._json(404, {"errorCode": "NotFound", "errorMessage": "no such Solapi-style endpoint"})

    @staticmethod
    def _solapi_template(t: Any) -> dict[str, Any]:
        return {"templateId": t.template_id, "channelId": t.sender_key, "name": t.name, "content": t.content,
                "status": SOLAPI_STATES[t.state],
                "comments": [{"content": t.reason, "isAdmin": True}] if t.reason else []}

    def _solapi_send(self, sb: AlimtalkSandbox, body: dict[str, Any]) -> None:
        item = (body.get("messages") or [{}])[0]
        fields = item.get("customFields") or {}
        key, site = fields.get("idempotencyKey"), fields.get("siteId")
        if self._replay(sb, "solapi", key):
            return
        forced = self._forced(sb)
        if forced == "answered":
            return
        opts = item.get("kakaoOptions") or {}
        to, pf_id, template_id = str(item.get("to") or ""), str(opts.get("pfId") or ""), str(opts.get("templateId"))
        variables = {str(k)[2:-1] if str(k).startswith("#{") else str(k): str(v)
                     for k, v in (opts.get("variables") or {}).items()}
        group = {"groupId": "G4V" + uuid.uuid4().hex[:16].upper(), "status": "SENDING"}
        try:
            if forced:
                raise Refused("forced", "sandbox: forced failure")
            text = sb.check(pf_id, template_id, to, variables, item.get("text"))
        except Refused as exc:
            code = forced or CODES[exc.reason][1]
            sb.keep("solapi", key, site, pf_id, template_id, to, "", "refused", code, exc.message)
            self._answer(sb, "solapi", key, 200, {"groupInfo": {**group, "status": "FAILED"}, "messageList": [],
                                                  "failedMessageList": [{"to": to, "type": "ATA", "statusCode": code,
                                                                         "statusMessage": exc.message,
                                                                         "customFields": fields}]})
            return
        m = sb.keep("solapi", key, site, pf_id, template_id, to, text, "accepted", "2000")
        self._answer(sb, "solapi", key, 200, {"groupInfo": group, "failedMessageList": [], "messageList": [
            {"messageId": "M4V" + m.id.upper(), "statusCode": "2000", "statusMessage": "정상 접수",
             "customFields": fields}]})
