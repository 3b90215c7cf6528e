"""The personal-data access record (docs/data-model.md, "Staff and the access record"): append-only
items, one partition per site and KST month (newest first), a per-order GSI1 entry for records that
name a few orders, and a ``ttl`` two years and a day out (the law asks at least 2 years above 50,000
data subjects). Nothing here updates or deletes a record."""

from __future__ import annotations

from typing import Any

from oms.store.keys_staff import access_order_gsi_pk, access_pk, access_sk
from oms.store.orders import plain
from oms.store.table import client, dump, table_name
from oms.store.table import load as _load

#: a record names at most this many orders one by one (an export of more names its count and filter)
MAX_NAMED_ORDERS = 50


def append(site_id: str, month: str, record: dict[str, Any], ttl: int) -> None:
    """Put a new record on the condition that it does not exist (never overwritten)."""
    item = {"PK": access_pk(site_id, month), "SK": access_sk(record["at"], record["record_id"]),
            "type": "access_record", "site_id": site_id, "ttl": ttl, **record}
    orders = record.get("order_ids") or []
    if len(orders) == 1:
        item.update(GSI1PK=access_order_gsi_pk(site_id, orders[0]), GSI1SK=access_sk(record["at"], record["record_id"]))
    client().put_item(TableName=table_name(), Item=dump(item), ConditionExpression="attribute_not_exists(PK)")


def _clean(raw: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in dict(plain(_load(raw))).items()
            if k not in ("PK", "SK", "GSI1PK", "GSI1SK", "type", "ttl", "site_id")}


def month(site_id: str, month_: str, lo: str, hi: str, *, filters: dict[str, str], limit: int,
          start: dict[str, Any] | None = None) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """One month's records between ``lo`` and ``hi`` (UTC ISO), newest first, with equality
    ``filters`` (operator_id, action); answers (records, the key to continue from)."""
    values: dict[str, Any] = {":pk": access_pk(site_id, month_), ":lo": lo, ":hi": hi + "~"}
    kwargs: dict[str, Any] = {"TableName": table_name(), "ScanIndexForward": False, "Limit": limit,
                              "KeyConditionExpression": "PK = :pk AND SK BETWEEN :lo AND :hi"}
    if filters:
        names = {f"#f{i}": k for i, k in enumerate(filters)}
        values.update({f":f{i}": v for i, v in enumerate(filters.values())})
        kwargs["FilterExpression"] = " AND ".join(f"#f{i} = :f{i}" for i in range(len(filters)))
        kwargs["ExpressionAttributeNames"] = names
    kwargs["ExpressionAttributeValues"] = dump(values)
    if start:
        kwargs["ExclusiveStartKey"] = start
    resp = client().query(**kwargs)
    return [_clean(i) for i in resp.get("Items", [])], resp.get("LastEvaluatedKey")


def of_order(site_id: str, order_id: str, limit: int = 200) -> list[dict[str, Any]]:
    """The records naming one order (GSI1), newest first."""
    resp = client().query(TableName=table_name(), IndexName="GSI1", KeyConditionExpression="GSI1PK = :pk",
                          ExpressionAttributeValues=dump({":pk": access_order_gsi_pk(site_id, order_id)}),
                          ScanIndexForward=False, Limit=limit)
    return [_clean(i) for i in resp.get("Items", [])]
