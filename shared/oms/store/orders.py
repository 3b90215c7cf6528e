"""Reading and writing orders. Every change is one TransactWriteItems under a version condition."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from oms.domain.errors import Conflict, DomainError, NotFound
from oms.domain.order import Event, Order
from oms.domain.outbox import Intent
from oms.store import codec, keys
from oms.store.cursors import decode_cursor, encode_cursor
from oms.store.table import (
    Item,
    TransactionFailed,
    batch_get,
    client,
    dump,
    key,
    query_all,
    table_name,
    transact,
    version_conflict,
)
from oms.store.table import load as load_item

plain = codec.plain


# ---- actions -----------------------------------------------------------------------------------


def put(item: Item, condition: str | None = None, values: dict[str, Any] | None = None,
        names: dict[str, str] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"TableName": table_name(), "Item": dump(item)}
    if condition:
        body["ConditionExpression"] = condition
    if values:
        body["ExpressionAttributeValues"] = dump(values)
    if names:
        body["ExpressionAttributeNames"] = names
    return {"Put": body}


def delete(pk: str, sk: str) -> dict[str, Any]:
    return {"Delete": {"TableName": table_name(), "Key": key(pk, sk)}}


def update(pk: str, sk: str, expression: str, values: dict[str, Any] | None = None,
           names: dict[str, str] | None = None, condition: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"TableName": table_name(), "Key": key(pk, sk), "UpdateExpression": expression}
    if values:
        body["ExpressionAttributeValues"] = dump(values)
    if names:
        body["ExpressionAttributeNames"] = names
    if condition:
        body["ConditionExpression"] = condition
    return {"Update": body}


#: an event item stays well below DynamoDB's 400 KB item limit; past this budget the per-line events
#: of a large change drop their repeated text (product names, sentences), keeping ids and figures
EVENTS_ITEM_BUDGET = 200_000
_VERBOSE_KEYS = ("text_ko", "product_name")


def _event_dict(e: Event, lean: bool = False) -> dict[str, Any]:
    data = e.data
    if lean and "line_id" in data:
        data = {k: v for k, v in data.items() if k not in _VERBOSE_KEYS}
    return {"kind": e.kind, "actor": e.actor.as_dict(), "at": e.at, "data": data}


def events_item(site_id: str, order_id: str, events: list[Event], nonce: str | None = None,
                intents: Sequence[Intent] = ()) -> Item:
    """ONE timeline item per change, holding every event of it in order (a change of 500 lines
    writes one item, not 500). Sorted by the latest time among its events. It is also the change's
    outbox record: its after-commit ``intents`` ride on it, and the relay records what it delivered
    in its ``delivered`` map (``oms.store.outbox``)."""
    body = [_event_dict(e) for e in events]
    if len(json.dumps(body, ensure_ascii=False, default=str)) * 3 > EVENTS_ITEM_BUDGET:  # bytes, worst case
        body = [_event_dict(e, lean=True) for e in events]
    at = max(e.at for e in events)
    return {
        "PK": keys.order_pk(site_id, order_id),
        "SK": keys.timeline_sk(at, nonce or secrets.token_hex(4)),
        "type": "events",
        "at": at,
        "events": body,
        "intents": [i.as_dict() for i in intents] or None,
        "delivered": {},
    }


def expand_events(items: list[Item]) -> list[Item]:
    """Timeline items (newest first) -> their events, newest first."""
    return [e for it in items for e in reversed(it.get("events", []))]


def _tab_count_update(site_id: str, order_id: str, deltas: dict[str, int]) -> dict[str, Any] | None:
    deltas = {t: d for t, d in deltas.items() if d}
    if not deltas:
        return None
    names = {f"#t{i}": t for i, t in enumerate(sorted(deltas))}
    values = {f":d{i}": deltas[t] for i, t in enumerate(sorted(deltas))}
    expr = "ADD " + ", ".join(f"#t{i} :d{i}" for i in range(len(deltas)))
    return update(keys.tab_count_pk(site_id, keys.tab_count_shard(order_id)), keys.TAB_COUNT_SK, expr, values, names)


@dataclass
class Write:
    """Extra actions added to an order's transaction (stock, payments, guards ...), each asked of the
    store module that owns its items (``oms.store.payments.record_payment_change`` …)."""

    actions: list[dict[str, Any]] = field(default_factory=list)
    #: index in ``actions`` -> the refusal to raise when that action's condition fails
    on_condition_failed: dict[int, DomainError] = field(default_factory=dict)

    def add(self, action: dict[str, Any], refusal: DomainError | None = None) -> None:
        if refusal is not None:
            self.on_condition_failed[len(self.actions)] = refusal
        self.actions.append(action)


def _run(base: list[dict[str, Any]], base_refusal: DomainError, extra: Write | None) -> None:
    actions = list(base)
    refusals: dict[int, DomainError] = {0: base_refusal}
    if extra:
        for i, refusal in extra.on_condition_failed.items():
            refusals[len(actions) + i] = refusal
        actions.extend(extra.actions)
    if len(actions) > MAX_TRANSACTION_ACTIONS:
        raise too_large(len(actions))
    _check_size(actions)
    try:
        transact(actions)
    except TransactionFailed as exc:
        for i, reason in enumerate(exc.reasons):
            if reason == "ConditionalCheckFailed" and i in refusals:
                raise refusals[i] from exc
        if any(r == "TransactionConflict" for r in exc.reasons):
            raise version_conflict() from exc
        raise


#: DynamoDB's limits of one TransactWriteItems (actions, request bytes) and of one item. Sizes are
#: measured on the request JSON (attribute names, type tags and values), which is a little larger
#: than DynamoDB's own count: a change that fits here fits there.
MAX_TRANSACTION_ACTIONS = 100
MAX_TRANSACTION_BYTES = 4_000_000
MAX_ITEM_BYTES = 390_000


def _check_size(actions: list[dict[str, Any]]) -> None:
    total = 0
    for action in actions:
        n = len(json.dumps(action, ensure_ascii=False, separators=(",", ":")).encode())
        if "Put" in action and n > MAX_ITEM_BYTES:
            raise too_large(len(actions), item=str(action["Put"]["Item"]["SK"]["S"]))
        total += n
    if total > MAX_TRANSACTION_BYTES:
        raise too_large(len(actions))


def too_large(actions: int, item: str | None = None) -> DomainError:
    extra: dict[str, Any] = {"actions": actions, "limit": MAX_TRANSACTION_ACTIONS}
    if item:
        extra["item"] = item
    return DomainError(
        "ORDER_CHANGE_TOO_LARGE",
        "한 번에 처리할 수 있는 변경 범위를 넘었습니다. 품목을 나눠서 처리하세요.",
        status=422, extra=extra,
    )


def create(order: Order, events: list[Event], extra: Write | None = None) -> None:
    """Write a new order: header, line chunks, its payments (the checkout's), tabs, lookups,
    counters, due item and its first events, atomically."""
    order.version = 1
    actions = [put(codec.header_item(order), "attribute_not_exists(PK)")]
    actions += [put(codec.lines_item(order, c, lines)) for c, lines in sorted(codec.line_chunks(order).items())]
    actions += [put(codec.payment_item(order, p)) for p in order.payments.values()]
    tabs = order.tabs()
    actions += [put(codec.tab_item(order, t)) for t in sorted(tabs) if t != "all"]
    actions += [put(codec.lookup_item(order, k, v)) for k, v in sorted(codec.lookup_values(order))]
    counter = _tab_count_update(order.site_id, order.order_id, dict.fromkeys(tabs, 1))
    if counter:
        actions.append(counter)
    due_item = codec.due_item(order)
    if due_item:
        actions.append(put(due_item))
    if events:
        actions.append(put(events_item(order.site_id, order.order_id, events, f"{1:08d}")))
    _run(actions, Conflict("ORDER_EXISTS", "이미 존재하는 주문번호입니다."), extra)


def change_actions(before: Order, after: Order, events: list[Event],
                   touched_lines: Iterable[str] = (), intents: Sequence[Intent] = ()) -> list[dict[str, Any]]:
    """The actions of one order's change, header first: header (version+1 under
    ``version = expected``), the line chunks holding changed lines, tab items and counts, lookups,
    the due items (auto-confirm, tracking), one events item. Bounded whatever the number of lines
    (docs/data-model.md)."""
    expected = before.version
    after.version = expected + 1
    site, oid = after.site_id, after.order_id
    pk = keys.order_pk(site, oid)
    actions = [put(codec.header_item(after), "version = :v", {":v": expected})]
    chunks = codec.line_chunks(after)
    for c in sorted({keys.line_chunk(lid) for lid in touched_lines}):
        if c in chunks:
            actions.append(put(codec.lines_item(after, c, chunks[c])))
    old_tabs, new_tabs = before.tabs(), after.tabs()
    actions += [put(codec.tab_item(after, t)) for t in sorted(new_tabs) if t != "all"]
    actions += [delete(pk, keys.tab_sk(t)) for t in sorted(old_tabs - new_tabs)]
    old_lk, new_lk = codec.lookup_values(before), codec.lookup_values(after)
    actions += [put(codec.lookup_item(after, k, v)) for k, v in sorted(new_lk - old_lk)]
    actions += [delete(pk, keys.lookup_sk(k, v)) for k, v in sorted(old_lk - new_lk)]
    deltas = {t: 1 for t in new_tabs - old_tabs} | {t: -1 for t in old_tabs - new_tabs}
    counter = _tab_count_update(site, oid, deltas)
    if counter:
        actions.append(counter)
    old_due, new_due = codec.due_item(before), codec.due_item(after)
    if new_due and new_due != old_due:
        actions.append(put(new_due))
    elif old_due and not new_due:
        actions.append(delete(pk, keys.CONFIRM_DUE_ITEM_SK))
    old_track, new_track = codec.tracking_due_item(before), codec.tracking_due_item(after)
    if new_track and new_track != old_track:
        actions.append(put(new_track))
    elif old_track and not new_track:
        actions.append(delete(pk, keys.TRACKING_DUE_ITEM_SK))
    if intents and not events:
        raise ValueError("intents ride on the change's timeline item: a change with intents records an event")
    if events:
        actions.append(put(events_item(site, oid, events, f"{after.version:08d}", intents)))
    return actions


def save(before: Order, after: Order, events: list[Event], touched_lines: Iterable[str] = (),
         extra: Write | None = None, intents: Sequence[Intent] = ()) -> Order:
    """Commit a change of one order plus ``extra`` in one transaction. A lost race raises
    409 VERSION_CONFLICT and writes nothing."""
    _run(change_actions(before, after, events, touched_lines, intents), version_conflict(), extra)
    return after


def record_refusal(site_id: str, order_id: str, event: Event) -> None:
    """A refused change is written to the timeline (not a change of the order: no version bump),
    only when the order exists in that site: a refusal never writes an item for an order it did
    not find (another site's, or a number not issued yet)."""
    pk = keys.order_pk(site_id, order_id)
    exists = {"ConditionCheck": {"TableName": table_name(), "Key": key(pk, keys.HEADER_SK),
                                 "ConditionExpression": "attribute_exists(PK)"}}
    try:
        transact([exists, put(events_item(site_id, order_id, [event]))])
    except TransactionFailed:
        return


# ---- reads -------------------------------------------------------------------------------------


def load(site_id: str, order_id: str) -> Order:
    """The order with its payments, refund requests and payment requests, from its non-timeline
    items in one strongly consistent Query (paged only past 1 MB): what a change is decided on is
    what the version condition guards."""
    return codec.order_from_items(_order_items(site_id, order_id))


def load_order(site_id: str, order_id: str) -> tuple[Order, list[Item]]:
    """:func:`load` and the raw items as stored (tests that look at the items themselves)."""
    items = _order_items(site_id, order_id)
    return codec.order_from_items(items), items


def _order_items(site_id: str, order_id: str) -> list[Item]:
    items = query_all(
        KeyConditionExpression="PK = :pk AND SK >= :a",
        ExpressionAttributeValues={":pk": {"S": keys.order_pk(site_id, order_id)}, ":a": {"S": "A"}},
        ConsistentRead=True,
    )
    if not any(i["SK"] == keys.HEADER_SK for i in items):
        raise NotFound("order", order_id)
    return items


def load_detail(site_id: str, order_id: str, timeline_limit: int = 30, *,
                consistent: bool = False) -> tuple[Order, list[Item]]:
    """One Query, newest first: every item of the order, then its most recent timeline events
    (``consistent`` for an answer that must see a write made just before, e.g. a replayed intake)."""
    pk = keys.order_pk(site_id, order_id)
    items: list[Item] = []
    events: list[Item] = []
    kwargs: dict[str, Any] = {
        "KeyConditionExpression": "PK = :pk",
        "ExpressionAttributeValues": {":pk": {"S": pk}},
        "ScanIndexForward": False,
        "Limit": 200,
        "ConsistentRead": consistent,
    }
    while True:
        resp = client().query(TableName=table_name(), **kwargs)
        for raw in resp.get("Items", []):
            it = load_item(raw)
            (events if it["SK"].startswith(keys.TIMELINE_PREFIX) else items).append(it)
        if sum(len(e.get("events", ())) for e in events) >= timeline_limit or not resp.get("LastEvaluatedKey"):
            break
        kwargs["ExclusiveStartKey"] = resp["LastEvaluatedKey"]
    if not any(i["SK"] == keys.HEADER_SK for i in items):
        raise NotFound("order", order_id)
    return codec.order_from_items(items), expand_events(events)[:timeline_limit]


def timeline(site_id: str, order_id: str, limit: int, cursor: str | None) -> tuple[list[Item], str | None]:
    kwargs: dict[str, Any] = {
        "KeyConditionExpression": "PK = :pk AND begins_with(SK, :tl)",
        "ExpressionAttributeValues": {
            ":pk": {"S": keys.order_pk(site_id, order_id)},
            ":tl": {"S": keys.TIMELINE_PREFIX},
        },
        "ScanIndexForward": False,
        "Limit": limit,
    }
    if cursor:
        kwargs["ExclusiveStartKey"] = decode_cursor(cursor, {"PK": keys.order_pk(site_id, order_id)})
    resp = client().query(TableName=table_name(), **kwargs)
    items = expand_events([load_item(i) for i in resp.get("Items", [])])
    lek = resp.get("LastEvaluatedKey")
    return items, encode_cursor(lek) if lek else None


def tab_counts(site_id: str) -> dict[str, int]:
    """The shop's tab counts, the sum of its shards (one BatchGetItem)."""
    items = batch_get([key(keys.tab_count_pk(site_id, n), keys.TAB_COUNT_SK) for n in range(keys.TAB_COUNT_SHARDS)])
    out: dict[str, int] = {}
    for it in items:
        for k, v in it.items():
            if k not in ("PK", "SK"):
                out[k] = out.get(k, 0) + int(v)
    return {k: v for k, v in out.items() if v}


def get_headers(site_id: str, order_ids: list[str]) -> dict[str, Item]:
    """Order headers by id (for index pointers)."""
    ids = list(dict.fromkeys(order_ids))
    items = batch_get([key(keys.order_pk(site_id, o), keys.HEADER_SK) for o in ids])
    return {it["order_id"]: it for it in items}


def get_header(site_id: str, order_id: str, *, consistent: bool = False) -> Item:
    """The order's header item (its list row), or 404."""
    resp = client().get_item(TableName=table_name(), Key=key(keys.order_pk(site_id, order_id), keys.HEADER_SK),
                             ConsistentRead=consistent)
    if "Item" not in resp:
        raise NotFound("order", order_id)
    return load_item(resp["Item"])
