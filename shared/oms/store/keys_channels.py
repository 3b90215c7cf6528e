"""Keys of the site's external sales channels (docs/data-model.md, "External channels"), built here
and only here (the rest of the table's keys: :mod:`oms.store.keys`). A channel order's link to ours
is the checkout guard of its intake (``checkout_id`` = ``<channel>:<channel order id>``)."""

from __future__ import annotations

import zlib

from oms.store.keys import site_pk

#: the connections' due index (GSI3), spread over shards so a busy minute is not one partition
CHANNEL_DUE_SHARDS = 4


def channels_pk(site_id: str) -> str:
    """The site's channel connections (one partition per site, a handful of items)."""
    return f"{site_pk(site_id)}#CHANNELS"


def connection_sk(channel: str) -> str:
    """One connection: the change feed's cursor, when it is read next, the last pull and its errors."""
    return f"CONN#{channel}"


def channel_due_gsi_pk(site_id: str, channel: str) -> str:
    return f"DUE#CHAN#{zlib.crc32(f'{site_id}/{channel}'.encode()) % CHANNEL_DUE_SHARDS}"


def channel_due_gsi_pk_shard(shard: int) -> str:
    return f"DUE#CHAN#{shard}"


def channel_due_sk(next_at: str, site_id: str, channel: str) -> str:
    return f"{next_at}#{site_id}#{channel}"
