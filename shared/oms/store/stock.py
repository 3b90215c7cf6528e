"""Option stock per SKU (one partition per site: PK = S#<site>#STOCK, SK = the SKU)."""

from __future__ import annotations

from typing import Any

from oms.domain.clock import iso, utcnow
from oms.store import keys
from oms.store.table import batch_get, client, dump, key, load, query_all, table_name


def tracked(site_id: str, skus: list[str]) -> dict[str, int]:
    """The SKUs among ``skus`` whose stock the shop keeps, with their quantity (one BatchGetItem)."""
    items = batch_get([key(keys.stock_pk(site_id), s) for s in dict.fromkeys(skus)], consistent=True)
    return {it["SK"]: int(it["quantity"]) for it in items}


def deduct_action(site_id: str, sku: str, quantity: int) -> dict[str, Any]:
    """Transaction action: take ``quantity`` off, refused (condition) if it would go below zero."""
    return {
        "Update": {
            "TableName": table_name(),
            "Key": key(keys.stock_pk(site_id), sku),
            "UpdateExpression": "SET quantity = quantity - :n",
            "ConditionExpression": "attribute_exists(PK) AND quantity >= :n",
            "ExpressionAttributeValues": dump({":n": quantity}),
        }
    }


def restore_action(site_id: str, sku: str, quantity: int) -> dict[str, Any]:
    return {
        "Update": {
            "TableName": table_name(),
            "Key": key(keys.stock_pk(site_id), sku),
            "UpdateExpression": "ADD quantity :n",
            "ExpressionAttributeValues": dump({":n": quantity}),
        }
    }


def set_quantity(site_id: str, sku: str, quantity: int, by: str) -> dict[str, Any]:
    item = {"PK": keys.stock_pk(site_id), "SK": sku, "type": "stock", "sku": sku, "quantity": quantity,
            "updated_at": iso(utcnow()), "updated_by": by}
    client().put_item(TableName=table_name(), Item=dump(item))
    return {"sku": sku, "quantity": quantity, "updated_at": item["updated_at"]}


#: SKUs the product picker answers for one prefix
SKU_SEARCH_LIMIT = 20


def search_stock(site_id: str, prefix: str) -> list[dict[str, Any]]:
    """SKUs starting with ``prefix`` (the product code's start, as typed; else upper-cased), at most
    ``SKU_SEARCH_LIMIT``: one Query of the site's stock partition."""
    for p in dict.fromkeys((prefix, prefix.upper())):
        resp = client().query(TableName=table_name(), Limit=SKU_SEARCH_LIMIT,
                              KeyConditionExpression="PK = :pk AND begins_with(SK, :p)",
                              ExpressionAttributeValues={":pk": {"S": keys.stock_pk(site_id)}, ":p": {"S": p}})
        items = [load(i) for i in resp.get("Items", [])]
        if items:
            return [_row(i) for i in items]
    return []


def _row(i: dict[str, Any]) -> dict[str, Any]:
    return {"sku": i["SK"], "quantity": int(i["quantity"]), "updated_at": i.get("updated_at")}


def list_stock(site_id: str) -> list[dict[str, Any]]:
    items = query_all(
        KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues={":pk": {"S": keys.stock_pk(site_id)}},
    )
    return [_row(i) for i in items]
