"""One order change that writes more than the order: load → decide → one transaction.

``run_with_write`` is ``services.orders.run_change`` for changes whose decision also names extra
actions (a payment-request item, a new payment and its PG reference, stock to deduct) and the
items they write, so the answer is built from what was committed, not from a second read.
"""

from __future__ import annotations

from collections.abc import Callable

from oms.domain.clock import iso, utcnow
from oms.domain.order import Actor, Change, Order
from oms.services.orders import Committed, commit, recording_refusals
from oms.store import orders
from oms.store.orders import Write
from oms.store.table import Item

Decision = tuple[Change, Write, list[Item]]


def run_with_write(site_id: str, order_id: str, actor: Actor, action: str,
                   decide: Callable[[Order, list[Item], str], Decision]) -> Committed:
    """Load (consistent) → decide (the change plus extra actions and the items they write) → one
    transaction; the answer is built from what was written."""
    order, items = orders.load_order(site_id, order_id)
    at = iso(utcnow())
    with recording_refusals(site_id, order_id, actor, action):
        change, write, written = decide(order, items, at)
    saved = commit(order, change, write)
    return Committed(saved, _merged(items, written), change.events)


def _merged(items: list[Item], written: list[Item]) -> list[Item]:
    by_sk = {str(i["SK"]): i for i in items}
    for w in written:
        by_sk[str(w["SK"])] = {**by_sk.get(str(w["SK"]), {}), **w}
    return list(by_sk.values())
