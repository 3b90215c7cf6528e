"""Shared steps of the confirmation/points tests: take in an order, walk units to delivered at a given time."""

from __future__ import annotations

from typing import Any

from oms.domain.moves import Move, apply_moves
from oms.domain.order import Actor
from oms.domain.statuses import Status
from oms.schemas.orders import IntakeOrderIn
from oms.services import intake
from oms.services.orders import commit
from oms.store import orders
from tests.support import order_payload

ADMIN = Actor("admin", "admin-1", "관리자")


def take_in(site_id: str, **over: Any) -> str:
    order_id, _ = intake.create_order(IntakeOrderIn.model_validate(order_payload(site_id, **over)))
    return order_id


def move(site_id: str, order_id: str, to: Status, at: str, line_ids: list[str] | None = None,
         actor: Actor = ADMIN) -> None:
    order, _ = orders.load_order(site_id, order_id)
    ids = line_ids or [li.line_id for li in order.lines if li.kind.shipped and li.status is not to]
    commit(order, apply_moves(order, [Move(lid, to) for lid in ids], actor, at))


def deliver(site_id: str, order_id: str, at: str, line_ids: list[str] | None = None) -> None:
    """preparing → ready_to_ship → shipping → delivered, the last step at ``at``."""
    for step in (Status.READY_TO_SHIP, Status.SHIPPING, Status.DELIVERED):
        move(site_id, order_id, step, at, line_ids)


def one_line(**over: Any) -> dict[str, Any]:
    """order_payload overrides for a single physical line of 20,000 won, no discounts."""
    body: dict[str, Any] = {"lines": [{"product_code": "TEE-01", "product_name": "티셔츠", "quantity": 1,
                                       "unit_price": 20000}],
                            "coupon_discount": 0, "points_used": 0, "shipping_fee": 0}
    body.update(over)
    return body
