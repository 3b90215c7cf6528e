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


def parse_order_pk(pk: str) -> tuple[str, str] | None:
    """``(site_id, order_id)`` of an order partition's key (None: not an order's partition)."""
    if not pk.startswith("S#") or "#O#" not in pk:
        return None
    site_id, order_id = pk[2:].rsplit("#O#", 1)
    return site_id, order_id


def parse_site_pk(pk: str) -> str | None:
    """The site id of a site partition's key (None: another partition)."""
    return pk[2:] if pk.startswith("S#") and "#" not in pk[2:] else None


def timeline_version(sk: str) -> int | None:
    """The order version of a change's timeline item (its nonce); None for a refusal's."""
    nonce = sk.rsplit("#", 1)[-1]
    return int(nonce) if sk.startswith(TIMELINE_PREFIX) and len(nonce) == 8 and nonce.isdigit() else None


LINES_PREFIX = "LINES#"
#: lines are kept in chunk items of this many lines each, by line number (L001-L099 in chunk 0)
LINES_PER_CHUNK = 100


def lines_sk(chunk: int) -> str:
    """One item holds up to LINES_PER_CHUNK lines: a change writes only the chunks it touched."""
    return f"{LINES_PREFIX}{chunk:03d}"


def line_chunk(line_id: str) -> int:
    """The chunk of a line id ``L<number>`` (line numbers are never reused)."""
    return int(line_id[1:]) // LINES_PER_CHUNK


#: the order's one auto-confirm due item (carries the sparse GSI3 keys of its earliest due day)
CONFIRM_DUE_ITEM_SK = "DUE#CONFIRM"


PAYMENT_PREFIX = "PAY#"
REFUND_REQUEST_PREFIX = "RFD#"
RECEIPT_REQUEST_PREFIX = "CRREQ#"


def payment_sk(payment_id: str) -> str:
    return f"{PAYMENT_PREFIX}{payment_id}"


def receipt_request_sk(payment_id: str) -> str:
    """The buyer's cash-receipt request of a payment (full identity number, never in an answer)."""
    return f"{RECEIPT_REQUEST_PREFIX}{payment_id}"


def tab_sk(tab: str) -> str:
    return f"TAB#{tab}"


def lookup_sk(kind: str, value: str) -> str:
    return f"LK#{kind}#{value}"


def timeline_sk(at: str, nonce: str) -> str:
    return f"{TIMELINE_PREFIX}{at}#{nonce}"


def tab_gsi_pk(site_id: str, tab: str) -> str:
    return f"S#{site_id}#TAB#{tab}"


#: the lookup kind of the 통합검색 tokens (``LK#q#<token>``, :mod:`oms.domain.search_terms`)
SEARCH_LOOKUP = "q"


def lookup_gsi_pk(site_id: str, kind: str, value: str) -> str:
    return f"S#{site_id}#LK#{kind}#{value}"


def created_sk(created_at: str, order_id: str) -> str:
    return f"{created_at}#{order_id}"


#: a tab count shard is an item of a partition of its own, so a shop's counts are spread over
#: TAB_COUNT_SHARDS partitions and never share the shop's ``S#<site>`` partition's 1,000 WCU/s
TAB_COUNT_SK = "TABCOUNT"


def tab_count_pk(site_id: str, shard: int) -> str:
    return f"S#{site_id}#TABCOUNT#{shard}"


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


# ---- members: points ledger and membership (one partition per member of a site) ----------------


def member_pk(site_id: str, member_id: str) -> str:
    return f"S#{site_id}#M#{member_id}"


POINTS_BALANCE_SK = "POINTS"
POINTS_ENTRY_PREFIX = "PT#"
MEMBERSHIP_SK = "MEMBERSHIP"
MEMBERSHIP_ENTRY_PREFIX = "MS#"


def points_entry_sk(at: str, ref: str) -> str:
    return f"{POINTS_ENTRY_PREFIX}{at}#{ref}"


def membership_entry_sk(at: str, ref: str) -> str:
    return f"{MEMBERSHIP_ENTRY_PREFIX}{at}#{ref}"


# ---- due work: purchase confirmation (sparse GSI3 on delivered physical lines) -----------------

CONFIRM_DUE_PREFIX = "DUE#CONFIRM#"
#: the fan-out's workers confirm up to 2,560 orders a second, each removing its due item from GSI3:
#: 8 shards keep a shard near 320 WCU/s (docs/scale.md)
CONFIRM_DUE_SHARDS = 8


def confirm_due_shard(order_id: str) -> int:
    return zlib.crc32(order_id.encode()) % CONFIRM_DUE_SHARDS


def confirm_due_pk(day: str, shard: int) -> str:
    """One partition per KST due day (and shard): the job reads exactly the days that are due."""
    return f"{CONFIRM_DUE_PREFIX}{day}#{shard}"


def confirm_due_sk(site_id: str, order_id: str) -> str:
    return f"{site_id}#{order_id}"


def parse_confirm_due_sk(value: str) -> tuple[str, str]:
    site_id, order_id = value.rsplit("#", 1)
    return site_id, order_id


def job_pk(name: str) -> str:
    return f"JOB#{name}"


def guest_attempts_pk(site_id: str, order_id: str) -> str:
    return f"S#{site_id}#GUESTAUTH#{order_id}"


# ---- payments ------------------------------------------------------------------------------------
VA_DUE_SHARDS = 8
PG_REF_SK = "REF"


def pg_ref_pk(provider: str, pg_order_id: str) -> str:
    """The PG's order/payment id -> our site, order and payment (callbacks carry no tenant)."""
    return f"PGREF#{provider}#{pg_order_id}"


def refund_request_sk(payment_id: str, request_id: str) -> str:
    """An admin refund request of one payment (its reservation and its idempotency key at the PG)."""
    return f"RFD#{payment_id}#{request_id}"


def va_due_gsi_pk(order_id: str) -> str:
    """Sparse GSI3 partition of orders waiting for a virtual-account deposit (sharded by order)."""
    return f"DUE#VAEXP#{zlib.crc32(order_id.encode()) % VA_DUE_SHARDS}"


def va_due_gsi_pk_shard(shard: int) -> str:
    return f"DUE#VAEXP#{shard}"


def va_due_sk(due_at: str, site_id: str, order_id: str) -> str:
    return f"{due_at}#{site_id}#{order_id}"


#: shards of a day's callback log: its writes follow failures (a PG replaying a day of notices that
#: match nothing, a wave of refusals), not orders, so it is spread before it is ever hot
PG_LOG_SHARDS = 4


def pg_log_pk(provider: str, kst_day: str, shard: int) -> str:
    """Callbacks that matched no order or were refused, per provider, KST day and shard."""
    return f"PGLOG#{provider}#{kst_day}#{shard}"


def pg_log_shard(identity: str) -> int:
    return zlib.crc32(identity.encode()) % PG_LOG_SHARDS


def idempotency_pk(scope: str, shard: int) -> str:
    """Partition of Powertools idempotency records (static per persistence layer, sharded)."""
    return f"IDEMP#{scope}#{shard}"


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


# ---- buyer messages (SMS/LMS): sender numbers, templates, the outbox item of each message ----

SMS_CONFIG_SK = "SMSCONF"
SMS_SENDER_PREFIX = "SMSSENDER#"
SMS_TEMPLATE_PREFIX = "SMSTPL#"
MESSAGE_PREFIX = "MSG#"


def sms_sender_sk(number: str) -> str:
    """A sender number of the site (site partition), digits only."""
    return f"{SMS_SENDER_PREFIX}{number}"


def sms_template_sk(template_id: str) -> str:
    return f"{SMS_TEMPLATE_PREFIX}{template_id}"


def message_sk(message_id: str) -> str:
    """A message to the buyer lives in its order's partition (the outbox item, full text)."""
    return f"{MESSAGE_PREFIX}{message_id}"


def sms_number_owner_pk(number: str) -> str:
    """Which site holds a sender number (one site per number: the provider account is shared)."""
    return f"SMSNUM#{number}"


SMS_NUMBER_OWNER_SK = "OWNER"

# ---- buyer notifications (알림톡): the site's templates under review at the provider ----

ALIMTALK_TEMPLATE_PREFIX = "ATTPL#"


def alimtalk_template_sk(code: str) -> str:
    """A 알림톡 template of the site (site partition), by its template code."""
    return f"{ALIMTALK_TEMPLATE_PREFIX}{code}"


# ---- invoice imports still in flight (sparse GSI3 on the import record) ----
IMPORT_WATCH_SHARDS = 4


def import_watch_gsi_pk(import_id: str) -> str:
    """Sparse GSI3 partition of imports not finished yet (awaiting upload, queued, processing,
    interrupted), sharded by import; the sort key starts with the time of the last progress, so
    the sweep reads only the imports that made none for a while."""
    return f"DUE#IMPORT#{zlib.crc32(import_id.encode()) % IMPORT_WATCH_SHARDS}"


def import_watch_gsi_pk_shard(shard: int) -> str:
    return f"DUE#IMPORT#{shard}"


def import_watch_sk(progress_at: str, site_id: str, import_id: str) -> str:
    return f"{progress_at}#{site_id}#{import_id}"


def parse_import_watch_sk(value: str) -> tuple[str, str, str]:
    """(progress time, site, import id) of :func:`import_watch_sk` (import ids hold no ``#``)."""
    at, rest = value.split("#", 1)
    site_id, import_id = rest.rsplit("#", 1)
    return at, site_id, import_id
# ---- exports: templates and exported files (records in the site partition) ----


def export_template_sk(template_id: str) -> str:
    return f"EXPTPL#{template_id}"


def export_sk(export_id: str) -> str:
    return f"EXPORT#{export_id}"


def export_object_key(site_id: str, export_id: str) -> str:
    """S3 key of an exported workbook; the bucket expires ``exports/`` after a day."""
    return f"exports/{site_id}/{export_id}.xlsx"


# ---- payment requests (order partition) -------------------------------------------

PAYREQ_PREFIX = "PAYREQ#"


def payreq_sk(request_id: str) -> str:
    return f"{PAYREQ_PREFIX}{request_id}"


#: the order's payout lease (one refund run at a time per order)
PAYOUT_LEASE_SK = "PAYOUT"


# ---- delivery tracking: the order's next tracking check (sparse GSI3 on one item per order) ----

#: the order's tracking due item: present while one of its parcels waits for a check (quiet days,
#: webhook renewal, polling); carries GSI3 keys sorted by the time of the earliest check
TRACKING_DUE_ITEM_SK = "DUE#TRACK"
#: as CONFIRM_DUE_SHARDS: each checked parcel moves its due item, up to 2,560 a second
TRACKING_DUE_SHARDS = 8


def tracking_due_gsi_pk(order_id: str) -> str:
    return f"DUE#TRACK#{zlib.crc32(order_id.encode()) % TRACKING_DUE_SHARDS}"


def tracking_due_gsi_pk_shard(shard: int) -> str:
    return f"DUE#TRACK#{shard}"


def tracking_due_sk(check_at: str, site_id: str, order_id: str) -> str:
    return f"{check_at}#{site_id}#{order_id}"


def parse_tracking_due_sk(value: str) -> tuple[str, str, str]:
    """(check time, site, order) of :func:`tracking_due_sk` (times and order ids hold no ``#``)."""
    at, rest = value.split("#", 1)
    site_id, order_id = rest.rsplit("#", 1)
    return at, site_id, order_id
