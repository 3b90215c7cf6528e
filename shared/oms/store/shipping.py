"""Writes that span several orders: combined shipping (합배송) is one transaction over every order
it touches, each order's header under its own version condition."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from oms.domain.errors import DomainError
from oms.domain.order import Order
from oms.domain.shipping import ShipChange
from oms.store import codec, keys
from oms.store.orders import _tab_count_update, delete, event_item, put
from oms.store.table import TransactionFailed, transact, version_conflict

MAX_ACTIONS = 100


def change_actions(before: Order, change: ShipChange) -> list[dict[str, Any]]:
    """The actions :func:`oms.store.orders.save` writes for one order, header first."""
    after = change.order
    expected = before.version
    after.version = expected + 1
    site, oid = after.site_id, after.order_id
    pk = keys.order_pk(site, oid)
    actions = [put(codec.header_item(after), "version = :v", {":v": expected})]
    lines = {line.line_id: line for line in after.lines}
    actions += [put(codec.line_item(after, lines[lid])) for lid in sorted(change.touched_lines) if lid in lines]
    for sid in sorted(change.touched_shipments):
        if sid in after.shipments:
            actions.append(put(codec.shipment_item(after, after.shipments[sid])))
        else:
            actions.append(delete(pk, keys.shipment_sk(sid)))
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
    actions += [put(event_item(site, oid, e, f"{after.version:08d}{i:03d}")) for i, e in enumerate(change.events)]
    return actions


def save_many(pairs: Sequence[tuple[Order, ShipChange]]) -> None:
    """All orders' changes in one TransactWriteItems: every order changes, or none does."""
    actions: list[dict[str, Any]] = []
    for before, change in pairs:
        actions += change_actions(before, change)
    if len(actions) > MAX_ACTIONS:
        raise DomainError("COMBINE_TOO_LARGE",
                          "한 번에 합배송할 수 있는 품목 수를 넘었습니다. 주문이나 품목 수를 줄여 주세요.",
                          extra={"actions": len(actions), "limit": MAX_ACTIONS})
    try:
        transact(actions)
    except TransactionFailed as exc:
        raise version_conflict() from exc
