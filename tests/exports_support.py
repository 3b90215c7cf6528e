"""Builders for export and order-sheet tests: domain orders with options, payments, formulas."""

from __future__ import annotations

from typing import Any

from oms.domain.order import Option, Order
from tests.shipping_support import domain_order

PAID_AT = "2026-03-02T01:05:00.000000Z"  # 10:05 KST
PAYMENTS = [{"payment_id": "P1", "method": "card", "amount": 77700, "status": "paid", "paid_at": PAID_AT}]


def order_with_options(order_id: str = "20260302-000001", message: str | None = "=1+1") -> Order:
    order = domain_order(order_id)
    order.lines[0].options = [Option("색상", "블랙"), Option("사이즈", "L", 0)]
    order.lines[0].product_name = "@오버핏 티셔츠"
    order.recipient.message = message
    return order


def template(**over: Any) -> dict[str, Any]:
    from oms.services import exports

    t = dict(exports._view(exports.BUILTIN["basic"]))
    t.update(over)
    return t


def exports_call(method: str, path: str, site_id: str, body: Any = None, *, query: dict[str, Any] | None = None,
                 headers: dict[str, str] | None = None) -> tuple[int, Any, dict[str, Any]]:
    """The exports function's handler called in-process: (status, JSON or file bytes or text, headers)."""
    import base64
    import json

    from exports_fn.app import lambda_handler
    from tests.support import ExportsContext, http_event

    resp = lambda_handler(http_event(method, path, body, site_id=site_id, query=query, headers=headers or {}),
                          ExportsContext())
    raw = resp.get("body") or ""
    if resp.get("isBase64Encoded"):
        return resp["statusCode"], base64.b64decode(raw), resp.get("headers") or {}
    try:
        return resp["statusCode"], json.loads(raw) if raw else None, resp.get("headers") or {}
    except json.JSONDecodeError:
        return resp["statusCode"], raw, resp.get("headers") or {}
