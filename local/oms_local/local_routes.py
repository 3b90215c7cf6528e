"""The local gateway's extras, which API Gateway does not have: the admin console's files at ``/``
(:mod:`oms_local.console`) and the ``/_local/…`` routes (list and invoke functions, the console's dev
sign-in, hooks such as ``/_local/schedules``). Called by :class:`oms_local.http_api.RequestHandler`.
"""

from __future__ import annotations

import json
import sys
import traceback
import urllib.parse
from typing import TYPE_CHECKING

from oms_local import console
from oms_local.gateway import HandlerError

if TYPE_CHECKING:
    from oms_local.http_api import RequestHandler


def serve_console(handler: RequestHandler, raw_path: str) -> bool:
    """The admin console's files and its configuration (:mod:`oms_local.console`)."""
    if raw_path == "/config.json":
        handler._send(200, console.config_body(handler.gateway.url),
                   [("content-type", "application/json"), ("cache-control", "no-store")])
        return True
    found = console.static_file(handler.gateway.console_dir, urllib.parse.unquote(raw_path))
    if found is None:
        return False
    payload, kind = found
    tag = console.etag(payload)
    headers = [("content-type", kind), ("cache-control", "no-cache"), ("etag", tag),
               ("x-content-type-options", "nosniff")]
    asked = handler.headers.get("if-none-match") or ""
    if tag in (t.strip() for t in asked.split(",")) or asked.strip() == "*":
        handler._send(304, b"", headers)  # the browser's copy is current: no body
        return True
    handler._send(200, payload, headers)
    return True


def handle(handler: RequestHandler, method: str, raw_path: str, body: bytes) -> None:
    """``/_local/…``: functions, invoke, dev-token and the hooks other parts register (schedules)."""
    gw = handler.gateway
    parts = raw_path.strip("/").split("/")
    if method == "POST" and parts == ["_local", "dev-token"]:
        try:
            payload = json.loads(body or b"{}")
        except (json.JSONDecodeError, UnicodeDecodeError):
            payload = None
        status, answer = console.dev_token(payload if isinstance(payload, dict) else {})
        handler._send_json(status, answer, [("cache-control", "no-store")])
        return
    if method == "GET" and parts == ["_local", "functions"]:
        handler._send_json(
            200,
            {
                fid: {"handler": fn.handler, "codeUri": str(fn.code_dir), "events": fn.events}
                for fid, fn in gw.functions.items()
            },
        )
        return
    if method == "POST" and len(parts) == 3 and parts[1] == "invoke":
        logical_id = parts[2]
        if logical_id not in gw.functions:
            handler._send_json(404, {"message": f"no function {logical_id}"})
            return
        try:
            event = json.loads(body or b"{}")
        except json.JSONDecodeError as exc:
            handler._send_json(400, {"message": f"event is not JSON: {exc}"})
            return
        try:
            result = gw.invoke_function(logical_id, event)
        except HandlerError as exc:
            cause = exc.__cause__ or exc
            sys.stderr.write("".join(traceback.format_exception(cause)))
            handler._send_json(
                200,
                {
                    "errorMessage": str(cause),
                    "errorType": type(cause).__name__,
                    "stackTrace": getattr(cause, "stack", "").splitlines(keepends=True)
                    or traceback.format_tb(cause.__traceback__),
                },
                [("x-amz-function-error", "Unhandled")],
            )
            return
        handler._send_json(200, result)
        return
    hook = gw.local_hooks.get(parts[1] if len(parts) > 1 else "")
    if hook is not None:
        payload = json.loads(body or b"{}") if method != "GET" else {}
        if isinstance(payload, dict) and len(parts) > 2:
            payload.setdefault("_path", parts[2:])  # e.g. /_local/schedules/{LogicalId}
        handler._send_json(200, hook(gw, payload))
        return
    handler._send_json(404, {"message": "Not Found"})

