"""통합검색 reads: the GSI2 partitions one search term reads, merged newest first, and the count of
the orders it finds (docs/data-model.md, "Unified search"). Every read is a Query on an exact GSI2
partition within the date range: O(results), no Scan, no filter over other orders. And the re-index
that writes the tokens of orders written before they existed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from oms.domain import search_terms
from oms.store import codec, keys
from oms.store.orders import get_headers, put
from oms.store.orders import load as load_order
from oms.store.table import TransactionFailed, client, dump, key, load, table_name, transact

#: an order number as issued (KST day + sequence); such a term also reads the order's header
_ORDER_ID = re.compile(r"^[0-9]{8}-[0-9]{6}$")
#: a full phone number (digits only, at least 8) reads the exact phone lookups; a tracking number
#: (8 or more letters and digits) the tracking lookup
_LONG = 8


@dataclass(frozen=True)
class Plan:
    """What one term reads: GSI2 partition keys, and an order number to get directly."""

    term: str
    partitions: tuple[str, ...]
    order_id: str | None


def plan(site_id: str, raw: str) -> Plan:
    """The partitions of a term (400 SEARCH_TERM_TOO_SHORT when it is too short to search by)."""
    term = search_terms.term(raw)
    pks = [keys.lookup_gsi_pk(site_id, keys.SEARCH_LOOKUP, term)] if len(term) <= search_terms.MAX_TOKEN_CHARS else []
    if not term.isdigit() and len(term) > search_terms.PREFIX_CAP:  # a whole name past the prefix cap
        pks += [keys.lookup_gsi_pk(site_id, kind, codec.normalize_name(raw))
                for kind in ("buyer_name", "recipient_name")]
    if term.isdigit() and len(term) >= _LONG:
        pks += [keys.lookup_gsi_pk(site_id, kind, term) for kind in ("buyer_phone", "recipient_phone")]
    tracking_no = codec.normalize_tracking(raw)
    if len(tracking_no) >= _LONG:
        pks.append(keys.lookup_gsi_pk(site_id, "tracking", tracking_no))
    order_id = raw.strip() if _ORDER_ID.match(raw.strip()) else None
    return Plan(term, tuple(dict.fromkeys(pks)), order_id)


def _pointers(pk: str, lo: str, below: str, want: int) -> list[tuple[str, str]]:
    """Up to ``want`` pointers ``(GSI2SK, order id)`` of one partition, newest first, ``lo <= sk < below``."""
    kwargs: dict[str, Any] = {
        "IndexName": "GSI2",
        "KeyConditionExpression": "GSI2PK = :pk AND GSI2SK BETWEEN :lo AND :hi",
        "ExpressionAttributeValues": dump({":pk": pk, ":lo": lo, ":hi": below}),
        "ProjectionExpression": "order_id, GSI2SK",
        "ScanIndexForward": False,
    }
    out: list[tuple[str, str]] = []
    while len(out) < want:
        kwargs["Limit"] = want - len(out) + 1  # + the pointer at ``below`` itself, read again after a cursor
        resp = client().query(TableName=table_name(), **kwargs)
        for raw in resp.get("Items", []):
            item = load(raw)
            if str(item["GSI2SK"]) < below:
                out.append((str(item["GSI2SK"]), str(item["order_id"])))
        if not resp.get("LastEvaluatedKey"):
            break
        kwargs["ExclusiveStartKey"] = resp["LastEvaluatedKey"]
    return out[:want]


def _header_pointer(site_id: str, order_id: str) -> tuple[str, str] | None:
    found = get_headers(site_id, [order_id]).get(order_id)
    return (keys.created_sk(str(found["created_at"]), order_id), order_id) if found else None


def candidates(site_id: str, p: Plan, lo: str, hi: str, after: str | None,
               want: int) -> tuple[list[tuple[str, str]], bool]:
    """The next ``want`` orders the term finds, newest first, after the pointer ``after`` (the cursor),
    and whether more follow. Each partition holds an order at most once, so the newest ``want`` orders
    overall are among the newest ``want`` of every partition: ``want + 1`` pointers a partition suffice."""
    below = hi if after is None else min(hi, after)
    found: dict[str, str] = {}
    for pk in p.partitions:
        for sk, oid in _pointers(pk, lo, below, want + 1):
            found[oid] = sk
    if p.order_id:
        direct = _header_pointer(site_id, p.order_id)
        if direct and lo <= direct[0] < below:
            found[direct[1]] = direct[0]
    ordered = sorted(((sk, oid) for oid, sk in found.items()), reverse=True)
    return ordered[:want], len(ordered) > want


def matched(site_id: str, p: Plan, lo: str, hi: str, cap: int) -> tuple[list[str], bool]:
    """The orders the term finds in the date range (ids, deduplicated across partitions), at most
    ``cap``, and whether there are more: a keys-only read of at most ``cap + 1`` pointers a partition."""
    ids: dict[str, None] = {}
    for pk in p.partitions:
        ids.update(dict.fromkeys(oid for _, oid in _pointers(pk, lo, hi, cap + 1)))
        if len(ids) > cap:
            break
    if p.order_id and len(ids) <= cap:
        direct = _header_pointer(site_id, p.order_id)
        if direct and lo <= direct[0] < hi:
            ids[direct[1]] = None
    out = list(ids)
    return out[:cap], len(out) > cap


# ---- re-index: the tokens of orders written before they existed --------------------------------


def reindex_order(site_id: str, order_id: str, *, attempts: int = 3) -> int:
    """Put every 통합검색 token item of one order (idempotent Puts), in one transaction conditioned on
    the version read: a change committed meanwhile may have deleted a token this read still had, so
    the order is read again. Answers how many token items were written (0 after ``attempts`` lost races)."""
    for _ in range(attempts):
        order = load_order(site_id, order_id)
        tokens = sorted(v for k, v in codec.lookup_values(order) if k == keys.SEARCH_LOOKUP)
        check = {"ConditionCheck": {"TableName": table_name(), "Key": key(keys.order_pk(site_id, order_id),
                                                                         keys.HEADER_SK),
                                    "ConditionExpression": "version = :v",
                                    "ExpressionAttributeValues": dump({":v": order.version})}}
        try:
            transact([check, *(put(codec.lookup_item(order, keys.SEARCH_LOOKUP, t)) for t in tokens)])
        except TransactionFailed:
            continue
        return len(tokens)
    return 0


def reindex_site(site_id: str) -> int:
    """Re-index every order of a site (read page by page from its 전체 tab, GSI1; no Scan); answers
    how many orders were written."""
    kwargs: dict[str, Any] = {
        "IndexName": "GSI1",
        "KeyConditionExpression": "GSI1PK = :pk",
        "ExpressionAttributeValues": dump({":pk": keys.tab_gsi_pk(site_id, "all")}),
        "ProjectionExpression": "order_id",
    }
    done = 0
    while True:
        resp = client().query(TableName=table_name(), **kwargs)
        for raw in resp.get("Items", []):
            done += 1 if reindex_order(site_id, str(load(raw)["order_id"])) else 0
        if not resp.get("LastEvaluatedKey"):
            return done
        kwargs["ExclusiveStartKey"] = resp["LastEvaluatedKey"]
