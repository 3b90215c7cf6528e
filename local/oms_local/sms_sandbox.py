"""A local SMS provider sandbox (the outbox sandbox): the parts of an NHN-Cloud-SMS-v3-style and a
Solapi-v4-style API the OMS uses, a page showing every message, and controls.

Provider API (what the adapters in ``oms.integrations.sms`` call):

- NHN style under ``/nhn`` (header ``X-Secret-Key``): ``POST /sms/v3.0/appKeys/{appKey}/sender/sms``,
  ``…/sender/mms``, ``GET /sms/v3.0/appKeys/{appKey}/sendNos?sendNo=``,
  ``POST /sms/v2.0/appKeys/{appKey}/reqeusts/sendNos``.
- Solapi style under ``/solapi`` (``Authorization: HMAC-SHA256 apiKey=…, date=…, salt=…, signature=…``):
  ``POST /messages/v4/send-many/detail``, ``POST /senderid/v1/numbers``, ``GET /senderid/v1/numbers?phoneNumber=``.

It answers as a provider would: an unregistered or unverified sender, an overlong text (cp949 bytes,
newline = 2), a title over 40 bytes, characters outside EUC-KR and an invalid recipient are refused
with the provider's codes. A message id (NHN ``senderGroupingKey``, Solapi ``customFields.messageId``)
already accepted is answered again without a second message.

Page and controls:

- ``GET /`` (or ``/messages``, ``?site=``): every message kept, per site, newest first (HTML).
- ``GET /_sandbox/messages?site=``: the same as JSON. ``GET /_sandbox/senders``: the sender numbers.
- ``POST /_sandbox/senders/verify`` ``{"number"}``; ``POST /_sandbox/senders/reject`` ``{"number", "reason"}``:
  the provider's verification of a registered number (``verify`` also registers an unknown number).
- ``POST /_sandbox/fail-next`` ``{"code", "count"?}``: the next send(s) fail with ``code`` (a provider
  code such as ``-2312`` / ``1062``; ``HTTP_503`` answers HTTP 503, ``TIMEOUT`` drops the connection).
- ``POST /_sandbox/reset``: forget messages, numbers and pending failures.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import json
import re
import threading
import urllib.parse
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler
from typing import Any

from oms_local.background import BackgroundServer

KST = timezone(timedelta(hours=9))
DEV_NHN_APP_KEY = "oms-local-nhn-appkey"
DEV_NHN_SECRET_KEY = "oms-local-nhn-secret"
DEV_SOLAPI_API_KEY = "OMSLOCALSOLAPIKEY"
DEV_SOLAPI_API_SECRET = "oms-local-solapi-secret"

_MOBILE = re.compile(r"^01[016789][0-9]{7,8}$")


def sms_bytes(text: str) -> int | None:
    """cp949 bytes with each newline as 2; None if the text has characters outside EUC-KR."""
    text = text.replace("\r\n", "\n")
    try:
        return len(text.encode("cp949")) + text.count("\n")
    except UnicodeEncodeError:
        return None


class Refused(Exception):
    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason, self.message = reason, message


# our reason -> (NHN code, Solapi code) the sandbox answers with
CODES = {
    "sender": ("-2312", "1062"),
    "too_long": ("-2015", "1031"),
    "title": ("-2015", "1014"),
    "encoding": ("-2023", "1029"),
    "recipient": ("-2019", "3010"),
}


@dataclass
class SandboxMessage:
    id: str
    provider: str
    key: str | None
    site_id: str | None
    type: str
    sender: str
    to: str
    title: str | None
    text: str
    bytes: int | None
    received_at: str
    result: str  # accepted | refused
    code: str
    detail: str = ""


@dataclass
class SandboxSender:
    number: str
    state: str = "pending"  # pending | verified | rejected
    reason: str | None = None
    site_id: str | None = None
    requested_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat())


class SmsSandbox(BackgroundServer):
    """The sandbox; ``start()`` serves on a background thread. Also usable in-process by tests."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host, self.port = host, port
        self.messages: list[SandboxMessage] = []
        self.senders: dict[str, SandboxSender] = {}
        self.accepted: dict[tuple[str, str], SandboxMessage] = {}
        self.fail_codes: list[str] = []
        self._lock = threading.RLock()
        BackgroundServer.__init__(self)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def env(self, provider: str = "nhn") -> dict[str, str]:
        """What the functions need to use this sandbox (locally in place of SSM parameters)."""
        return {
            "SMS_PROVIDER": provider,
            "NHN_SMS_API_BASE": f"{self.url}/nhn", "NHN_SMS_APP_KEY": DEV_NHN_APP_KEY,
            "NHN_SMS_SECRET_KEY": DEV_NHN_SECRET_KEY,
            "SOLAPI_API_BASE": f"{self.url}/solapi", "SOLAPI_API_KEY": DEV_SOLAPI_API_KEY,
            "SOLAPI_API_SECRET": DEV_SOLAPI_API_SECRET,
        }

    def start(self) -> SmsSandbox:
        handler = type("_BoundSmsHandler", (_Handler,), {"sandbox": self})
        self.serve(handler, "sms-sandbox")
        return self

    # ------------------------------------------------------------------ controls
    def register(self, number: str, site_id: str | None = None) -> SandboxSender:
        with self._lock:
            current = self.senders.get(number)
            if current is None or current.state == "rejected":
                current = self.senders[number] = SandboxSender(number, site_id=site_id)
            return current

    def verify(self, number: str) -> SandboxSender:
        with self._lock:
            s = self.register(number)
            s.state, s.reason = "verified", None
            return s

    def reject(self, number: str, reason: str) -> SandboxSender:
        with self._lock:
            s = self.register(number)
            s.state, s.reason = "rejected", reason or "서류 미비"
            return s

    def fail_next(self, code: str, count: int = 1) -> list[str]:
        with self._lock:
            self.fail_codes.extend([code] * max(1, count))
            return list(self.fail_codes)

    def reset(self) -> None:
        with self._lock:
            self.messages.clear()
            self.senders.clear()
            self.accepted.clear()
            self.fail_codes.clear()

    def list_messages(self, site_id: str | None = None) -> list[SandboxMessage]:
        with self._lock:
            rows = [m for m in self.messages if site_id is None or m.site_id == site_id]
        return sorted(rows, key=lambda m: m.received_at, reverse=True)

    # ------------------------------------------------------------------ provider behaviour
    def take_failure(self) -> str | None:
        with self._lock:
            return self.fail_codes.pop(0) if self.fail_codes else None

    def check(self, sender: str, to: str, text: str, title: str | None, msg_type: str) -> int:
        s = self.senders.get(sender)
        if s is None or s.state != "verified":
            raise Refused("sender", "Not regist sendno.")
        if not _MOBILE.match(to):
            raise Refused("recipient", "RecipientNo is invalid.")
        size = sms_bytes(text)
        title_size = sms_bytes(title or "")
        if size is None or title_size is None:
            raise Refused("encoding", "Unacceptable characters in title and body")
        if size > (90 if msg_type == "SMS" else 2000):
            raise Refused("too_long", "Title or Body exceed maximum byte.")
        if title_size > 40:
            raise Refused("title", "Title or Body exceed maximum byte.")
        return size

    def keep(self, provider: str, key: str | None, site_id: str | None, msg_type: str, sender: str, to: str,
             title: str | None, text: str, result: str, code: str, detail: str = "") -> SandboxMessage:
        m = SandboxMessage(id=uuid.uuid4().hex[:12], provider=provider, key=key, site_id=site_id, type=msg_type,
                           sender=sender, to=to, title=title, text=text, bytes=sms_bytes(text),
                           received_at=datetime.now(UTC).isoformat(timespec="microseconds"), result=result,
                           code=code, detail=detail)
        with self._lock:
            self.messages.append(m)
            if result == "accepted" and key:
                self.accepted[(provider, key)] = m
        return m

    def page(self, site_id: str | None = None) -> str:
        rows = self.list_messages(site_id)
        sites: dict[str, list[SandboxMessage]] = {}
        for m in rows:
            sites.setdefault(m.site_id or "(no site)", []).append(m)
        parts = ["<!doctype html><meta charset='utf-8'><title>SMS sandbox</title>",
                 "<style>body{font-family:sans-serif;margin:2em}td,th{border:1px solid #ccc;padding:4px 8px;"
                 "vertical-align:top}table{border-collapse:collapse;margin-bottom:2em}pre{margin:0;"
                 "white-space:pre-wrap}.refused{color:#b00}</style>",
                 f"<h1>SMS sandbox: {len(rows)} message(s)</h1>"]
        if not rows:
            parts.append("<p>No messages yet.</p>")
        for site, msgs in sorted(sites.items()):
            parts.append(f"<h2>{html.escape(site)}</h2><table><tr><th>received (KST)</th><th>provider</th>"
                         "<th>type</th><th>from</th><th>to</th><th>title</th><th>text</th><th>bytes</th>"
                         "<th>result</th></tr>")
            for m in msgs:
                at = datetime.fromisoformat(m.received_at).astimezone(KST).strftime("%Y-%m-%d %H:%M:%S")
                parts.append(
                    f"<tr class='{m.result}'><td>{at}</td><td>{m.provider}</td><td>{m.type}</td>"
                    f"<td>{html.escape(m.sender)}</td><td>{html.escape(m.to)}</td>"
                    f"<td>{html.escape(m.title or '')}</td><td><pre>{html.escape(m.text)}</pre></td>"
                    f"<td>{m.bytes if m.bytes is not None else '-'}</td>"
                    f"<td>{m.result} {html.escape(m.code)} {html.escape(m.detail)}</td></tr>")
            parts.append("</table>")
        return "".join(parts)


class _Drop(Exception):
    """Close the connection without answering (a provider timeout)."""


class _Handler(BaseHTTPRequestHandler):
    sandbox: SmsSandbox
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._handle()

    do_POST = do_GET

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("content-type", content_type)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, payload: Any) -> None:
        self._send(status, json.dumps(payload, ensure_ascii=False, default=str).encode(),
                   "application/json; charset=utf-8")

    def _body(self) -> dict[str, Any]:
        n = int(self.headers.get("content-length") or 0)
        data = json.loads(self.rfile.read(n) or b"{}") if n else {}
        return data if isinstance(data, dict) else {}

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


def main(argv: list[str] | None = None) -> int:  # pragma: no cover - manual use
    import argparse

    parser = argparse.ArgumentParser(prog="python -m oms_local.sms_sandbox")
    parser.add_argument("--port", type=int, default=3200)
    args = parser.parse_args(argv)
    sb = SmsSandbox(port=args.port).start()
    print(f"SMS sandbox on {sb.url} (messages page: {sb.url}/)")
    stop: Callable[[], None] = sb.stop
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        stop()
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
