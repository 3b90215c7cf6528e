"""What the HTTP sides of the local sandboxes (:mod:`oms_local.pg_sandbox_http`,
:mod:`oms_local.sms_sandbox_http`) share: a request handler answering JSON, and the loop a
sandbox's ``main()`` serves in until Ctrl-C."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from typing import Any


class SandboxHandler(BaseHTTPRequestHandler):
    """HTTP/1.1, no access log; GET and POST both go to ``_handle`` (a subclass's routing)."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._handle()

    do_POST = do_GET

    def _handle(self) -> None:
        raise NotImplementedError

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
        """The request's JSON object (``{}`` without a body or for a body that is not an object)."""
        n = int(self.headers.get("content-length") or 0)
        data = json.loads(self.rfile.read(n) or b"{}") if n else {}
        return data if isinstance(data, dict) else {}


def serve_until_interrupted(stop: Callable[[], None]) -> int:
    """Block (the sandbox serves on its own thread) until Ctrl-C, then ``stop()``; the exit status."""
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        stop()
    return 0
