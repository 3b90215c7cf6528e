"""The HTTP side of the local gateway: API Gateway HTTP API semantics over ``http.server``.

Authorizers (JWT, ``AWS_IAM`` with the local service token), the payload format 2.0 event, response
mapping, and the request handler the gateway serves (one thread per connection; the invocation runs
in a container of the routed function, see :meth:`oms_local.gateway.Gateway.invoke_function`).
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import gzip
import hmac
import json
import logging
import re
import secrets
import socket
import sys
import time
import traceback
import urllib.parse
import uuid
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any

from oms_local import local_routes, tokens
from oms_local.gateway import HandlerError
from oms_local.lambda_context import LOCAL_ACCOUNT_ID

if TYPE_CHECKING:
    from oms_local.gateway import Gateway, Route

log = logging.getLogger("oms_local.gateway")

LOCAL_API_ID = "local"
SERVICE_ROLE_NAME = "checkout-service"
SERVICE_ACCESS_KEY = "ASIALOCALCHECKOUTSVC"
SERVICE_USER_ID = f"AROALOCALCHECKOUTSVC:{SERVICE_ROLE_NAME}"

_TEXT_TYPES = re.compile(
    r"^(text/.*|application/(json|.*\+json|xml|.*\+xml|x-www-form-urlencoded|javascript|graphql|x-ndjson))$"
)

_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "upgrade", "te", "trailer"}

#: answers smaller than this go as they are (CloudFront compresses from 1,000 bytes; the API's own
#: threshold is oms.http.COMPRESS_MIN_BYTES)
COMPRESS_MIN_BYTES = 1024
_COMPRESSIBLE = re.compile(r"^(text/|application/([a-z.+-]*json|javascript|xml)|image/svg\+xml)")


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an ``Accept-Encoding`` value takes gzip (``gzip``, ``gzip;q=0.5``, ``*``; not ``gzip;q=0``)."""
    for part in accept_encoding.lower().split(","):
        name, _, params = part.strip().partition(";")
        if name.strip() in ("gzip", "*"):
            q = params.strip()
            return not (q.startswith("q=") and float(q[2:] or 0) == 0)
    return False


def compressed(body: bytes, headers: list[tuple[str, str]],
               accept_encoding: str) -> tuple[bytes, list[tuple[str, str]]]:
    """The answer gzip-encoded when the client takes gzip, the body is text (HTML, CSS, JS, JSON, SVG) of
    ``COMPRESS_MIN_BYTES`` or more and not encoded already (an API function's own gzip passes as it is).
    Every text answer says ``Vary: Accept-Encoding``, so a cache never hands gzip to a client without it."""
    names = {n.lower(): v for n, v in headers}
    kind = names.get("content-type", "application/json").split(";")[0].strip().lower()
    if not _COMPRESSIBLE.match(kind) or "content-encoding" in names:
        return body, headers
    vary = [] if "vary" in names else [("vary", "accept-encoding")]
    if len(body) < COMPRESS_MIN_BYTES or not accepts_gzip(accept_encoding):
        return body, [*headers, *vary]
    return gzip.compress(body, compresslevel=6, mtime=0), [*headers, ("content-encoding", "gzip"), *vary]


def _stringify_claim(value: Any) -> str:
    """How API Gateway's JWT authorizer passes claims: everything as a string."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + " ".join(_stringify_claim(v) for v in value) + "]"
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def authorize(
    route: Route, headers: Mapping[str, str]
) -> tuple[dict[str, Any] | None, tuple[int, dict[str, str]] | None]:
    """Return (requestContext.authorizer, None) or (None, (status, extra response headers))."""
    auth = route.authorizer
    if auth.kind == "none":
        return None, None
    if auth.kind == "iam":
        value = headers.get("authorization", "")
        scheme, _, presented = value.partition(" ")
        expected = tokens.service_token()
        if scheme.lower() != "bearer" or not hmac.compare_digest(presented.strip(), expected):
            return None, (403, {})
        return {
            "iam": {
                "accessKey": SERVICE_ACCESS_KEY,
                "accountId": LOCAL_ACCOUNT_ID,
                "callerId": SERVICE_USER_ID,
                "cognitoIdentity": None,
                "principalOrgId": None,
                "userArn": f"arn:aws:iam::{LOCAL_ACCOUNT_ID}:role/{SERVICE_ROLE_NAME}",
                "userId": SERVICE_USER_ID,
            }
        }, None
    raw = headers.get(auth.header, "").strip()
    token = raw[7:].strip() if raw[:7].lower() == "bearer " else raw
    if not token:
        return None, (401, {})
    try:
        claims = tokens.verify(token, audience=auth.audiences, issuer=auth.issuers)
    except tokens.TokenError as exc:
        challenge = f'Bearer scope="" error="invalid_token" error_description="{exc}"'
        return None, (401, {"www-authenticate": challenge})
    scopes: list[str] | None = None
    if route.scopes:
        granted = str(claims.get("scope") or claims.get("scp") or "").split()
        if not set(granted) & set(route.scopes):
            return None, (403, {})
        scopes = granted
    claims_as_strings = {k: _stringify_claim(v) for k, v in claims.items()}
    return {"jwt": {"claims": claims_as_strings, "scopes": scopes}}, None

def build_event(
    gateway: Gateway,
    *,
    method: str,
    target: str,
    header_items: list[tuple[str, str]],
    body: bytes,
    source_ip: str,
    protocol: str,
    route: Route,
    path_parameters: dict[str, str],
    authorizer: dict[str, Any] | None,
    request_id: str,
) -> dict[str, Any]:
    raw_path, _, raw_query = target.partition("?")
    headers: dict[str, str] = {}
    for name, value in header_items:
        key = name.lower()
        headers[key] = f"{headers[key]},{value}" if key in headers else value
    cookie_header = headers.pop("cookie", None)
    host = headers.get("host", f"{gateway.host}:{gateway.port}")
    headers.setdefault("x-forwarded-for", source_ip)
    headers.setdefault("x-forwarded-proto", "http")
    headers.setdefault("x-forwarded-port", str(gateway.port))
    headers.setdefault("x-amzn-trace-id", f"Root=1-{int(time.time()):08x}-{secrets.token_hex(12)}")

    query: dict[str, str] = {}
    for key, value in urllib.parse.parse_qsl(raw_query, keep_blank_values=True):
        query[key] = f"{query[key]},{value}" if key in query else value

    now = dt.datetime.now(dt.UTC)
    domain = host.split(":")[0]
    context: dict[str, Any] = {
        "accountId": LOCAL_ACCOUNT_ID,
        "apiId": LOCAL_API_ID,
        "domainName": domain,
        "domainPrefix": domain.split(".")[0],
        "http": {
            "method": method,
            "path": raw_path,
            "protocol": protocol,
            "sourceIp": source_ip,
            "userAgent": headers.get("user-agent", ""),
        },
        "requestId": request_id,
        "routeKey": route.route_key,
        "stage": "$default",
        "time": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
        "timeEpoch": int(now.timestamp() * 1000),
    }
    if authorizer is not None:
        context["authorizer"] = authorizer

    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route.route_key,
        "rawPath": raw_path,
        "rawQueryString": raw_query,
    }
    if cookie_header:
        event["cookies"] = [c.strip() for c in cookie_header.split(";") if c.strip()]
    event["headers"] = headers
    if query:
        event["queryStringParameters"] = query
    event["requestContext"] = context
    if path_parameters:
        event["pathParameters"] = path_parameters
    if body:
        ctype = headers.get("content-type", "").split(";")[0].strip().lower()
        text: str | None = None
        if not ctype or _TEXT_TYPES.match(ctype):
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                text = None
        if text is None:
            event["body"] = base64.b64encode(body).decode("ascii")
            event["isBase64Encoded"] = True
        else:
            event["body"] = text
            event["isBase64Encoded"] = False
    else:
        event["isBase64Encoded"] = False
    return event


def map_response(result: Any) -> tuple[int, list[tuple[str, str]], bytes]:
    """Map a handler's return value to an HTTP response the way API Gateway (format 2.0) does."""
    if not (isinstance(result, dict) and "statusCode" in result):
        body = json.dumps(result, ensure_ascii=False).encode("utf-8")
        return 200, [("content-type", "application/json")], body
    status = int(result["statusCode"])
    if not 100 <= status <= 599:
        raise ValueError(f"invalid statusCode {status}")
    headers: list[tuple[str, str]] = []
    for name, value in (result.get("headers") or {}).items():
        headers.append((str(name), str(value)))
    for name, values in (result.get("multiValueHeaders") or {}).items():
        headers.extend((str(name), str(v)) for v in values)
    headers.extend(("set-cookie", str(c)) for c in result.get("cookies") or [])
    raw = result.get("body")
    if raw is None:
        payload = b""
    elif result.get("isBase64Encoded"):
        payload = base64.b64decode(raw)
    else:
        payload = (raw if isinstance(raw, str) else json.dumps(raw, ensure_ascii=False)).encode("utf-8")
    return status, headers, payload


class RequestHandler(BaseHTTPRequestHandler):
    gateway: Gateway
    protocol_version = "HTTP/1.1"
    server_version = "oms-local-gateway"

    def do_GET(self) -> None:
        self._handle()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        log.debug(format, *args)

    def setup(self) -> None:
        super().setup()
        # an answer is written as its head, then its body: without this the body's small segment waits
        # for the client's delayed ACK of the head (some 40 ms per request on a kept-alive connection)
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    # ------------------------------------------------------------------ helpers

    def _read_body(self) -> bytes:
        if self.headers.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("content-length") or 0)
        return self.rfile.read(length) if length else b""

    def _send(
        self,
        status: int,
        body: bytes,
        headers: list[tuple[str, str]] | None = None,
        request_id: str | None = None,
    ) -> None:
        body, headers = compressed(body, list(headers or []), self.headers.get("accept-encoding") or "")
        self.send_response(status)
        sent = set()
        for name, value in headers:
            if name.lower() in _HOP_BY_HOP or name.lower() == "content-length":
                continue
            self.send_header(name, value)
            sent.add(name.lower())
        if "content-type" not in sent and body:
            self.send_header("content-type", "application/json")
        self.send_header("apigw-requestid", request_id or _request_id())
        if status in (204, 304):  # no body, and no length of one
            self.end_headers()
            return
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _send_json(self, status: int, payload: Any, headers: list[tuple[str, str]] | None = None) -> None:
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        self._send(status, body, [("content-type", "application/json"), *(headers or [])])

    # ------------------------------------------------------------------ dispatch

    def _handle(self) -> None:
        try:
            self._dispatch()
        except Exception:
            sys.stderr.write("gateway error:\n" + traceback.format_exc())
            with contextlib.suppress(Exception):
                self._send(500, b'{"message":"Internal Server Error"}')

    def _dispatch(self) -> None:
        gw = self.gateway
        started = time.monotonic()
        body = self._read_body()
        raw_path = self.path.partition("?")[0]
        method = self.command.upper()

        if method == "GET" and raw_path == "/.well-known/jwks.json":
            self._send_json(200, tokens.jwks())
            return
        if raw_path.startswith("/_local/"):
            local_routes.handle(self, method, raw_path, body)
            return

        found = gw.match_route(method, raw_path)
        if found is None and method in ("GET", "HEAD") and local_routes.serve_console(self, raw_path):
            self._log(method, raw_path, 200, started, "console")
            return
        if found is None:
            self._send_json(404, {"message": "Not Found"})
            self._log(method, raw_path, 404, started, "-")
            return
        route, params = found
        header_items = [(k, v) for k, v in self.headers.items()]
        lowered = {k.lower(): v for k, v in header_items}
        authorizer, denied = authorize(route, lowered)
        request_id = _request_id()
        if denied is not None:
            status, extra = denied
            message = "Unauthorized" if status == 401 else "Forbidden"
            self._send_json(status, {"message": message}, list(extra.items()))
            self._log(method, raw_path, status, started, route.function.logical_id)
            return

        event = build_event(
            gw,
            method=method,
            target=self.path,
            header_items=header_items,
            body=body,
            source_ip=self.client_address[0],
            protocol=self.request_version,
            route=route,
            path_parameters=params,
            authorizer=authorizer,
            request_id=request_id,
        )
        try:
            result = gw.invoke_function(route.function.logical_id, event)
            status, headers, payload = map_response(result)
        except HandlerError as exc:
            cause = exc.__cause__ or exc
            sys.stderr.write(
                f"[{route.function.logical_id}] {route.route_key} failed:\n"
                + "".join(traceback.format_exception(cause))
            )
            self._send(500, b'{"message":"Internal Server Error"}', request_id=request_id)
            self._log(method, raw_path, 500, started, route.function.logical_id)
            return
        except Exception:
            sys.stderr.write(
                f"[{route.function.logical_id}] invalid response for {route.route_key}:\n" + traceback.format_exc()
            )
            self._send(500, b'{"message":"Internal Server Error"}', request_id=request_id)
            self._log(method, raw_path, 500, started, route.function.logical_id)
            return
        self._send(status, payload, headers, request_id=request_id)
        self._log(method, raw_path, status, started, route.function.logical_id)

    def _log(self, method: str, path: str, status: int, started: float, function: str) -> None:
        elapsed_ms = (time.monotonic() - started) * 1000
        log.info("%s %s -> %s (%d ms) [%s]", method, path, status, elapsed_ms, function)


def _request_id() -> str:
    return base64.b32encode(uuid.uuid4().bytes[:10]).decode().rstrip("=")
