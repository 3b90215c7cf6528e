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


# ---- invoice imports (bulk tracking-number upload) ----


def import_sk(import_id: str) -> str:
    """The import record lives in the site partition, so a site's imports are one Query."""
    return f"IMPORT#{import_id}"


def import_pk(site_id: str, import_id: str) -> str:
    """The import's own partition: one result item per order the file names."""
    return f"S#{site_id}#IMP#{import_id}"


def import_order_sk(order_id: str) -> str:
    return f"ORD#{order_id}"


def upload_key(site_id: str, import_id: str) -> str:
    """S3 key of an uploaded workbook: the site comes from here, never from the file."""
    return f"uploads/{site_id}/{import_id}.xlsx"


def result_key(site_id: str, import_id: str) -> str:
    return f"results/{site_id}/{import_id}-result.xlsx"


def parse_upload_key(key: str) -> tuple[str, str] | None:
    """(site, import id) of a key :func:`upload_key` built, else None."""
    parts = key.split("/")
    if len(parts) != 3 or parts[0] != "uploads" or not parts[2].endswith(".xlsx"):
        return None
    site_id, import_id = parts[1], parts[2][: -len(".xlsx")]
    if not site_id or not import_id:
        return None
    return site_id, import_id
