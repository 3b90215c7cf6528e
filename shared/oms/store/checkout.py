"""Checkout intake items: the per-site daily order-number sequence, the checkout guard that makes a
retried checkout return its first order (its payment item: :mod:`oms.store.payments`)."""

from __future__ import annotations

from oms.domain.errors import Conflict
from oms.store import keys
from oms.store.orders import Write, put
from oms.store.table import client, key, load, table_name

GUARD_SK = "GUARD"


def next_order_number(site_id: str, now_kst_day: str) -> str:
    """Order numbers are unique per site: KST date + a per-day sequence (20261126-000042)."""
    resp = client().update_item(
        TableName=table_name(),
        Key=key(keys.site_pk(site_id), keys.sequence_sk(now_kst_day)),
        UpdateExpression="ADD seq :one",
        ExpressionAttributeValues={":one": {"N": "1"}},
        ReturnValues="UPDATED_NEW",
    )
    return f"{now_kst_day}-{int(resp['Attributes']['seq']['N']):06d}"


def existing_checkout(site_id: str, checkout_id: str) -> str | None:
    """The order a checkout already created (consistent: a retry right after the first call sees it)."""
    resp = client().get_item(
        TableName=table_name(), Key=key(keys.checkout_pk(site_id, checkout_id), GUARD_SK), ConsistentRead=True
    )
    return str(load(resp["Item"])["order_id"]) if "Item" in resp else None


def add_guard(write: Write, site_id: str, checkout_id: str, order_id: str, created_at: str) -> None:
    write.add(
        put({"PK": keys.checkout_pk(site_id, checkout_id), "SK": GUARD_SK, "order_id": order_id,
             "created_at": created_at}, "attribute_not_exists(PK)"),
        Conflict("DUPLICATE_CHECKOUT", "이미 접수된 결제입니다.", extra={"checkout_id": checkout_id}),
    )
