"""Webhook endpoints and their delivery log in the single table (docs/data-model.md, "Webhook endpoints").

- Endpoints: the site partition, ``SK = WHEP#<endpoint id>`` (URL, event types, enabled, the signing
  secret and, for a day after a rotation, the previous one). ``SK = WHCONF`` counts them: a new
  endpoint is written with the count's increment under a condition, so a site never holds more
  than the limit, however many registrations race.
- Delivery log: one partition per endpoint, ``PK = S#<site>#WHLOG#<endpoint id>``,
  ``SK = ATT#<at>#<nonce>`` (newest first when read backwards), each attempt with its status code,
  duration, attempt number and error; every item expires after :data:`LOG_DAYS` (TTL ``ttl``) and a
  read answers at most the newest :data:`LOG_PAGE`.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from oms.domain.errors import Conflict, DomainError
from oms.store import keys
from oms.store import keys_webhooks as wh_keys
from oms.store.orders import plain, put, update
from oms.store.table import Item, TransactionFailed, client, dump, key, load, query_all, table_name, transact

LOG_DAYS = 30
LOG_PAGE = 100


def _strip(item: Item) -> Item:
    return {k: v for k, v in plain(item).items() if k not in ("PK", "SK", "type", "ttl")}


def list_endpoints(site_id: str) -> list[Item]:
    """Every endpoint of the site, secrets included (one Query of the site partition's prefix)."""
    items = query_all(
        KeyConditionExpression="PK = :pk AND begins_with(SK, :p)",
        ExpressionAttributeValues={":pk": {"S": keys.site_pk(site_id)}, ":p": {"S": wh_keys.WEBHOOK_ENDPOINT_PREFIX}},
        ConsistentRead=True,
    )
    return [_strip(i) for i in items]


def get_endpoint(site_id: str, endpoint_id: str) -> Item:
    resp = client().get_item(TableName=table_name(), Key=key(keys.site_pk(site_id),
                                                             wh_keys.webhook_endpoint_sk(endpoint_id)),
                             ConsistentRead=True)
    if "Item" not in resp:
        raise not_found(endpoint_id)
    return _strip(load(resp["Item"]))


def not_found(endpoint_id: str) -> DomainError:
    return DomainError("WEBHOOK_ENDPOINT_NOT_FOUND", f"웹훅 엔드포인트를 찾을 수 없습니다: {endpoint_id}", status=404,
                       field="endpoint_id")


def create_endpoint(site_id: str, endpoint: Item, limit: int) -> None:
    """Write a new endpoint and count it, refused past ``limit`` endpoints."""
    item = {"PK": keys.site_pk(site_id), "SK": wh_keys.webhook_endpoint_sk(endpoint["endpoint_id"]),
            "type": "webhook_endpoint", **endpoint}
    count = update(keys.site_pk(site_id), wh_keys.WEBHOOK_CONFIG_SK, "SET #t = :t ADD #n :one",
                   {":one": 1, ":max": limit, ":t": "webhook_config"}, {"#n": "endpoints", "#t": "type"},
                   condition="attribute_not_exists(#n) OR #n < :max")
    try:
        transact([count, put(item, "attribute_not_exists(PK)")])
    except TransactionFailed as exc:
        if exc.reasons and exc.reasons[0] == "ConditionalCheckFailed":
            raise Conflict("WEBHOOK_ENDPOINT_LIMIT", f"웹훅 엔드포인트는 사이트당 최대 {limit}개입니다.",
                           extra={"limit": limit}) from exc
        raise


def update_endpoint(site_id: str, endpoint_id: str, fields: dict[str, Any]) -> Item:
    """Set ``fields`` (None removes one) on an existing endpoint; answers the endpoint after."""
    names = {f"#f{i}": k for i, k in enumerate(fields)}
    sets = [f"#f{i} = :f{i}" for i, v in enumerate(fields.values()) if v is not None]
    removes = [f"#f{i}" for i, v in enumerate(fields.values()) if v is None]
    values = {f":f{i}": v for i, v in enumerate(fields.values()) if v is not None}
    expr = (("SET " + ", ".join(sets)) if sets else "") + ((" REMOVE " + ", ".join(removes)) if removes else "")
    args: dict[str, Any] = {
        "TableName": table_name(), "Key": key(keys.site_pk(site_id), wh_keys.webhook_endpoint_sk(endpoint_id)),
        "UpdateExpression": expr.strip(), "ConditionExpression": "attribute_exists(PK)",
        "ExpressionAttributeNames": names, "ReturnValues": "ALL_NEW"}
    if values:
        args["ExpressionAttributeValues"] = dump(values)
    try:
        resp = client().update_item(**args)
    except client().exceptions.ConditionalCheckFailedException as exc:
        raise not_found(endpoint_id) from exc
    return _strip(load(resp["Attributes"]))


def delete_endpoint(site_id: str, endpoint_id: str) -> None:
    """Remove an endpoint and uncount it (its delivery log expires on its own)."""
    gone = {"Delete": {"TableName": table_name(), "Key": key(keys.site_pk(site_id),
                                                             wh_keys.webhook_endpoint_sk(endpoint_id)),
                       "ConditionExpression": "attribute_exists(PK)"}}
    count = update(keys.site_pk(site_id), wh_keys.WEBHOOK_CONFIG_SK, "ADD #n :minus", {":minus": -1},
                   {"#n": "endpoints"})
    try:
        transact([gone, count])
    except TransactionFailed as exc:
        if exc.reasons and exc.reasons[0] == "ConditionalCheckFailed":
            raise not_found(endpoint_id) from exc
        raise


# ---- the delivery log -------------------------------------------------------------------------------


def add_attempt(site_id: str, endpoint_id: str, entry: Item, now: datetime) -> None:
    at = str(entry["at"])
    item = {"PK": wh_keys.webhook_log_pk(site_id, endpoint_id), "SK": wh_keys.webhook_log_sk(at, secrets.token_hex(3)),
            "type": "webhook_attempt", "ttl": int((now + timedelta(days=LOG_DAYS)).timestamp()), **entry}
    client().put_item(TableName=table_name(), Item=dump(item))


def list_attempts(site_id: str, endpoint_id: str, limit: int = LOG_PAGE) -> list[Item]:
    """The endpoint's newest attempts first (at most ``limit``)."""
    resp = client().query(
        TableName=table_name(), KeyConditionExpression="PK = :pk AND begins_with(SK, :p)",
        ExpressionAttributeValues={":pk": {"S": wh_keys.webhook_log_pk(site_id, endpoint_id)},
                                   ":p": {"S": wh_keys.WEBHOOK_LOG_PREFIX}},
        ScanIndexForward=False, Limit=max(1, min(limit, LOG_PAGE)))
    return [_strip(load(i)) for i in resp.get("Items", [])]
