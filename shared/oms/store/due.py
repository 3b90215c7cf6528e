"""Sparse index keys for due work: a delivered physical line carries GSI3 keys, nothing else does.

The partition is the KST day on which the line becomes due for auto-confirmation (stamped on the
line when it is delivered, from the site's ``confirmation.auto_confirm_days``), sharded by order.
A line that leaves `delivered` is written without the keys and so drops out of the index; the
auto-confirm job therefore reads only the units that are due.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from oms.domain.clock import kst_date, parse_iso
from oms.domain.order import Line, Order
from oms.domain.statuses import Status
from oms.store import keys

DEFAULT_AUTO_CONFIRM_DAYS = 7


def due_day(delivered_at: str, days: int) -> str:
    """The KST calendar day ``days`` after the KST day of delivery (YYYY-MM-DD)."""
    return (kst_date(parse_iso(delivered_at)) + timedelta(days=days)).isoformat()


def confirm_index_keys(order: Order, line: Line) -> dict[str, Any]:
    if line.status is not Status.DELIVERED or not line.kind.shipped:
        return {}
    day = line.auto_confirm_on
    if day is None:  # written by a path that did not stamp it: the FAQ's default
        day = due_day(line.status_changed_at or order.created_at, DEFAULT_AUTO_CONFIRM_DAYS)
    return {
        "GSI3PK": keys.confirm_due_pk(day, keys.confirm_due_shard(order.order_id)),
        "GSI3SK": keys.confirm_due_sk(order.site_id, order.order_id, line.line_id),
    }
