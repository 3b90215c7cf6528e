"""The payout lease: one refund run at a time per order (``PAYOUT`` in the order partition).

A refund run calls the PG between transactions, so the version condition alone cannot stop two
runs (two admins pressing 환불 재시도, or a retry while a settlement still pays out) from both asking
the PG for the same money. A run first takes the lease (a conditional Put: absent, or left by a
run that died more than ``LEASE_SECONDS`` ago), and gives it back when done. Both can ride on a
transaction the run writes anyway (:func:`take_action` with the settlement that makes the order owe
the buyer, :func:`give_back_action` with the last refund's commit), so a settlement paying out one
card payment writes three times.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

from botocore.exceptions import ClientError

from oms.domain.errors import Conflict
from oms.store import keys
from oms.store.table import client, dump, key, table_name

LEASE_SECONDS = 120


def in_progress() -> Conflict:
    return Conflict("PAYOUT_IN_PROGRESS", "이 주문의 환불이 진행 중입니다. 잠시 후 다시 시도하세요.")


def take_action(site_id: str, order_id: str, by: str) -> tuple[str, dict[str, Any]]:
    """The lease's token and the conditional Put that takes it, as a transaction's action."""
    token = secrets.token_hex(8)
    now = int(time.time())
    item = {"PK": keys.order_pk(site_id, order_id), "SK": keys.PAYOUT_LEASE_SK, "type": "payout_lease",
            "token": token, "by": by, "taken_at": now, "ttl": now + 24 * 3600}
    return token, {"Put": {"TableName": table_name(), "Item": dump(item),
                           "ConditionExpression": "attribute_not_exists(PK) OR taken_at < :stale",
                           "ExpressionAttributeValues": dump({":stale": now - LEASE_SECONDS})}}


def take(site_id: str, order_id: str, by: str) -> str:
    """Take the order's payout lease; 409 PAYOUT_IN_PROGRESS while another run holds it."""
    token, action = take_action(site_id, order_id, by)
    try:
        client().put_item(**action["Put"])
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
            raise in_progress() from exc
        raise
    return token


def give_back_action(site_id: str, order_id: str, token: str) -> dict[str, Any]:
    """The Delete that gives the lease back (only while this run holds it), as a transaction's action."""
    return {"Delete": {"TableName": table_name(), "Key": key(keys.order_pk(site_id, order_id), keys.PAYOUT_LEASE_SK),
                       "ConditionExpression": "#t = :t", "ExpressionAttributeNames": {"#t": "token"},
                       "ExpressionAttributeValues": dump({":t": token})}}


def give_back(site_id: str, order_id: str, token: str) -> None:
    try:
        client().delete_item(**give_back_action(site_id, order_id, token)["Delete"])
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise
