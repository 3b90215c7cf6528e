"""Builders for shipping tests: orders in 배송대기, through the pure domain or the admin API."""

from __future__ import annotations

from typing import Any

from oms.domain.moves import Move, apply_moves
from oms.domain.order import Actor, Buyer, Order, Recipient
from oms.domain.pricing import LineInput, build_order
from oms.domain.statuses import Channel, DeliveryScope, PaymentMethod, ProductKind, Status
from tests.support import call, http_event, order_payload

ADMIN = Actor("admin", "admin-1", "관리자")
AT = "2026-03-02T01:00:00.000000Z"


def domain_order(order_id: str = "20260302-000001", *, method: str = "parcel", ready: bool = True,
                 buyer_phone: str = "010-1234-5678", address2: str = "3층", site_id: str = "s1") -> Order:
    order = build_order(
        site_id=site_id, order_id=order_id, created_at=AT, channel=Channel.STORE,
        payment_method=PaymentMethod.CARD, scope=DeliveryScope.DOMESTIC,
        buyer=Buyer("김민지", buyer_phone, member_id="m-1"),
        recipient=Recipient("김민지", buyer_phone, "04524", "서울특별시 중구 세종대로 110", address2),
        lines=[LineInput("TEE-01", "티셔츠", ProductKind.PHYSICAL, 3, 19900),
               LineInput("CAP-02", "볼캡", ProductKind.PHYSICAL, 1, 15000)],
        shipping_fee=3000, shipping_fee_cod=False, coupon_total=0, points_total=0, paid=True,
    )
    order.shipping_method = method  # type: ignore[assignment]
    order.version = 1
    if ready:
        change = apply_moves(order, [Move("L001", Status.READY_TO_SHIP), Move("L002", Status.READY_TO_SHIP)],
                             ADMIN, AT)
        order = change.order
    return order


def api_order(site_id: str, *, ready: bool = True, **over: Any) -> str:
    """Create an order through intake and (optionally) move every line to 배송대기; returns its id."""
    from admin_api.app import lambda_handler

    status, body, _ = call(lambda_handler, http_event("POST", "/intake/orders", order_payload(site_id, **over),
                                                      iam=True))
    assert status in (200, 201), body
    oid = str(body["order_id"])
    if ready:
        status, body, _ = call(lambda_handler, http_event(
            "POST", "/admin/orders/bulk/status", {"order_ids": [oid], "to": "ready_to_ship"}, site_id=site_id))
        assert status == 200 and body["done"] == 1, body
    return oid


def admin(method: str, path: str, site_id: str, body: Any = None, query: dict[str, Any] | None = None
          ) -> tuple[int, Any]:
    from admin_api.app import lambda_handler

    status, payload, _ = call(lambda_handler, http_event(method, path, body, site_id=site_id, query=query))
    return status, payload
