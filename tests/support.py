"""Helpers for tests: API Gateway HTTP API (2.0) events for the handlers, and order payloads."""

from __future__ import annotations

import json
import uuid
from typing import Any
from urllib.parse import urlencode


def http_event(
    method: str,
    path: str,
    body: Any = None,
    *,
    site_id: str | None = None,
    query: dict[str, Any] | None = None,
    iam: bool = False,
    headers: dict[str, str] | None = None,
    claims: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The event API Gateway sends after its authorizer verified the caller."""
    qs = {k: str(v) for k, v in (query or {}).items() if v is not None}
    authorizer: dict[str, Any] | None = None
    if iam:
        authorizer = {"iam": {"accessKey": "AKIALOCAL", "accountId": "000000000000", "callerId": "checkout",
                              "userArn": "arn:aws:iam::000000000000:role/checkout-service", "userId": "checkout",
                              "principalOrgId": None}}
    elif site_id or claims:
        authorizer = {"jwt": {"claims": claims or {"sub": "admin-1", "site_id": site_id, "role": "admin",
                                                   "name": "관리자", "site_role": "owner"}, "scopes": None}}
    raw = json.dumps(body, ensure_ascii=False) if body is not None and not isinstance(body, str) else body
    return {
        "version": "2.0",
        "routeKey": f"{method} {path}",
        "rawPath": path,
        "rawQueryString": urlencode(qs),
        "headers": {"content-type": "application/json", **(headers or {})},
        "queryStringParameters": qs or None,
        "requestContext": {
            "accountId": "000000000000",
            "apiId": "local",
            "domainName": "127.0.0.1",
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1",
                     "userAgent": "pytest"},
            "requestId": uuid.uuid4().hex,
            "routeKey": f"{method} {path}",
            "stage": "$default",
            "timeEpoch": 0,
            **({"authorizer": authorizer} if authorizer else {}),
        },
        "body": raw,
        "isBase64Encoded": False,
    }


class FakeContext:
    function_name = "OrdersFunction"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:ap-northeast-2:000000000000:function:OrdersFunction"
    memory_limit_in_mb = 512
    aws_request_id = "test"
    log_group_name = "/aws/lambda/OrdersFunction"
    log_stream_name = "test"

    def get_remaining_time_in_millis(self) -> int:
        return 29_000


class ExportsContext(FakeContext):
    function_name = "ExportsFunction"
    invoked_function_arn = "arn:aws:lambda:ap-northeast-2:000000000000:function:ExportsFunction"
    memory_limit_in_mb = 1024
    log_group_name = "/aws/lambda/ExportsFunction"


def call(handler: Any, event: dict[str, Any]) -> tuple[int, Any, dict[str, str]]:
    resp = handler(event, FakeContext())
    body = resp.get("body")
    try:
        parsed = json.loads(body) if body else None
    except json.JSONDecodeError:
        parsed = body
    return resp["statusCode"], parsed, resp.get("headers") or {}


def fund_points(site_id: str, amount: int, member_id: str = "m-100") -> None:
    """Give a member points (a manual ledger entry), e.g. before an order that uses them."""
    from oms.domain.clock import iso, utcnow
    from oms.store import points

    at = iso(utcnow())
    points.commit_entries(site_id, member_id, [points.entry_item(
        site_id, member_id, at=at, ref=f"manual#{uuid.uuid4().hex[:8]}", kind="manual", amount=amount,
        reason="테스트 지급", by="test")], at)


def order_payload(site_id: str, **over: Any) -> dict[str, Any]:
    """A typical paid card order: 2 lines, a coupon and points to allocate, prepaid shipping. The
    points leave the member's ledger at intake: the member needs them (``standard_buyer_points``)."""
    body: dict[str, Any] = {
        "site_id": site_id,
        "checkout_id": uuid.uuid4().hex,
        "channel": "store",
        "scope": "domestic",
        "buyer": {"name": "김민지", "phone": "010-1234-5678", "email": "minji@example.com", "member_id": "m-100"},
        "recipient": {"name": "김민지", "phone": "010-1234-5678", "postal_code": "04524",
                      "address1": "서울특별시 중구 세종대로 110", "address2": "3층"},
        "lines": [
            {"product_code": "TEE-01", "product_name": "오버핏 티셔츠", "quantity": 3, "unit_price": 19900,
             "options": [{"name": "색상", "value": "블랙"}, {"name": "사이즈", "value": "L", "price": 1000}],
             "combination": True},
            {"product_code": "CAP-02", "product_name": "볼캡", "quantity": 1, "unit_price": 15000},
        ],
        "coupon_discount": 3000,
        "points_used": 1000,
        "shipping_fee": 3000,
        "payment": {"method": "card", "amount": 0, "provider": "toss"},
    }
    body.update(over)
    if body["payment"].get("amount") == 0 and "payment" not in over:
        gross = sum((li["unit_price"] + sum(o.get("price", 0) for o in li.get("options", []))) * li["quantity"]
                    - li.get("product_discount", 0) for li in body["lines"])
        fee = 0 if body.get("shipping_fee_cod") else body["shipping_fee"]
        body["payment"]["amount"] = gross - body["coupon_discount"] - body["points_used"] + fee
    return body


def as_guest(body: dict[str, Any], name: str, phone: str) -> dict[str, Any]:
    """The payload bought by a guest: guests use no points, so the points become part of the payment."""
    body["buyer"] = {"name": name, "phone": phone, "member_id": None}
    body["payment"]["amount"] += body["points_used"]
    body["points_used"] = 0
    return body


def template_bucket(logical_id: str) -> str:
    """The local name of a bucket of template.yaml (what the functions' environment names)."""
    from oms_local.intrinsics import Intrinsics, bucket_name
    from oms_local.template import load_template

    return bucket_name(Intrinsics(load_template(), "-", {}), logical_id)


#: the buckets the functions use, as their template environment names them
INVOICE_BUCKET = "oms-invoices-000000000000-ap-northeast-2"
EXPORT_BUCKET = "oms-exports-000000000000-ap-northeast-2"
JOBS_QUEUE_NAME = "oms-local-jobsqueue"
