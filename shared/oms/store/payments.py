"""Payment items and the look-ups PG callbacks need.

- ``PAY#<payment>`` in the order partition: method, amount, status, payment time, PG ids, refunds,
  cash receipt (written by intake; changed only inside an order transaction, under a condition on
  its status).
- ``CRREQ#<payment>`` in the order partition: the buyer's cash-receipt request as given at checkout
  (the full identity number, needed to auto-issue); never part of an API answer.
- ``PGREF#<provider>#<pg order id>`` / ``REF``: which site, order and payment a PG's id belongs to,
  and the virtual account's deposit-callback secret (compared in constant time, never returned).
- ``PGLOG#<provider>#<KST day>``: callbacks that matched no order or came for a settled payment,
  kept 90 days for the operator.
"""

from __future__ import annotations

import time
from typing import Any

from oms.domain.clock import iso, kst_date, utcnow
from oms.domain.errors import Conflict
from oms.domain.payments import PaymentChange
from oms.store import keys
from oms.store.orders import plain, put, update
from oms.store.table import Item, client, dump, key, load, table_name

PG_LOG_TTL_DAYS = 90


def payment_items(items: list[Item]) -> dict[str, Item]:
    return {str(i["payment_id"]): plain(i) for i in items if i["SK"].startswith("PAY#")}


def receipt_request(items: list[Item], payment_id: str) -> Item | None:
    sk = f"CRREQ#{payment_id}"
    return next((plain(i) for i in items if i["SK"] == sk), None)


def receipt_request_item(site_id: str, order_id: str, payment_id: str, receipt_type: str, identity: str) -> Item:
    return {"PK": keys.order_pk(site_id, order_id), "SK": f"CRREQ#{payment_id}", "type": "cash_receipt_request",
            "payment_id": payment_id, "receipt_type": receipt_type, "identity_number": identity}


def update_action(site_id: str, order_id: str, payment_id: str, pc: PaymentChange) -> dict[str, Any]:
    """SET the payment's changed fields, on condition its status is still the one the change was made from."""
    names = {"#st": "status"}
    values: dict[str, Any] = {":expect": pc.expect_status}
    sets, removes = [], []
    for i, (k, v) in enumerate(sorted(pc.payment_set.items())):
        names[f"#f{i}"] = k
        if v is None:
            removes.append(f"#f{i}")
        else:
            values[f":v{i}"] = v
            sets.append(f"#f{i} = :v{i}")
    expr = ("SET " + ", ".join(sets) if sets else "") + (" REMOVE " + ", ".join(removes) if removes else "")
    return update(keys.order_pk(site_id, order_id), keys.payment_sk(payment_id), expr.strip(), values, names,
                  condition="#st = :expect")


def ref_item(provider: str, pg_order_id: str, site_id: str, order_id: str, payment_id: str,
             deposit_secret: str | None) -> Item:
    return {"PK": keys.pg_ref_pk(provider, pg_order_id), "SK": keys.PG_REF_SK, "type": "pg_ref",
            "provider": provider, "pg_order_id": pg_order_id, "site_id": site_id, "order_id": order_id,
            "payment_id": payment_id, "deposit_secret": deposit_secret}


def ref_put_action(item: Item) -> tuple[dict[str, Any], Conflict]:
    return (put(item, "attribute_not_exists(PK)"),
            Conflict("PG_ORDER_ID_IN_USE", "이미 다른 주문에 쓰인 PG 주문번호입니다.",
                     extra={"pg_order_id": item["pg_order_id"]}))


def get_ref(provider: str, pg_order_id: str) -> Item | None:
    resp = client().get_item(TableName=table_name(), Key=key(keys.pg_ref_pk(provider, pg_order_id), keys.PG_REF_SK),
                             ConsistentRead=True)
    return plain(load(resp["Item"])) if "Item" in resp else None


def log_callback(provider: str, identity: str, outcome: str, detail: dict[str, Any]) -> None:
    """Record a callback the operator should know about (unknown order, settled payment ...)."""
    now = utcnow()
    item = {"PK": keys.pg_log_pk(provider, kst_date(now).strftime("%Y%m%d")), "SK": f"{iso(now)}#{identity}",
            "type": "pg_log", "provider": provider, "identity": identity, "outcome": outcome, "at": iso(now),
            "detail": detail, "ttl": int(time.time()) + PG_LOG_TTL_DAYS * 86400}
    client().put_item(TableName=table_name(), Item=dump(item))


def callback_log(provider: str, kst_day: str) -> list[Item]:
    from oms.store.table import query_all

    return [plain(i) for i in query_all(KeyConditionExpression="PK = :pk",
                                        ExpressionAttributeValues={":pk": {"S": keys.pg_log_pk(provider, kst_day)}})]


def due_orders(shard: int, before: str) -> list[tuple[str, str]]:
    """(site, order) of orders whose deposit due date is before ``before`` (sparse GSI3, one shard)."""
    from oms.store.table import query_all

    items = query_all(
        IndexName="GSI3",
        KeyConditionExpression="GSI3PK = :pk AND GSI3SK < :before",
        ExpressionAttributeValues={":pk": {"S": keys.va_due_gsi_pk_shard(shard)}, ":before": {"S": before}},
        ProjectionExpression="GSI3SK",
    )
    out = []
    for it in items:
        _, site_id, order_id = str(it["GSI3SK"]).rsplit("#", 2)
        out.append((site_id, order_id))
    return out
