"""Shipping use cases: tracking numbers by hand, bulk 배송없음 → 배송완료, combined shipping (합배송)."""

from __future__ import annotations

import secrets
from typing import Any

from oms.domain import couriers
from oms.domain import shipping as rules
from oms.domain.clock import iso, utcnow
from oms.domain.order import Actor, Order
from oms.schemas.orders import BulkResult
from oms.schemas.shipping import BulkOrdersIn, CombinedIn, TrackingIn
from oms.services.orders import Committed, run_bulk, run_change
from oms.store import orders
from oms.store import shipping as ship_store


def tracking(site_id: str, order_id: str, body: TrackingIn, actor: Actor) -> Committed:
    """One endpoint for the detail and the list row: add/change (``set``) or ``remove``."""
    if body.action == "remove":
        return run_change(
            site_id, order_id, actor,
            lambda o, at: rules.remove_tracking(o, body.line_ids, actor=actor, at=at),
            expected_version=body.expected_version, action="tracking_remove")
    return run_change(
        site_id, order_id, actor,
        lambda o, at: rules.set_tracking(o, body.line_ids, courier=body.courier, tracking_no=body.tracking_no,
                                         method=body.method, actor=actor, at=at),
        expected_version=body.expected_version, action="tracking_set")


def shipments_view(order: Order) -> list[dict[str, Any]]:
    from oms.services.tracking import site_tracking
    from oms.services.tracking_issues import shipment_tracking

    provider = site_tracking(order.site_id).provider if any(s.tracking for s in order.shipments.values()) else None
    out = []
    for s in order.shipments.values():
        c = couriers.BY_CODE.get(s.courier or "")
        out.append({
            "shipment_id": s.shipment_id, "method": s.method, "method_ko": rules.METHOD_KO[s.method],
            "courier": s.courier, "courier_name": c.name_ko if c else None, "tracking_no": s.tracking_no,
            "tracking_url": c.url_for(s.tracking_no) if c and s.tracking_no else None,
            "combined_group": s.combined_group, "created_at": s.created_at,
            "tracking": shipment_tracking(s, provider),
            "line_ids": [line.line_id for line in order.lines if line.shipment_id == s.shipment_id],
        })
    return out


def get_shipments(site_id: str, order_id: str) -> dict[str, Any]:
    order = orders.load(site_id, order_id)
    return {
        "order_id": order.order_id, "scope": order.scope.value, "shipping_method": order.shipping_method,
        "shipments": shipments_view(order),
        "lines": [{"line_id": line.line_id, "status": line.status.value, "quantity": line.quantity,
                   "method": rules.method_of(order, line), "shipment_id": line.shipment_id,
                   "tracking_no": order.tracking_of(line)} for line in order.lines],
    }


def bulk_deliver_no_shipping(site_id: str, body: BulkOrdersIn, actor: Actor) -> list[BulkResult]:
    """배송없음 units of up to 50 orders walked to 배송완료, one transaction per order."""
    return run_bulk(site_id, body.order_ids, actor, lambda o, at: rules.deliver_no_shipping(o, actor, at),
                    "bulk_deliver_no_shipping")


def combine(site_id: str, body: CombinedIn, actor: Actor) -> dict[str, Any]:
    """합배송: one shipment and tracking number over lines of several orders, in one transaction."""
    loaded = [(orders.load(site_id, o.order_id), o.line_ids) for o in body.orders]
    group = "CG" + secrets.token_hex(5).upper()
    at = iso(utcnow())
    changes = rules.combine(loaded, courier=body.courier, tracking_no=body.tracking_no, method=body.method,
                            group_id=group, actor=actor, at=at)
    ship_store.save_many([(before, change) for (before, _), change in zip(loaded, changes, strict=True)])
    return {"combined_group": group, "tracking_no": changes[0].events[0].data["tracking_no"],
            "orders": [{"order_id": c.order.order_id, "shipments": shipments_view(c.order)} for c in changes]}


def courier_catalog() -> list[dict[str, object]]:
    return couriers.catalog()
