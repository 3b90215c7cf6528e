"""HTTP side of the Naver sandbox (:mod:`oms_local.naver_sandbox`): the gateway (outages, bearer
tokens, the rate limit), the provider API's routes, the page and the ``/_sandbox`` controls."""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Callable
from typing import Any

from oms_local.naver_sandbox import NaverSandbox
from oms_local.naver_sandbox_api import CLAIM_OPS, Answer, error
from oms_local.sandbox_http import SandboxHandler

ORDERS = ["external", "v1", "pay-order", "seller", "product-orders"]
TOKEN = ["external", "v1", "oauth2", "token"]
#: control → (the sandbox method, the body fields it takes besides productOrderId)
MOVES: dict[str, tuple[str, tuple[str, ...]]] = {
    "cancel-request": ("cancel_request", ("reason", "detail", "at")),
    "return-request": ("return_request", ("reason", "detail", "at")),
    "exchange-request": ("exchange_request", ("reason", "detail", "at")),
    "cancel-done": ("cancel_done", ("at",)), "collect-done": ("collect_done", ("at",)),
    "return-done": ("return_done", ("at",)), "withdraw": ("withdraw", ("at",)),
    "delivered": ("delivered", ("at",)), "decide": ("decide", ("at",)),
    "address": ("change_address", ("name", "phone", "zip_code", "address1", "address2", "memo", "at")),
}


class Handler(SandboxHandler):
    sandbox: NaverSandbox

    def _read(self) -> tuple[dict[str, Any], bool]:
        """The body (JSON object or form) and whether it was a form."""
        n = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(n) if n else b""
        if "json" in (self.headers.get("content-type") or ""):
            data = json.loads(raw or b"{}")
            return (data if isinstance(data, dict) else {}), False
        form = "x-www-form-urlencoded" in (self.headers.get("content-type") or "")
        return {k: v[0] for k, v in urllib.parse.parse_qs(raw.decode()).items()}, form

    def _reply(self, answer: Answer, headers: dict[str, str] | None = None) -> None:
        status, body = answer
        data = json.dumps(body, ensure_ascii=False, default=str).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json; charset=utf-8")
        self.send_header("content-length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def _handle(self) -> None:
        sb = self.sandbox
        split = urllib.parse.urlsplit(self.path)
        query = {k: v[0] for k, v in urllib.parse.parse_qs(split.query).items()}
        parts = [urllib.parse.unquote(p) for p in split.path.strip("/").split("/") if p]
        try:
            body, form = self._read() if self.command == "POST" else ({}, False)
        except (ValueError, UnicodeDecodeError):
            self._reply(error(400, "4000", "요청 본문을 읽을 수 없습니다."))
            return
        try:
            if not parts:
                self._send(200, sb.page().encode(), "text/html; charset=utf-8")
            elif parts[0] == "_sandbox":
                self._control(sb, parts[1:], body, form)
            elif parts[0] == "external":
                self._provider(sb, split.path, parts, query, body)
            else:
                self._reply(error(404, "NotFound", "no such path"))
        except (ValueError, KeyError, TypeError) as exc:
            self._reply(error(400, "4000", f"잘못된 요청입니다: {exc}"))

    # ------------------------------------------------------------------------------------ provider
    def _route(self, parts: list[str]) -> tuple[str, str, Callable[[dict[str, str], dict[str, Any]], Answer]] | None:
        """(method, the API's path template, the operation) of a provider path; None = no such API."""
        sb = self.sandbox
        if parts[: len(ORDERS)] != ORDERS:
            return None
        rest = parts[len(ORDERS):]
        base = "/v1/pay-order/seller/product-orders"
        if rest == ["last-changed-statuses"]:
            return "GET", f"{base}/last-changed-statuses", lambda q, b: sb.feed(q)
        if rest == ["query"]:
            return "POST", f"{base}/query", lambda q, b: sb.query(b)
        if rest == ["dispatch"]:
            return "POST", f"{base}/dispatch", lambda q, b: sb.dispatch(b)
        if len(rest) >= 2 and rest[0].isdigit():
            pid, op = rest[0], "/".join(rest[1:])
            if op == "delay":
                return "POST", f"{base}/{{productOrderId}}/delay", lambda q, b: sb.delay(pid, b)
            if op in CLAIM_OPS:
                return "POST", f"{base}/{{productOrderId}}/{op}", lambda q, b: sb.claim_op(pid, op, b)
        return None

    def _provider(self, sb: NaverSandbox, path: str, parts: list[str], query: dict[str, str],
                  body: dict[str, Any]) -> None:
        sb.record(self.command, path)
        if sb.take_outage():
            self._reply(error(503, "GW.UNAVAILABLE", "일시적인 내부 시스템 오류입니다. 잠시 후 다시 시도하세요."))
            return
        if parts == TOKEN:
            if self.command != "POST":
                self._reply(error(405, "MethodNotAllowed", "POST only"))
                return
            passed, headers = sb.take(str(body.get("client_id") or "-"), "/v1/oauth2/token")
            if not passed:
                self._reply(error(429, "GW.RATE_LIMIT", "요청이 너무 많습니다. 잠시 후 다시 시도하세요."), headers)
                return
            self._reply(sb.issue_token({k: str(v) for k, v in body.items()}), headers)
            return
        route = self._route(parts)
        if route is None:
            self._reply(error(404, "NotFound", "요청한 API를 찾을 수 없습니다."))
            return
        method, api, operation = route
        if self.command != method:
            self._reply(error(405, "MethodNotAllowed", f"{method} only"))
            return
        client = sb.authenticate(self.headers.get("authorization") or "")
        if client is None:
            self._reply(error(401, "GW.AUTHN", "요청을 보낼 권한이 없습니다."))
            return
        passed, headers = sb.take(client, api)
        if not passed:
            self._reply(error(429, "GW.RATE_LIMIT", "요청이 너무 많습니다. 잠시 후 다시 시도하세요."), headers)
            return
        self._reply(operation(query, body), headers)

    # ------------------------------------------------------------------------------------ controls
    def _control(self, sb: NaverSandbox, parts: list[str], body: dict[str, Any], form: bool) -> None:
        name = "/".join(parts)
        if self.command == "GET":
            views: dict[str, Callable[[], Any]] = {
                "product-orders": sb.product_orders, "changes": sb.change_rows,
                "calls": lambda: [list(c) for c in sb.calls], "dispatched": lambda: sb.dispatched,
                "delays": lambda: sb.delays}
            if name in views:
                self._json(200, views[name]())
            else:
                self._json(404, {"message": "unknown control"})
            return
        result: Any
        if name == "orders":
            order_id, ids = sb.place(body.get("items") or None, buyer=body.get("buyer") or None,
                                     receiver=body.get("receiver") or None,
                                     delivery_fee=int(body.get("delivery_fee", 3000)),
                                     status=str(body.get("status") or "PAYED"),
                                     payment_means=str(body.get("payment_means") or ""),
                                     memo=str(body.get("memo") or ""), at=body.get("at") or None)
            result = {"orderId": order_id, "productOrderIds": ids}
        elif name == "pay":
            sb.pay(str(body["orderId"]), body.get("at") or None)
            result = {"paid": body["orderId"]}
        elif name in MOVES:
            method, fields = MOVES[name]
            kwargs = {f: str(body[f]) for f in fields if body.get(f) not in (None, "")}
            got = getattr(sb, method)(str(body["productOrderId"]), **kwargs)
            result = {"productOrderId": body["productOrderId"], "moved": got if isinstance(got, list) else True}
        elif name == "outage":
            sb.outage(int(body.get("count", -1)))
            result = {"outage": sb.outages}
        elif name == "expire-tokens":
            sb.expire_tokens()
            result = {"expired": True}
        elif name == "refuse-tracking":
            sb.refuse_tracking(str(body["trackingNumber"]))
            result = {"refused": sorted(sb.refused)}
        elif name == "rate":
            sb.set_rate(float(body["rate_per_second"]))
            result = {"rate_per_second": sb.rate_per_second}
        elif name == "reset":
            sb.reset()
            result = {"reset": True}
        else:
            self._json(404, {"message": "unknown control"})
            return
        if form:
            self.send_response(303)
            self.send_header("location", "/")
            self.send_header("content-length", "0")
            self.end_headers()
        else:
            self._json(200, result)
