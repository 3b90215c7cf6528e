"""Every HTTP route of every function, read from the resolvers' OpenAPI documents (plus the webhook
function, a plain handler), with the caller each route expects and an event builder for it."""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from urllib.parse import quote, urlencode

from tests.support import FakeContext

METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class ApiRoute:
    function: str                 # template logical id
    method: str
    path: str                     # OpenAPI form: /admin/orders/{order_id}
    caller: str                   # admin | service | member | guest | public
    path_params: tuple[str, ...]
    query_params: tuple[tuple[str, dict[str, Any]], ...] = field(default=())
    body_schema: dict[str, Any] | None = None   # JSON schema, $refs resolved against ``components``
    components: dict[str, Any] | None = field(default=None, compare=False, hash=False)

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"


def _caller(path: str) -> str:
    if path.startswith("/intake/"):
        return "service"
    if path.startswith("/buyer/guest/orders/"):
        return "guest"
    if path.startswith(("/buyer/guest/session", "/buyer/guest/.well-known", "/webhooks/")):
        return "public"
    if path.startswith("/buyer/"):
        return "member"
    return "admin"


def _apps() -> list[tuple[str, Any, Any]]:
    from admin_api import app as admin
    from buyer_api import app as buyer
    from exports_fn import app as exports
    from invoices_fn import handler as invoices

    return [("OrdersFunction", admin.app, admin.lambda_handler),
            ("BuyerFunction", buyer.app, buyer.lambda_handler),
            ("InvoicesFunction", invoices.app, invoices.lambda_handler),
            ("ExportsFunction", exports.app, exports.lambda_handler)]


@cache
def handlers() -> dict[str, Any]:
    from webhooks_api.app import lambda_handler as webhooks
    from webhooks_api.tracking import lambda_handler as courier_events

    out = {name: handler for name, _, handler in _apps()}
    out["WebhooksFunction"], out["TrackingWebhooksFunction"] = webhooks, courier_events
    return out


@cache
def routes() -> tuple[ApiRoute, ...]:
    found: list[ApiRoute] = []
    for name, app, _ in _apps():
        doc = json.loads(app.get_openapi_json_schema())
        components = doc.get("components", {}).get("schemas", {})
        for path, ops in doc["paths"].items():
            for method, op in ops.items():
                if method not in METHODS:
                    continue
                params = op.get("parameters", [])
                body = op.get("requestBody")
                found.append(ApiRoute(
                    function=name, method=method.upper(), path=path, caller=_caller(path),
                    path_params=tuple(p["name"] for p in params if p["in"] == "path"),
                    query_params=tuple((p["name"], p.get("schema", {})) for p in params if p["in"] == "query"),
                    body_schema=body["content"]["application/json"]["schema"] if body else None,
                    components=components,
                ))
    found.append(ApiRoute("WebhooksFunction", "POST", "/webhooks/{provider}", "public", ("provider",),
                          body_schema={"type": "object"}))
    found.append(ApiRoute("TrackingWebhooksFunction", "POST", "/webhooks/tracking/{provider}", "public", ("provider",),
                          body_schema={"type": "object"}))
    return tuple(sorted(found, key=lambda r: (r.function, r.path, r.method)))


def fill(path: str, values: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: quote(values[m.group(1)], safe="", errors="surrogatepass"), path)


def claims_for(caller: str, site_id: str, *, member_id: str = "m-100", order_id: str = "") -> dict[str, Any] | None:
    if caller == "admin":
        return {"sub": "admin-1", "site_id": site_id, "role": "admin", "name": "관리자", "site_role": "owner"}
    if caller == "member":
        return {"sub": member_id, "site_id": site_id, "role": "buyer", "member_id": member_id}
    if caller == "guest":
        return {"sub": f"guest:{order_id}", "site_id": site_id, "role": "buyer", "order_id": order_id}
    return None


def event(route: ApiRoute, path: str, *, claims: dict[str, Any] | None, body: Any = None, raw_body: str | None = None,
          query: dict[str, str] | None = None, path_values: dict[str, str] | None = None) -> dict[str, Any]:
    """The API Gateway HTTP API (2.0) event for one call of ``route`` (after its authorizer)."""
    authorizer: dict[str, Any] | None = None
    if route.caller == "service":
        authorizer = {"iam": {"accessKey": "AKIALOCAL", "accountId": "000000000000", "callerId": "checkout",
                              "userArn": "arn:aws:iam::000000000000:role/checkout-service", "userId": "checkout",
                              "principalOrgId": None}}
    elif claims is not None:
        authorizer = {"jwt": {"claims": claims, "scopes": None}}
    text = raw_body if raw_body is not None else (json.dumps(body, ensure_ascii=False) if body is not None else None)
    route_key = f"{route.method} {route.path}"
    return {
        "version": "2.0", "routeKey": route_key, "rawPath": path,
        "rawQueryString": urlencode(query or {}, errors="surrogatepass"),
        "headers": {"content-type": "application/json"},
        "queryStringParameters": query or None,
        "pathParameters": path_values or None,
        "requestContext": {
            "accountId": "000000000000", "apiId": "local", "domainName": "127.0.0.1",
            "http": {"method": route.method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1",
                     "userAgent": "pytest"},
            "requestId": uuid.uuid4().hex, "routeKey": route_key, "stage": "$default", "timeEpoch": 0,
            **({"authorizer": authorizer} if authorizer else {}),
        },
        "body": text, "isBase64Encoded": False,
    }


def invoke(route: ApiRoute, ev: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
    resp = handlers()[route.function](ev, FakeContext())
    headers = {k.lower(): v for k, v in (resp.get("headers") or {}).items()}
    body = resp.get("body")
    parsed: Any = body
    if body and not resp.get("isBase64Encoded"):
        try:
            parsed = json.loads(body)
        except json.JSONDecodeError:
            parsed = body
    return int(resp["statusCode"]), headers, parsed
