"""Invoice import records: the record in the site partition, one result item per order in the
import's own partition (written in the order's transaction when the order applies)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from oms.domain.errors import NotFound
from oms.store import keys
from oms.store.orders import plain, put
from oms.store.table import Item, client, dump, key, load, query_all, table_name


def record_key(site_id: str, import_id: str) -> dict[str, Any]:
    return key(keys.site_pk(site_id), keys.import_sk(import_id))


def create(item: Item) -> None:
    client().put_item(TableName=table_name(), Item=dump(item), ConditionExpression="attribute_not_exists(PK)")


def get(site_id: str, import_id: str, consistent: bool = True) -> Item | None:
    resp = client().get_item(TableName=table_name(), Key=record_key(site_id, import_id), ConsistentRead=consistent)
    return plain(load(resp["Item"])) if "Item" in resp else None


def require(site_id: str, import_id: str) -> Item:
    item = get(site_id, import_id, consistent=False)
    if item is None:
        raise NotFound("import", import_id)
    return item


def update(site_id: str, import_id: str, fields: dict[str, Any], condition: str | None = None,
           condition_values: dict[str, Any] | None = None) -> None:
    names = {f"#f{i}": k for i, k in enumerate(fields)}
    values = {f":v{i}": v for i, v in enumerate(fields.values())} | (condition_values or {})
    kwargs: dict[str, Any] = {
        "TableName": table_name(), "Key": record_key(site_id, import_id),
        "UpdateExpression": "SET " + ", ".join(f"#f{i} = :v{i}" for i in range(len(fields))),
        "ExpressionAttributeNames": names, "ExpressionAttributeValues": dump(values),
    }
    if condition:
        kwargs["ConditionExpression"] = condition
    client().update_item(**kwargs)


def list_recent(site_id: str, limit: int = 20) -> list[Item]:
    resp = client().query(
        TableName=table_name(),
        KeyConditionExpression="PK = :pk AND begins_with(SK, :p)",
        ExpressionAttributeValues={":pk": {"S": keys.site_pk(site_id)}, ":p": {"S": "IMPORT#"}},
        ScanIndexForward=False, Limit=limit,
    )
    return [plain(load(i)) for i in resp.get("Items", [])]


def order_result_item(site_id: str, import_id: str, order_id: str, applied: bool,
                      rows: list[dict[str, Any]], at: str) -> Item:
    return {"PK": keys.import_pk(site_id, import_id), "SK": keys.import_order_sk(order_id), "type": "import_order",
            "order_id": order_id, "applied": applied, "rows": rows, "at": at}


def order_result_put(item: Item) -> dict[str, Any]:
    """Conditional put: an order's result is written once per import (a redelivery cannot apply it twice)."""
    return put(item, "attribute_not_exists(PK)")


def put_order_result(item: Item) -> None:
    client().put_item(TableName=table_name(), Item=dump(item))


def order_results(site_id: str, import_id: str) -> dict[str, Item]:
    items = query_all(
        KeyConditionExpression="PK = :pk AND begins_with(SK, :o)",
        ExpressionAttributeValues={":pk": {"S": keys.import_pk(site_id, import_id)}, ":o": {"S": "ORD#"}},
    )
    return {i["order_id"]: plain(i) for i in items}


def iter_order_results(site_id: str, import_id: str) -> Iterator[Item]:
    """The import's order results page by page (a resumed run of a large file need not hold them all)."""
    kwargs: dict[str, Any] = {
        "TableName": table_name(), "KeyConditionExpression": "PK = :pk AND begins_with(SK, :o)",
        "ExpressionAttributeValues": {":pk": {"S": keys.import_pk(site_id, import_id)}, ":o": {"S": "ORD#"}},
    }
    while True:
        resp = client().query(**kwargs)
        for raw in resp.get("Items", []):
            yield plain(load(raw))
        if not resp.get("LastEvaluatedKey"):
            return
        kwargs["ExclusiveStartKey"] = resp["LastEvaluatedKey"]


def order_result(site_id: str, import_id: str, order_id: str) -> Item | None:
    resp = client().get_item(TableName=table_name(), ConsistentRead=True,
                             Key=key(keys.import_pk(site_id, import_id), keys.import_order_sk(order_id)))
    return plain(load(resp["Item"])) if "Item" in resp else None
