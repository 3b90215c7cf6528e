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

import html
import re
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone

from oms_local.background import BackgroundServer
from oms_local.sandbox_http import serve_until_interrupted

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
        from oms_local.sms_sandbox_http import Handler

        handler = type("_BoundSmsHandler", (Handler,), {"sandbox": self})
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


def main(argv: list[str] | None = None) -> int:  # pragma: no cover - manual use
    import argparse

    parser = argparse.ArgumentParser(prog="python -m oms_local.sms_sandbox")
    parser.add_argument("--port", type=int, default=3200)
    args = parser.parse_args(argv)
    sb = SmsSandbox(port=args.port).start()
    print(f"SMS sandbox on {sb.url} (messages page: {sb.url}/)")
    return serve_until_interrupted(sb.stop)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
