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
