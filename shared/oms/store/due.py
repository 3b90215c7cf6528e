"""Sparse index keys for due work: an order with delivered physical units has one due item
carrying GSI3 keys, nothing else does.

The partition is the earliest KST day on which one of its delivered units becomes due for
auto-confirmation (stamped on the line when it is delivered, from the site's
``confirmation.auto_confirm_days``), sharded by order. When no unit waits any more the item is
deleted; when the earliest day moves (units confirmed, more delivered) it moves with it. The
auto-confirm job therefore reads only orders that are due, one index entry per order.

The tracking sweep reads its own sparse entries the same way (``DUE#TRACK#<shard>``, sorted by the
time of the order's next parcel check): keys only, the work itself is done per order by its worker.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from oms.domain.clock import kst_date, parse_iso
from oms.domain.order import Line, Order
from oms.domain.statuses import Status
from oms.store import keys
from oms.store.table import client, table_name

DEFAULT_AUTO_CONFIRM_DAYS = 7


def due_day(delivered_at: str, days: int) -> str:
    """The KST calendar day ``days`` after the KST day of delivery (YYYY-MM-DD)."""
    return (kst_date(parse_iso(delivered_at)) + timedelta(days=days)).isoformat()


def confirm_day(order: Order, line: Line) -> str | None:
    """The KST day a line's units are auto-confirmed on, or None when it is not waiting for it (a
    channel's product order is confirmed by the channel: its 구매확정 comes with the sync)."""
    if line.status is not Status.DELIVERED or not line.kind.shipped or line.external_id:
        return None
    if line.auto_confirm_on is None:  # written by a path that did not stamp it: the FAQ's default
        return due_day(line.status_changed_at or order.created_at, DEFAULT_AUTO_CONFIRM_DAYS)
    return line.auto_confirm_on


def earliest_confirm_day(order: Order) -> str | None:
    return min((d for d in (confirm_day(order, line) for line in order.lines) if d), default=None)


def due_orders(day: str, shard: int) -> list[tuple[str, str]]:
    """(site, order) of the orders whose earliest auto-confirm day is ``day``, in one index shard."""
    out: list[tuple[str, str]] = []
    kwargs: dict[str, Any] = {
        "IndexName": "GSI3",
        "KeyConditionExpression": "GSI3PK = :pk",
        "ExpressionAttributeValues": {":pk": {"S": keys.confirm_due_pk(day, shard)}},
        "ProjectionExpression": "GSI3SK",
    }
    while True:
        resp = client().query(TableName=table_name(), **kwargs)
        out += [keys.parse_confirm_due_sk(raw["GSI3SK"]["S"]) for raw in resp.get("Items", [])]
        if not resp.get("LastEvaluatedKey"):
            return out
        kwargs["ExclusiveStartKey"] = resp["LastEvaluatedKey"]


def tracking_due_orders(shard: int, now: str, limit: int) -> list[tuple[str, str]]:
    """(site, order) of the orders whose next tracking check is due by ``now`` in one index shard,
    the earliest first, at most ``limit`` (keys only: the worker reads each order itself)."""
    out: list[tuple[str, str]] = []
    kwargs: dict[str, Any] = {
        "IndexName": "GSI3",
        "KeyConditionExpression": "GSI3PK = :pk AND GSI3SK <= :now",
        "ExpressionAttributeValues": {":pk": {"S": keys.tracking_due_gsi_pk_shard(shard)}, ":now": {"S": now + "~"}},
        "ProjectionExpression": "GSI3SK",
    }
    while len(out) < limit:
        resp = client().query(TableName=table_name(), Limit=limit - len(out), **kwargs)
        for raw in resp.get("Items", []):
            _, site_id, order_id = keys.parse_tracking_due_sk(raw["GSI3SK"]["S"])
            out.append((site_id, order_id))
        if not resp.get("LastEvaluatedKey"):
            break
        kwargs["ExclusiveStartKey"] = resp["LastEvaluatedKey"]
    return out
