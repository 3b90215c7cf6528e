"""A local webhook receiver (the integrator's side): register ``<its url>/hooks/<any name>`` as a
site's webhook endpoint and every signed order event the relay posts lands here.

- ``POST /hooks/<name>``: a delivery. Kept with its ``webhook-*`` headers and body, and checked with
  the Standard Webhooks verifier when the endpoint's secret was given (``/_sandbox/secrets``).
  Answers 204, or what ``fail-next`` asked for.
- ``GET /`` (``?path=/hooks/<name>``): the page of what was received, newest first, with a button
  that makes the next delivery answer 500.
- ``GET /_sandbox/received?path=``: the same as JSON.
- ``POST /_sandbox/secrets`` ``{"path", "secret"}``: the endpoint's signing secret (to verify).
- ``POST /_sandbox/fail-next`` ``{"status": 500, "count": 1}``: the next deliveries answer ``status``
  (``0`` drops the connection without answering).
- ``POST /_sandbox/reset``: forget everything.

Run alone: ``python -m oms_local.webhook_sandbox --port 3300`` (``make run`` starts it too).
"""

from __future__ import annotations

import argparse
import html
import json
import threading
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from oms_local.background import BackgroundServer
from oms_local.sandbox_http import SandboxHandler, serve_until_interrupted


@dataclass
class Received:
    id: str
    at: str
    path: str
    webhook_id: str
    timestamp: str
    signature: str
    body: Any
    answered: int
    verified: bool | None = None  # None: no secret given for the path
    types: list[str] = field(default_factory=list)


class WebhookSandbox(BackgroundServer):
    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        BackgroundServer.__init__(self)
        self.host, self.port = host, port
        self.lock = threading.Lock()
        self.received: list[Received] = []
        self.secrets: dict[str, str] = {}
        self.failures: list[int] = []

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> WebhookSandbox:
        handler = type("_BoundWebhookHandler", (Handler,), {"sandbox": self})
        self.serve(handler, "webhook-sandbox")
        return self

    def endpoint(self, name: str) -> str:
        return f"{self.url}/hooks/{name}"

    def set_secret(self, path: str, secret: str) -> None:
        with self.lock:
            self.secrets[path] = secret

    def fail_next(self, status: int, count: int = 1) -> list[int]:
        with self.lock:
            self.failures = [status] * count
            return list(self.failures)

    def reset(self) -> None:
        with self.lock:
            self.received.clear()
            self.secrets.clear()
            self.failures.clear()

    def take_failure(self) -> int | None:
        with self.lock:
            return self.failures.pop(0) if self.failures else None

    def list_received(self, path: str | None = None) -> list[Received]:
        with self.lock:
            return [r for r in reversed(self.received) if path is None or r.path == path]

    def keep(self, path: str, headers: dict[str, str], raw: bytes, answered: int) -> Received:
        from oms.integrations.pg import standard_webhooks
        from oms.integrations.pg.base import WebhookRejected

        try:
            body: Any = json.loads(raw or b"null")
        except ValueError:
            body = raw.decode("utf-8", "replace")
        secret = self.secrets.get(path)
        verified: bool | None = None
        if secret:
            try:
                standard_webhooks.verify([secret], headers, raw, datetime.now(UTC))
                verified = True
            except WebhookRejected:
                verified = False
        types = [str(e.get("type")) for e in body.get("events", [])] if isinstance(body, dict) else []
        r = Received(uuid.uuid4().hex[:12], datetime.now(UTC).isoformat(), path, headers.get("webhook-id", ""),
                     headers.get("webhook-timestamp", ""), headers.get("webhook-signature", ""), body, answered,
                     verified, types)
        with self.lock:
            self.received.append(r)
            del self.received[:-500]
        return r

    def page(self, path: str | None = None) -> str:
        rows = "".join(
            f"<tr><td>{html.escape(r.at[:19])}</td><td>{html.escape(r.path)}</td><td>{r.answered}</td>"
            f"<td>{'-' if r.verified is None else '서명 일치' if r.verified else '서명 불일치'}</td>"
            f"<td>{html.escape(', '.join(r.types))}</td><td><code>{html.escape(r.webhook_id)}</code></td>"
            f"<td><pre>{html.escape(json.dumps(r.body, ensure_ascii=False, indent=1)[:2000])}</pre></td></tr>"
            for r in self.list_received(path))
        pending = len(self.failures)
        return (
            "<!doctype html><meta charset=utf-8><title>웹훅 수신 샌드박스</title>"
            "<h1>웹훅 수신 샌드박스</h1>"
            f"<p>엔드포인트: <code>{html.escape(self.url)}/hooks/&lt;이름&gt;</code> · "
            f"다음 요청 실패 예정: {pending}건</p>"
            "<button id=fail500 onclick=\"fetch('/_sandbox/fail-next',{method:'POST',"
            "body:JSON.stringify({status:500,count:1})}).then(()=>location.reload())\">다음 요청에 500 응답</button> "
            "<button id=reset onclick=\"fetch('/_sandbox/reset',{method:'POST'}).then(()=>location.reload())\">"
            "초기화</button>"
            "<table border=1 cellpadding=4><tr><th>받은 시각 (UTC)</th><th>경로</th><th>응답</th><th>서명</th>"
            f"<th>이벤트</th><th>webhook-id</th><th>본문</th></tr>{rows}</table>")


class Handler(SandboxHandler):
    sandbox: WebhookSandbox

    def _handle(self) -> None:
        sb = self.sandbox
        path, _, query = self.path.partition("?")
        params = dict(p.split("=", 1) for p in query.split("&") if "=" in p)
        if path.startswith("/hooks/") and self.command == "POST":
            n = int(self.headers.get("content-length") or 0)
            raw = self.rfile.read(n) if n else b""
            status = sb.take_failure()
            if status == 0:
                self.close_connection = True
                return
            answered = status or 204
            sb.keep(path, {k.lower(): v for k, v in self.headers.items()}, raw, answered)
            if answered == 204:
                self.send_response(204)
                self.send_header("content-length", "0")
                self.end_headers()
            else:
                self._json(answered, {"error": "sandbox: answered as asked"})
            return
        try:
            if path in ("/", "/received") and self.command == "GET":
                self._send(200, sb.page(params.get("path")).encode(), "text/html; charset=utf-8")
            elif path == "/_sandbox/received" and self.command == "GET":
                self._json(200, [asdict(r) for r in sb.list_received(params.get("path"))])
            elif path == "/_sandbox/secrets" and self.command == "POST":
                body = self._body()
                sb.set_secret(str(body["path"]), str(body["secret"]))
                self._json(200, {"path": body["path"]})
            elif path == "/_sandbox/fail-next" and self.command == "POST":
                body = self._body()
                self._json(200, {"pending": sb.fail_next(int(body.get("status", 500)), int(body.get("count", 1)))})
            elif path == "/_sandbox/reset" and self.command == "POST":
                sb.reset()
                self._json(200, {"reset": True})
            else:
                self._json(404, {"message": "no such path"})
        except (ValueError, KeyError, TypeError) as exc:
            self._json(400, {"message": str(exc)})


def main(argv: list[str] | None = None) -> int:  # pragma: no cover - manual use
    parser = argparse.ArgumentParser(prog="python -m oms_local.webhook_sandbox")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=3300)
    args = parser.parse_args(argv)
    sb = WebhookSandbox(args.host, args.port).start()
    print(f"webhook receiver sandbox on {sb.url} (endpoints {sb.url}/hooks/<name>)", flush=True)
    return serve_until_interrupted(sb.stop)


if __name__ == "__main__":
    raise SystemExit(main())
