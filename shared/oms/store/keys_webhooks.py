"""Keys of a site's webhook endpoints and their delivery log (docs/data-model.md), built here and only
here (the rest of the table's keys: :mod:`oms.store.keys`)."""

from __future__ import annotations

#: a site's webhook endpoints: site partition, ``SK = WHEP#<endpoint id>``; their count: ``SK = WHCONF``
WEBHOOK_ENDPOINT_PREFIX = "WHEP#"
WEBHOOK_CONFIG_SK = "WHCONF"
WEBHOOK_LOG_PREFIX = "ATT#"


def webhook_endpoint_sk(endpoint_id: str) -> str:
    return f"{WEBHOOK_ENDPOINT_PREFIX}{endpoint_id}"


def webhook_log_pk(site_id: str, endpoint_id: str) -> str:
    """One partition per endpoint: its delivery attempts, newest first by sort key (TTL'd)."""
    return f"S#{site_id}#WHLOG#{endpoint_id}"


def webhook_log_sk(at: str, nonce: str) -> str:
    return f"{WEBHOOK_LOG_PREFIX}{at}#{nonce}"
