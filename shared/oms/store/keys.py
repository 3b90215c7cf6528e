"""Every key of the single table is built here, and only here (docs/data-model.md)."""

from __future__ import annotations

import zlib

TIMELINE_PREFIX = "#TL#"  # sorts before every other sort key of an order partition
HEADER_SK = "ORDER"
TAB_COUNT_SHARDS = 8


def site_pk(site_id: str) -> str:
    return f"S#{site_id}"


def order_pk(site_id: str, order_id: str) -> str:
    return f"S#{site_id}#O#{order_id}"


def line_sk(line_id: str) -> str:
    return f"LINE#{line_id}"


def shipment_sk(shipment_id: str) -> str:
    return f"SHIP#{shipment_id}"


def payment_sk(payment_id: str) -> str:
    return f"PAY#{payment_id}"


def tab_sk(tab: str) -> str:
    return f"TAB#{tab}"


def lookup_sk(kind: str, value: str) -> str:
    return f"LK#{kind}#{value}"


def timeline_sk(at: str, nonce: str) -> str:
    return f"{TIMELINE_PREFIX}{at}#{nonce}"


def tab_gsi_pk(site_id: str, tab: str) -> str:
    return f"S#{site_id}#TAB#{tab}"


def lookup_gsi_pk(site_id: str, kind: str, value: str) -> str:
    return f"S#{site_id}#LK#{kind}#{value}"


def created_sk(created_at: str, order_id: str) -> str:
    return f"{created_at}#{order_id}"


def tab_count_sk(shard: int) -> str:
    return f"TABCOUNT#{shard}"


def tab_count_shard(order_id: str) -> int:
    return zlib.crc32(order_id.encode()) % TAB_COUNT_SHARDS


def sequence_sk(day: str) -> str:
    return f"SEQ#{day}"


def checkout_pk(site_id: str, checkout_id: str) -> str:
    return f"S#{site_id}#CHECKOUT#{checkout_id}"


def stock_pk(site_id: str) -> str:
    return f"S#{site_id}#STOCK"


def settings_sk() -> str:
    return "SETTINGS"
