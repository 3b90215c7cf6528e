"""HTTP side of the SMS sandbox (:mod:`oms_local.sms_sandbox`): the NHN-style and Solapi-style
provider endpoints, the messages page and the ``/_sandbox`` controls."""

from __future__ import annotations

import hashlib
import hmac
import urllib.parse
import uuid
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from oms_local.sandbox_http import SandboxHandler
from oms_local.sms_sandbox import (
    CODES,
    DEV_NHN_APP_KEY,
    DEV_NHN_SECRET_KEY,
    DEV_SOLAPI_API_KEY,
    DEV_SOLAPI_API_SECRET,
    Refused,
    SmsSandbox,
)


class _Drop(Exception):
    """Close the connection without answering (a provider timeout)."""


class Handler(SandboxHandler):
    sandbox: SmsSandbox

    def _handle(self) -> None:
        sb = self.sandbox
        split = urllib.parse.urlsplit(self.path)
        query = {k: v[0] for k, v in urllib.parse.parse_qs(split.query).items()}
        parts = [urllib.parse.unquote(p) for p in split.path.strip("/").split("/") if p]
        try:
            body = self._body() if self.command == "POST" else {}
            if not parts or parts == ["messages"]:
                self._send(200, sb.page(query.get("site")).encode(), "text/html; charset=utf-8")
            elif parts[0] == "_sandbox":
                self._json(200, self._control(sb, parts[1:], body, query))
            elif parts[0] == "nhn":
                self._nhn(sb, parts[1:], body, query)
            elif parts[0] == "solapi":
                self._solapi(sb, parts[1:], body, query)
            else:
                self._json(404, {"message": "no such path"})
        except _Drop:
            self.close_connection = True
        except (ValueError, KeyError, TypeError) as exc:
            self._json(400, {"errorCode": "ValidationError", "errorMessage": str(exc)})

    def _control(self, sb: SmsSandbox, parts: list[str], body: dict[str, Any], query: dict[str, str]) -> Any:
        post = self.command == "POST"
        if parts == ["messages"] and not post:
            return [asdict(m) for m in sb.list_messages(query.get("site"))]
        if parts == ["senders"] and not post:
            return [asdict(s) for s in sb.senders.values()]
        if parts == ["senders", "verify"] and post:
            return asdict(sb.verify(str(body["number"])))
        if parts == ["senders", "reject"] and post:
            return asdict(sb.reject(str(body["number"]), str(body.get("reason") or "")))
        if parts == ["fail-next"] and post:
            return {"pending_failures": sb.fail_next(str(body["code"]), int(body.get("count", 1)))}
        if parts == ["reset"] and post:
            sb.reset()
            return {"reset": True}
        raise KeyError(f"no such control: {'/'.join(parts)}")

    def _forced(self, sb: SmsSandbox) -> str | None:
        code = sb.take_failure()
        if code == "TIMEOUT":
            raise _Drop()
        if code and code.startswith("HTTP_"):
            self._json(int(code[5:]), {"errorCode": "InternalError", "errorMessage": "sandbox: provider down",
                                       "header": None})
            return "answered"
        return code

    # ------------------------------------------------------------------ NHN style
    def _nhn(self, sb: SmsSandbox, parts: list[str], body: dict[str, Any], query: dict[str, str]) -> None:
        def header(ok: bool, code: int | str = 0, message: str = "SUCCESS") -> dict[str, Any]:
            return {"isSuccessful": ok, "resultCode": int(code), "resultMessage": message}

        if self.headers.get("x-secret-key") != DEV_NHN_SECRET_KEY:
            self._json(200, {"header": header(False, -1000, "Invalid appKey."), "body": None})
            return
        if len(parts) < 4 or parts[0] != "sms" or parts[2] != "appKeys" or parts[3] != DEV_NHN_APP_KEY:
            self._json(200, {"header": header(False, -9998, "Not exist API."), "body": None})
            return
        rest = parts[4:]
        if rest == ["sendNos"] and self.command == "GET":
            number = query.get("sendNo")
            rows = [s for s in sb.senders.values() if number in (None, s.number) and s.state != "pending"]
            data = [{"sendNo": s.number, "useYn": "Y" if s.state == "verified" else "N",
                     "blockYn": "Y" if s.state == "rejected" else "N", "blockReason": s.reason,
                     "createDate": s.requested_at, "updateDate": s.requested_at} for s in rows]
            self._json(200, {"header": header(True), "body": {"pageNum": 1, "pageSize": 15,
                                                               "totalCount": len(data), "data": data}})
            return
        if rest == ["reqeusts", "sendNos"] and self.command == "POST":
            comment = str(body.get("comment") or "")
            site = comment[5:] if comment.startswith("site ") else None
            for number in body.get("sendNos") or []:
                sb.register(str(number), site)
            self._json(200, {"header": header(True)})
            return
        if rest in (["sender", "sms"], ["sender", "mms"]) and self.command == "POST":
            msg_type = "SMS" if rest[1] == "sms" else "LMS"
            key = body.get("senderGroupingKey")
            recipients = body.get("recipientList") or []
            to = str((recipients[0] if recipients else {}).get("recipientNo") or "")
            request_id = datetime.now(UTC).strftime("%Y%m%d%H%M%S") + uuid.uuid4().hex[:10]
            if key and ("nhn", key) in sb.accepted:
                self._json(200, self._nhn_ok(sb.accepted[("nhn", key)].id, to, key))
                return
            forced = self._forced(sb)
            if forced == "answered":
                return
            sender, text, title = str(body.get("sendNo") or ""), str(body.get("body") or ""), body.get("title")
            site = body.get("userId")
            try:
                if forced:
                    raise Refused("forced", "sandbox: forced failure")
                sb.check(sender, to, text, title, msg_type)
            except Refused as exc:
                code = forced or CODES[exc.reason][0]
                sb.keep("nhn", key, site, msg_type, sender, to, title, text, "refused", code, exc.message)
                if code.startswith("-"):
                    self._json(200, {"header": header(False, code, exc.message), "body": None})
                else:  # a per-recipient (carrier) code
                    self._json(200, {"header": header(True), "body": {"data": {
                        "requestId": request_id, "statusCode": "2", "senderGroupingKey": key,
                        "sendResultList": [{"recipientNo": to, "resultCode": int(code), "resultMessage": exc.message,
                                            "recipientSeq": 1, "recipientGroupingKey": key}]}}})
                return
            m = sb.keep("nhn", key, site, msg_type, sender, to, title, text, "accepted", "0")
            self._json(200, self._nhn_ok(m.id, to, key))
            return
        self._json(200, {"header": header(False, -9998, "Not exist API."), "body": None})

    @staticmethod
    def _nhn_ok(request_id: str, to: str, key: str | None) -> dict[str, Any]:
        return {"header": {"isSuccessful": True, "resultCode": 0, "resultMessage": "SUCCESS"},
                "body": {"data": {"requestId": request_id, "statusCode": "2", "senderGroupingKey": key,
                                  "sendResultList": [{"recipientNo": to, "resultCode": 0, "resultMessage": "SUCCESS",
                                                      "recipientSeq": 1, "recipientGroupingKey": key}]}}}

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

    def _solapi(self, sb: SmsSandbox, parts: list[str], body: dict[str, Any], query: dict[str, str]) -> None:
        if not self._solapi_authorised():
            self._json(401, {"errorCode": "InvalidAPIKey", "errorMessage": "유효하지 않은 API Key 입니다."})
            return
        if parts == ["senderid", "v1", "numbers"] and self.command == "POST":
            s = sb.register(str(body["phoneNumber"]))
            self._json(200, {"phoneNumber": s.number, "status": "PENDING"})
            return
        if parts == ["senderid", "v1", "numbers"] and self.command == "GET":
            number = query.get("phoneNumber")
            state = {"pending": "PENDING", "verified": "ACTIVE", "rejected": "REJECTED"}
            items = [{"phoneNumber": s.number, "status": state[s.state], "rejectReason": s.reason}
                     for s in sb.senders.values() if number in (None, s.number)]
            self._json(200, {"items": items, "count": len(items)})
            return
        if parts == ["messages", "v4", "send-many", "detail"] and self.command == "POST":
            self._solapi_send(sb, body)
            return
        self._json(404, {"errorCode": "NotFound", "errorMessage": "no such Solapi-style endpoint"})

    def _solapi_send(self, sb: SmsSandbox, body: dict[str, Any]) -> None:
        group = {"groupId": "G4V" + uuid.uuid4().hex[:16].upper(), "status": "SENDING"}
        item = (body.get("messages") or [{}])[0]
        fields = item.get("customFields") or {}
        key, site = fields.get("messageId"), fields.get("siteId")
        to, sender = str(item.get("to") or ""), str(item.get("from") or "")
        text, title, msg_type = str(item.get("text") or ""), item.get("subject"), str(item.get("type") or "SMS")
        if key and ("solapi", key) in sb.accepted:
            done = sb.accepted[("solapi", key)]
            self._json(200, {"groupInfo": group, "failedMessageList": [], "messageList": [
                {"messageId": "M4V" + done.id.upper(), "statusCode": "2000",
                 "statusMessage": "정상 접수(이통사로 접수 예정) ", "customFields": fields}]})
            return
        forced = self._forced(sb)
        if forced == "answered":
            return
        try:
            if forced:
                raise Refused("forced", "sandbox: forced failure")
            if msg_type == "SMS" and title:
                raise Refused("title", "제목은 문자 타입이 'SMS'일 경우 사용이 불가능합니다.")
            sb.check(sender, to, text, title, msg_type)
        except Refused as exc:
            code = forced or CODES[exc.reason][1]
            sb.keep("solapi", key, site, msg_type, sender, to, title, text, "refused", code, exc.message)
            self._json(200, {"groupInfo": {**group, "status": "FAILED"}, "messageList": [], "failedMessageList": [
                {"to": to, "from": sender, "type": msg_type, "statusMessage": exc.message, "country": "82",
                 "messageId": "M4V" + uuid.uuid4().hex[:16].upper(), "statusCode": code, "accountId": "LOCAL",
                 "customFields": fields}]})
            return
        m = sb.keep("solapi", key, site, msg_type, sender, to, title, text, "accepted", "2000")
        self._json(200, {"groupInfo": group, "failedMessageList": [], "messageList": [
            {"messageId": "M4V" + m.id.upper(), "statusCode": "2000", "statusMessage": "정상 접수(이통사로 접수 예정) ",
             "customFields": fields}]})
