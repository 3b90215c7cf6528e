"""Writes that span several orders: combined shipping (합배송) is one transaction over every order
it touches, each order's header under its own version condition."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from oms.domain.errors import DomainError
from oms.domain.order import Change, Order
from oms.store import codec, keys
from oms.store.orders import MAX_TRANSACTION_ACTIONS, change_actions
from oms.store.table import TransactionFailed, client, load, table_name, transact, version_conflict


def orders_with_tracking(site_id: str, tracking_no: str, limit: int = 50) -> list[str]:
    """The site's orders holding a tracking number (the lookup index), newest first."""
    resp = client().query(TableName=table_name(), IndexName="GSI2", KeyConditionExpression="GSI2PK = :pk",
                          ExpressionAttributeValues={":pk": {"S": keys.lookup_gsi_pk(
                              site_id, "tracking", codec.normalize_tracking(tracking_no))}},
                          ScanIndexForward=False, Limit=limit)
    return [str(load(i)["order_id"]) for i in resp.get("Items", [])]


def save_many(pairs: Sequence[tuple[Order, Change]]) -> None:
    """All orders' changes in one TransactWriteItems: every order changes, or none does."""
    actions: list[dict[str, Any]] = []
    for before, change in pairs:
        actions += change_actions(before, change.order, change.events, change.touched_lines, change.intents)
    if len(actions) > MAX_TRANSACTION_ACTIONS:
        raise DomainError("COMBINE_TOO_LARGE",
                          "한 번에 합배송할 수 있는 품목 수를 넘었습니다. 주문이나 품목 수를 줄여 주세요.",
                          extra={"actions": len(actions), "limit": MAX_TRANSACTION_ACTIONS})
    try:
        transact(actions)
    except TransactionFailed as exc:
        raise version_conflict() from exc
