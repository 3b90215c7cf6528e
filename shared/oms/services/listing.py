"""The order list: status tabs with counts, filters, exact lookups, 통합검색 (``q``), cursor
pagination (no Scan)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from oms.domain.clock import iso, kst_day_start_utc
from oms.domain.masking import mask_name, mask_phone
from oms.schemas.orders import ListQuery
from oms.store import codec, keys
from oms.store import search as search_store
from oms.store.cursors import decode_cursor, encode_cursor
from oms.store.orders import get_headers, plain, tab_counts
from oms.store.table import client, dump, load, table_name

_ROW_FIELDS = (
    "order_id", "created_at", "channel", "payment_method", "scope", "buyer_type", "buyer_name",
    "buyer_phone", "recipient_name", "total_quantity", "order_amount", "outstanding", "status_qty",
    "closed", "version", "memo_count", "last_memo", "preview", "line_count", "tracking_issues", "external_order_id",
    "channel_alert",
)
_FILTERS = ("payment_method", "channel", "scope", "buyer_type")


def row(item: dict[str, Any]) -> dict[str, Any]:
    """A list row, the buyer and recipient masked (docs/domain.md, "Staff and personal data")."""
    out = plain({k: item.get(k) for k in _ROW_FIELDS})
    out["tracking_issues"] = out["tracking_issues"] or []
    out["buyer_name"] = mask_name(out["buyer_name"])
    out["recipient_name"] = mask_name(out["recipient_name"])
    if out.get("buyer_phone"):
        out["buyer_phone"] = mask_phone(str(out["buyer_phone"]))
    return dict(out)


def _range(q: ListQuery) -> tuple[str, str]:
    lo = iso(kst_day_start_utc(q.date_from)) if q.date_from else "0"
    hi = iso(kst_day_start_utc(q.date_to + timedelta(days=1))) if q.date_to else "~"
    return lo, hi


def _lookup(q: ListQuery) -> tuple[str, str] | None:
    for kind, value, norm in (
        ("buyer_name", q.buyer_name, codec.normalize_name),
        ("buyer_phone", q.buyer_phone, codec.normalize_phone),
        ("recipient_name", q.recipient_name, codec.normalize_name),
        ("recipient_phone", q.recipient_phone, codec.normalize_phone),
        ("tracking", q.tracking_no, codec.normalize_tracking),
    ):
        if value:
            return kind, norm(value)
    return None


def _item_tabs(item: dict[str, Any]) -> set[str]:
    """The tabs a list row shows under (the header's ``status_qty`` and open tracking issues)."""
    out = {"all", *(s for s, n in (item.get("status_qty") or {}).items() if n)}
    if item.get("tracking_issues"):
        out.add("delivery_issue")
    return out


def _filtered(item: dict[str, Any], q: ListQuery, lo: str, hi: str) -> bool:
    if not lo <= item["created_at"] < hi:
        return False
    return all(getattr(q, f) is None or item.get(f) == getattr(q, f) for f in _FILTERS)


def _matches(item: dict[str, Any], q: ListQuery, lo: str, hi: str) -> bool:
    return str(q.tab) in _item_tabs(item) and _filtered(item, q, lo, hi)


def list_orders(site_id: str, q: ListQuery) -> dict[str, Any]:
    lo, hi = _range(q)
    if q.order_id:
        found = get_headers(site_id, [q.order_id]).get(q.order_id)
        rows = [row(found)] if found and _matches(found, q, lo, hi) else []
        return {"orders": rows, "next_cursor": None, "counts": tab_counts(site_id), "counts_scope": "site"}
    if q.q is not None:
        return _search(site_id, q, lo, hi)
    counts = tab_counts(site_id)
    lk = _lookup(q)
    if lk:
        return _list_by_lookup(site_id, q, lk, lo, hi, counts)
    names = {"#sk": "GSI1SK"}
    values: dict[str, Any] = {":pk": keys.tab_gsi_pk(site_id, str(q.tab)), ":lo": lo, ":hi": hi}
    filters = []
    for f in _FILTERS:
        v = getattr(q, f)
        if v is not None:
            names[f"#{f}"] = f
            values[f":{f}"] = str(v)
            filters.append(f"#{f} = :{f}")
    kwargs: dict[str, Any] = {
        "IndexName": "GSI1",
        "KeyConditionExpression": "GSI1PK = :pk AND #sk BETWEEN :lo AND :hi",
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": dump(values),
        "ScanIndexForward": False,
    }
    if filters:
        kwargs["FilterExpression"] = " AND ".join(filters)
    rows, cursor = _page(kwargs, q.limit, q.cursor, ("PK", "SK", "GSI1PK", "GSI1SK"))
    return {"orders": [row(i) for i in rows], "next_cursor": cursor, "counts": counts, "counts_scope": "site"}


def _page(kwargs: dict[str, Any], limit: int, cursor: str | None,
          key_attrs: tuple[str, ...]) -> tuple[list[dict[str, Any]], str | None]:
    """Read index pages until ``limit`` rows pass the filters; the cursor is the last row's key."""
    if cursor:  # only a cursor of the index partition this query reads (the site's tab or lookup)
        partition = {key_attrs[2]: kwargs["ExpressionAttributeValues"][":pk"]["S"]}
        kwargs["ExclusiveStartKey"] = decode_cursor(cursor, partition)
    out: list[dict[str, Any]] = []
    while True:
        # without a filter, read one row past the page to know whether another page exists
        kwargs["Limit"] = max(limit * 2, 50) if "FilterExpression" in kwargs else limit - len(out) + 1
        resp = client().query(TableName=table_name(), **kwargs)
        items = resp.get("Items", [])
        lek = resp.get("LastEvaluatedKey")
        for idx, raw in enumerate(items):
            out.append(load(raw))
            if len(out) == limit:
                more = idx < len(items) - 1 or bool(lek)
                return out, encode_cursor({k: raw[k] for k in key_attrs}) if more else None
        if not lek:
            return out, None
        kwargs["ExclusiveStartKey"] = lek


def _list_by_lookup(site_id: str, q: ListQuery, lk: tuple[str, str], lo: str, hi: str,
                    counts: dict[str, int]) -> dict[str, Any]:
    kind, value = lk
    kwargs: dict[str, Any] = {
        "IndexName": "GSI2",
        "KeyConditionExpression": "GSI2PK = :pk AND GSI2SK BETWEEN :lo AND :hi",
        "ExpressionAttributeValues": dump({":pk": keys.lookup_gsi_pk(site_id, kind, value), ":lo": lo, ":hi": hi}),
        "ScanIndexForward": False,
    }
    pointers, cursor = _page(kwargs, q.limit, q.cursor, ("PK", "SK", "GSI2PK", "GSI2SK"))
    headers = get_headers(site_id, [p["order_id"] for p in pointers])
    rows = [row(headers[p["order_id"]]) for p in pointers
            if p["order_id"] in headers and _matches(headers[p["order_id"]], q, lo, hi)]
    return {"orders": rows, "next_cursor": cursor, "counts": counts, "counts_scope": "site"}


# ---- 통합검색 ---------------------------------------------------------------------------------------

#: the result count is exact up to this many orders (``total_capped`` past it)
TOTAL_CAP = 1000
#: a search finding at most this many orders answers its own tab counts (``counts_scope: search``)
SEARCH_COUNTS_MAX = 200
#: index pages of ``limit`` orders one answer reads at most while a tab or filter skips rows
_SEARCH_PAGES = 10


def _search(site_id: str, q: ListQuery, lo: str, hi: str) -> dict[str, Any]:
    """The orders one term finds (docs/data-model.md, "Unified search"): the page, newest first; the
    count (``total``: the orders the term finds in the date range, whatever the tab and filters); and
    the tab counts of the search itself when it finds few orders, else the shop's."""
    plan = search_store.plan(site_id, str(q.q))
    partition = {"SEARCH": f"{site_id}#{plan.term}"}
    after = str(decode_cursor(q.cursor, partition)["GSI2SK"]["S"]) if q.cursor else None
    ids, capped = search_store.matched(site_id, plan, lo, hi, TOTAL_CAP)
    answer: dict[str, Any] = {"total": len(ids), "total_capped": capped}
    if not capped and len(ids) <= SEARCH_COUNTS_MAX:
        counts: dict[str, int] = {}
        for item in get_headers(site_id, ids).values():
            if _filtered(item, q, lo, hi):
                for t in _item_tabs(item):
                    counts[t] = counts.get(t, 0) + 1
        answer |= {"counts": counts, "counts_scope": "search"}
    else:
        answer |= {"counts": tab_counts(site_id), "counts_scope": "site"}
    rows: list[dict[str, Any]] = []
    more = False
    for _ in range(_SEARCH_PAGES):
        batch, more = search_store.candidates(site_id, plan, lo, hi, after, q.limit)
        headers = get_headers(site_id, [oid for _, oid in batch])
        for i, (sk, oid) in enumerate(batch):
            after = sk
            if oid in headers and _matches(headers[oid], q, lo, hi):
                rows.append(row(headers[oid]))
            if len(rows) == q.limit:
                more = more or i < len(batch) - 1
                break
        if len(rows) == q.limit or not more:
            break
    cursor = encode_cursor({**{k: {"S": v} for k, v in partition.items()}, "GSI2SK": {"S": after}}) \
        if more and after else None
    return {"orders": rows, "next_cursor": cursor, **answer}
