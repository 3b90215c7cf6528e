"""A local KakaoTalk 알림톡 provider sandbox: the parts of an NHN-Cloud-Bizmessage-v2.3-style and a
Solapi-style API the OMS uses, a page with every template and message, and controls.

Provider API (what the adapters in ``oms.integrations.alimtalk`` call):

- NHN style under ``/nhn`` (header ``X-Secret-Key``): ``POST /alimtalk/v2.3/appkeys/{appkey}/messages``
  (header ``X-NC-API-IDEMPOTENCY-KEY``), ``POST …/senders/{senderKey}/templates``,
  ``GET …/senders/{senderKey}/templates/{templateCode}``.
- Solapi style under ``/solapi`` (HMAC authorization): ``POST /messages/v4/send-many/detail`` (type
  ``ATA`` with ``kakaoOptions``), ``POST /kakao/v2/templates``, ``PUT /kakao/v2/templates/{id}/inspection``,
  ``GET /kakao/v2/templates/{id}``.

Templates are kept per sender profile (sender key / pfId) with Kakao's review states: ``TSC01`` 요청
(registered), ``TSC02`` 검수 중, ``TSC03`` 승인, ``TSC04`` 반려 (with a reason); the page's buttons
and the controls change them. A send is answered per recipient as the provider would: a template
not approved (NHN ``-3005``, Solapi ``3105``), a text or variables that do not fill the approved
template exactly (``-3010`` / ``3103``), a number that is not a KakaoTalk user (``3019`` / ``3104``),
an invalid number (``3008`` / ``3010``). The idempotency key (NHN header, Solapi
``customFields.idempotencyKey``) already answered is answered again with the first result, nothing sent.

Controls:

- ``GET /`` (``?site=``): templates and messages (HTML). ``GET /_sandbox/messages?site=``,
  ``GET /_sandbox/templates``: the same as JSON.
- ``POST /_sandbox/templates/state`` ``{"code", "state", "reason"?, "sender_key"?}``: the review
  (``code`` is our template code or the provider's template id).
- ``POST /_sandbox/templates/content`` ``{"code", "content", "sender_key"?}``: the approved text
  changes at the provider (what a send is then compared with).
- ``POST /_sandbox/not-kakao-users`` ``{"number"}``: that number is not a KakaoTalk user.
- ``POST /_sandbox/fail-next`` ``{"code", "count"?}``: the next send(s) fail with ``code``
  (``HTTP_503`` answers HTTP 503).
- ``POST /_sandbox/reset``: forget everything.
"""

from __future__ import annotations

import html
import re
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from oms_local.background import BackgroundServer
from oms_local.sandbox_http import serve_until_interrupted
from oms_local.sms_sandbox import DEV_SOLAPI_API_KEY, DEV_SOLAPI_API_SECRET, KST

DEV_NHN_APP_KEY = "oms-local-alimtalk-appkey"
DEV_NHN_SECRET_KEY = "oms-local-alimtalk-secret"
STATES = {"TSC01": "요청", "TSC02": "검수 중", "TSC03": "승인", "TSC04": "반려"}
_MOBILE = re.compile(r"^01[016789][0-9]{7,8}$")
_PLACEHOLDER = re.compile(r"#\{([^{}]*)\}")

#: our reason -> (NHN code, Solapi code) the sandbox answers with
CODES = {
    "not_approved": ("-3005", "3105"),
    "unknown_template": ("3015", "3105"),
    "mismatch": ("-3010", "3103"),
    "not_kakao_user": ("3019", "3104"),
    "recipient": ("3008", "3010"),
}


class Refused(Exception):
    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason, self.message = reason, message


@dataclass
class SandboxTemplate:
    provider: str
    sender_key: str
    template_id: str  # NHN: the code; Solapi: the id it assigns
    code: str
    name: str
    content: str
    buttons: list[dict[str, Any]] = field(default_factory=list)
    state: str = "TSC01"
    reason: str | None = None
    registered_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat())


@dataclass
class SandboxAlimtalk:
    id: str
    provider: str
    key: str | None
    site_id: str | None
    sender_key: str
    template_code: str
    to: str
    text: str
    received_at: str
    result: str  # accepted | refused
    code: str
    detail: str = ""


class AlimtalkSandbox(BackgroundServer):
    """The sandbox; ``start()`` serves on a background thread. Also usable in-process by tests."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host, self.port = host, port
        self.templates: dict[tuple[str, str], SandboxTemplate] = {}
        self.messages: list[SandboxAlimtalk] = []
        self.answers: dict[tuple[str, str], tuple[int, Any]] = {}
        self.not_kakao: set[str] = set()
        self.fail_codes: list[str] = []
        self._lock = threading.RLock()
        BackgroundServer.__init__(self)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def env(self, provider: str = "nhn") -> dict[str, str]:
        """What the functions need to use this sandbox (locally in place of SSM parameters)."""
        return {"ALIMTALK_PROVIDER": provider, **self.endpoints(),
                "NHN_ALIMTALK_APP_KEY": DEV_NHN_APP_KEY, "NHN_ALIMTALK_SECRET_KEY": DEV_NHN_SECRET_KEY,
                "SOLAPI_API_KEY": DEV_SOLAPI_API_KEY, "SOLAPI_API_SECRET": DEV_SOLAPI_API_SECRET}

    def endpoints(self) -> dict[str, str]:
        """The base URLs only (the stack's functions get their secrets from SSM parameters)."""
        return {"NHN_ALIMTALK_API_BASE": f"{self.url}/nhn", "SOLAPI_ALIMTALK_API_BASE": f"{self.url}/solapi"}

    def start(self) -> AlimtalkSandbox:
        from oms_local.alimtalk_sandbox_http import Handler

        handler = type("_BoundAlimtalkHandler", (Handler,), {"sandbox": self})
        self.serve(handler, "alimtalk-sandbox")
        return self

    # ------------------------------------------------------------------ templates
    def register(self, provider: str, sender_key: str, code: str, name: str, content: str,
                 buttons: list[dict[str, Any]]) -> SandboxTemplate:
        with self._lock:
            template_id = code if provider == "nhn" else "KA01TP" + uuid.uuid4().hex[:18].upper()
            t = SandboxTemplate(provider, sender_key, template_id, code, name, content, list(buttons))
            self.templates[(sender_key, template_id)] = t
            return t

    def template(self, sender_key: str, template_id: str) -> SandboxTemplate | None:
        return self.templates.get((sender_key, template_id))

    def find(self, code: str, sender_key: str | None = None) -> SandboxTemplate:
        with self._lock:
            rows = [t for t in self.templates.values() if code in (t.code, t.template_id)
                    and sender_key in (None, t.sender_key)]
        if not rows:
            raise KeyError(f"no template {code!r}")
        return max(rows, key=lambda t: t.registered_at)

    def set_state(self, code: str, state: str, reason: str | None = None,
                  sender_key: str | None = None) -> SandboxTemplate:
        if state not in STATES:
            raise ValueError(f"state must be one of {', '.join(STATES)}")
        t = self.find(code, sender_key)
        with self._lock:
            t.state = state
            t.reason = (reason or "템플릿 검수 기준 미충족") if state == "TSC04" else None
        return t

    def set_content(self, code: str, content: str, sender_key: str | None = None) -> SandboxTemplate:
        t = self.find(code, sender_key)
        with self._lock:
            t.content = content
        return t

    # ------------------------------------------------------------------ controls
    def mark_not_kakao(self, number: str) -> list[str]:
        with self._lock:
            self.not_kakao.add(number)
            return sorted(self.not_kakao)

    def fail_next(self, code: str, count: int = 1) -> list[str]:
        with self._lock:
            self.fail_codes.extend([code] * max(1, count))
            return list(self.fail_codes)

    def take_failure(self) -> str | None:
        with self._lock:
            return self.fail_codes.pop(0) if self.fail_codes else None

    def reset(self) -> None:
        with self._lock:
            self.templates.clear()
            self.messages.clear()
            self.answers.clear()
            self.not_kakao.clear()
            self.fail_codes.clear()

    def list_messages(self, site_id: str | None = None) -> list[SandboxAlimtalk]:
        with self._lock:
            rows = [m for m in self.messages if site_id is None or m.site_id == site_id]
        return sorted(rows, key=lambda m: m.received_at, reverse=True)

    # ------------------------------------------------------------------ provider behaviour
    def check(self, sender_key: str, template_id: str, to: str, variables: dict[str, str],
              text: str | None) -> str:
        """The text the recipient gets (the approved template filled), or :class:`Refused`."""
        t = self.template(sender_key, template_id)
        if t is None:
            raise Refused("unknown_template", "Not exist template.")
        if t.state != "TSC03":
            raise Refused("not_approved", "Please check template status.")
        names = list(dict.fromkeys(_PLACEHOLDER.findall(t.content)))
        if any(n not in variables for n in names):
            raise Refused("mismatch", "The contents are not matched to template.")
        filled = _PLACEHOLDER.sub(lambda m: variables[m.group(1)], t.content)
        if text is not None and text != filled:
            raise Refused("mismatch", "The contents are not matched to template.")
        if not _MOBILE.match(to):
            raise Refused("recipient", "Invalid recipientNo.")
        if to in self.not_kakao:
            raise Refused("not_kakao_user", "Not a KakaoTalk user.")
        return filled

    def keep(self, provider: str, key: str | None, site_id: str | None, sender_key: str, template_code: str,
             to: str, text: str, result: str, code: str, detail: str = "") -> SandboxAlimtalk:
        m = SandboxAlimtalk(id=uuid.uuid4().hex[:12], provider=provider, key=key, site_id=site_id,
                            sender_key=sender_key, template_code=template_code, to=to, text=text,
                            received_at=datetime.now(UTC).isoformat(timespec="microseconds"), result=result,
                            code=code, detail=detail)
        with self._lock:
            self.messages.append(m)
        return m

    def page(self, site_id: str | None = None) -> str:
        from oms_local.alimtalk_sandbox_page import render

        return render(self, site_id)


def kst(at: str) -> str:
    return datetime.fromisoformat(at).astimezone(KST).strftime("%Y-%m-%d %H:%M:%S")


def escape(value: object) -> str:
    return html.escape(str(value if value is not None else ""))


def main(argv: list[str] | None = None) -> int:  # pragma: no cover - manual use
    import argparse

    parser = argparse.ArgumentParser(prog="python -m oms_local.alimtalk_sandbox")
    parser.add_argument("--port", type=int, default=3400)
    args = parser.parse_args(argv)
    sb = AlimtalkSandbox(port=args.port).start()
    print(f"알림톡 sandbox on {sb.url} (page: {sb.url}/)")
    return serve_until_interrupted(sb.stop)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
