"""Orders that the single-order status move refuses for distinct reasons, and that route's own answer,
for comparing bulk changes and jobs with it (through the admin API's handler)."""

from __future__ import annotations

from typing import Any

from oms.store import orders
from tests.shipping_support import admin, api_order

TRACKING = {"courier": "CJ", "tracking_no": "631234567890"}


def _ok(status: int, body: Any) -> None:
    assert status == 200, body


def _move_all(site_id: str, oid: str, to: str) -> None:
    _ok(*admin("POST", f"/admin/orders/{oid}/status", site_id,
               {"moves": [{"line_id": li, "to": to} for li in ("L001", "L002")]}))


def tracked(site_id: str) -> str:
    """배송대기 with a tracking number on every line."""
    oid = api_order(site_id)
    _ok(*admin("POST", f"/admin/orders/{oid}/tracking", site_id, {"line_ids": ["L001", "L002"], **TRACKING}))
    return oid


def shipping(site_id: str) -> str:
    """배송중."""
    oid = tracked(site_id)
    _move_all(site_id, oid, "shipping")
    return oid


def cancel_requested(site_id: str) -> str:
    oid = api_order(site_id, ready=False)
    _move_all(site_id, oid, "cancel_requested")
    return oid


def cancelled(site_id: str) -> str:
    """Every line cancelled: the order is closed."""
    oid = cancel_requested(site_id)
    _move_all(site_id, oid, "cancelled")
    return oid


def state(site_id: str, oid: str) -> tuple[int, dict[str, str]]:
    """The order's version and each line's status."""
    order, _ = orders.load_order(site_id, oid)
    return order.version, {line.line_id: line.status.value for line in order.lines}


def single_refusal(site_id: str, oid: str, to: str) -> tuple[str, str]:
    """(code, message_ko) of the single-order route moving every line of ``oid`` to ``to``; refused."""
    order, _ = orders.load_order(site_id, oid)
    status, body = admin("POST", f"/admin/orders/{oid}/status", site_id,
                         {"moves": [{"line_id": line.line_id, "to": to} for line in order.lines]})
    assert status == 422, body
    return str(body["code"]), str(body["message_ko"])
