"""Invoice import records: the record in the site partition, one result item per order in the
import's own partition (written in the order's transaction when the order applies).

While an import is not finished its record carries sparse GSI3 keys whose sort key starts with
the time of its last progress (:func:`watch`); finishing removes them (:data:`UNWATCH`). The
sweep finds imports that made no progress through them (:func:`stalled`), never by a Scan."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from botocore.exceptions import ClientError

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


#: statuses of an import that is not finished (its record is watched by the sweep)
WATCHED = ("awaiting_upload", "queued", "processing", "interrupted")
#: attributes removed when an import finishes (done, refused, failed)
UNWATCH = ("GSI3PK", "GSI3SK")


def watch(site_id: str, import_id: str, at: str) -> dict[str, Any]:
    """Fields recording progress now: the sweep leaves the import alone for a while."""
    return {"progress_at": at, "GSI3PK": keys.import_watch_gsi_pk(import_id),
            "GSI3SK": keys.import_watch_sk(at, site_id, import_id)}


def update(site_id: str, import_id: str, fields: dict[str, Any], condition: str | None = None,
           condition_values: dict[str, Any] | None = None, condition_names: dict[str, str] | None = None,
           remove: Sequence[str] = ()) -> bool:
    """SET ``fields`` (and REMOVE ``remove``); False when ``condition`` does not hold."""
    names = {f"#f{i}": k for i, k in enumerate(fields)} | {f"#r{i}": k for i, k in enumerate(remove)}
    names |= condition_names or {}
    values = {f":v{i}": v for i, v in enumerate(fields.values())} | (condition_values or {})
    parts = []
    if fields:
        parts.append("SET " + ", ".join(f"#f{i} = :v{i}" for i in range(len(fields))))
    if remove:
        parts.append("REMOVE " + ", ".join(f"#r{i}" for i in range(len(remove))))
    expr = " ".join(parts)
    kwargs: dict[str, Any] = {
        "TableName": table_name(), "Key": record_key(site_id, import_id),
        "UpdateExpression": expr, "ExpressionAttributeNames": names,
    }
    if values:
        kwargs["ExpressionAttributeValues"] = dump(values)
    if condition:
        kwargs["ConditionExpression"] = condition
    try:
        client().update_item(**kwargs)
    except ClientError as exc:
        if condition and exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
            return False
        raise
    return True


def stalled(before: str) -> Iterator[tuple[str, str, str]]:
    """(site, import id, last progress) of every unfinished import whose last progress is older
    than ``before`` (sparse GSI3, each shard; the index may lag the table: callers re-read)."""
    for shard in range(keys.IMPORT_WATCH_SHARDS):
        kwargs: dict[str, Any] = {
            "TableName": table_name(), "IndexName": "GSI3",
            "KeyConditionExpression": "GSI3PK = :pk AND GSI3SK < :before",
            "ExpressionAttributeValues": {":pk": {"S": keys.import_watch_gsi_pk_shard(shard)},
                                          ":before": {"S": before}},
            "ProjectionExpression": "GSI3SK",
        }
        while True:
            resp = client().query(**kwargs)
            for raw in resp.get("Items", []):
                at, site_id, import_id = keys.parse_import_watch_sk(raw["GSI3SK"]["S"])
                yield site_id, import_id, at
            if not resp.get("LastEvaluatedKey"):
                break
            kwargs["ExclusiveStartKey"] = resp["LastEvaluatedKey"]


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
