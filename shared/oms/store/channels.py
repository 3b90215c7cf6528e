"""The site's external-channel connections (docs/data-model.md, "External channels").

A connection item (``CONN#<channel>``) holds the change feed's cursor (``since``, ``more_sequence``),
the earliest time it is read again (``next_at``: the schedule, a rate limit, a back-off), the last
pull's figures and the channel's last error; while connected its sparse GSI3 keys put it in the due
index the scheduled fan-out reads (never a Scan). The seller's API credentials are not here: they
are a SecureString parameter (:func:`put_credentials`), read by the functions that call the channel.
"""

from __future__ import annotations

import json
import os
from functools import cache
from typing import Any

import boto3

from oms.domain.channel_records import Credentials
from oms.store import queues
from oms.store.keys_channels import (
    CHANNEL_DUE_SHARDS,
    channel_due_gsi_pk,
    channel_due_gsi_pk_shard,
    channel_due_sk,
    channels_pk,
    connection_sk,
)
from oms.store.orders import plain
from oms.store.table import client, dump, key, table_name
from oms.store.table import load as _load
from oms.store.ttl_cache import TtlCache

_OWN = frozenset({"PK", "SK", "type", "GSI3PK", "GSI3SK"})


def _item(raw: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in dict(plain(_load(raw))).items() if k not in _OWN}


def get_connection(site_id: str, channel: str) -> dict[str, Any]:
    """The connection (``{}`` when the site never connected the channel); one consistent read."""
    raw = client().get_item(TableName=table_name(), Key=key(channels_pk(site_id), connection_sk(channel)),
                            ConsistentRead=True).get("Item")
    return _item(raw) if raw else {}


def save_connection(site_id: str, channel: str, fields: dict[str, Any]) -> None:
    """The connection as ``fields`` say; while ``enabled`` its GSI3 keys put it in the due index."""
    item = {"PK": channels_pk(site_id), "SK": connection_sk(channel), "type": "channel_connection",
            "site_id": site_id, "channel": channel, **{k: v for k, v in fields.items() if k not in _OWN}}
    if item.get("enabled") and item.get("next_at"):
        item.update(GSI3PK=channel_due_gsi_pk(site_id, channel),
                    GSI3SK=channel_due_sk(str(item["next_at"]), site_id, channel))
    client().put_item(TableName=table_name(), Item=dump(item))


def due_connections(now: str, limit: int = 500) -> list[dict[str, Any]]:
    """Every shard's connections due by ``now`` (the sparse GSI3), at most ``limit`` per shard and run."""
    out: list[dict[str, Any]] = []
    for shard in range(CHANNEL_DUE_SHARDS):
        resp = client().query(TableName=table_name(), IndexName="GSI3",
                              KeyConditionExpression="GSI3PK = :pk AND GSI3SK <= :now",
                              ExpressionAttributeValues=dump({":pk": channel_due_gsi_pk_shard(shard),
                                                              ":now": now + "~"}),
                              Limit=limit)
        out += [_item(i) for i in resp.get("Items", [])]
    return out


# ---- the fan-out's queue -------------------------------------------------------------------------


def enqueue_pulls(bodies: list[dict[str, Any]]) -> int:
    """One message per connection to pull (``CHANNEL_SYNC_QUEUE_URL``), sent ten at a time."""
    return queues.send_batches(os.environ["CHANNEL_SYNC_QUEUE_URL"], bodies)


# ---- credentials (SSM SecureString) ----------------------------------------------------------------

#: credentials read at most this often per container (a rotation applies within it)
CREDENTIALS_TTL = 300.0
_creds: TtlCache[Credentials] = TtlCache(CREDENTIALS_TTL)


class _NotConnected(Exception):
    pass


@cache
def _ssm() -> Any:
    return boto3.client("ssm")


def credentials_name(site_id: str, channel: str) -> str:
    """``<CHANNEL_PARAMETER_PATH>/<site>/<channel>``: one SecureString per site and channel."""
    return f"{os.environ['CHANNEL_PARAMETER_PATH'].rstrip('/')}/{site_id}/{channel}"


def put_credentials(site_id: str, channel: str, creds: Credentials) -> None:
    value = json.dumps({"client_id": creds.client_id, "client_secret": creds.client_secret,
                        "account_id": creds.account_id}, separators=(",", ":"))
    _ssm().put_parameter(Name=credentials_name(site_id, channel), Value=value, Type="SecureString",
                         Overwrite=True)
    _creds.forget(f"{site_id}/{channel}")


def credentials(site_id: str, channel: str) -> Credentials | None:
    """The seller's credentials (None: not connected; never kept), cached per container for a few
    minutes."""
    def load() -> Credentials:
        try:
            resp = _ssm().get_parameter(Name=credentials_name(site_id, channel), WithDecryption=True)
        except _ssm().exceptions.ParameterNotFound:
            raise _NotConnected from None
        data = json.loads(resp["Parameter"]["Value"])
        return Credentials(str(data["client_id"]), str(data["client_secret"]), data.get("account_id") or None)

    try:
        return _creds.get(f"{site_id}/{channel}", load)
    except _NotConnected:
        return None


def forget_credentials() -> None:
    _creds.forget()
