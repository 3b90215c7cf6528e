"""The payout lease: one refund run at a time per order (``PAYOUT`` in the order partition).

A refund run calls the PG between transactions, so the version condition alone cannot stop two
runs (two admins pressing 환불 재시도, or a retry while a settlement still pays out) from both asking
the PG for the same money. A run first takes the lease (a conditional Put: absent, or left by a
run that died more than ``LEASE_SECONDS`` ago), and gives it back when done.
"""

from __future__ import annotations

import secrets
import time

from botocore.exceptions import ClientError

from oms.domain.errors import Conflict
from oms.store import keys
from oms.store.table import client, dump, key, table_name

LEASE_SECONDS = 120


def take(site_id: str, order_id: str, by: str) -> str:
    """Take the order's payout lease; 409 PAYOUT_IN_PROGRESS while another run holds it."""
    token = secrets.token_hex(8)
    now = int(time.time())
    item = {"PK": keys.order_pk(site_id, order_id), "SK": keys.PAYOUT_LEASE_SK, "type": "payout_lease",
            "token": token, "by": by, "taken_at": now, "ttl": now + 24 * 3600}
    try:
        client().put_item(TableName=table_name(), Item=dump(item),
                          ConditionExpression="attribute_not_exists(PK) OR taken_at < :stale",
                          ExpressionAttributeValues=dump({":stale": now - LEASE_SECONDS}))
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
            raise Conflict("PAYOUT_IN_PROGRESS", "이 주문의 환불이 진행 중입니다. 잠시 후 다시 시도하세요.") from exc
        raise
    return token


def give_back(site_id: str, order_id: str, token: str) -> None:
    try:
        client().delete_item(TableName=table_name(), Key=key(keys.order_pk(site_id, order_id), keys.PAYOUT_LEASE_SK),
                             ConditionExpression="#t = :t", ExpressionAttributeNames={"#t": "token"},
                             ExpressionAttributeValues=dump({":t": token}))
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise
