"""Saved views of the order list in the single table (docs/data-model.md, "Saved views"; keys in
:mod:`oms.store.keys_views`).

Every write is one transaction over the view, its scope's counter and its name item, so a scope
never holds more than its limit nor two views of one name, however many saves race. A change is
conditional on the version the operator read. Reads: one Query per scope (each bounded by its
limit), one BatchGetItem of the two keys a view id can have for the caller (shared, or theirs).
"""

from __future__ import annotations

from typing import Any

from oms.store import keys
from oms.store import keys_views as vk
from oms.store.orders import plain, put, update
from oms.store.table import Item, TransactionFailed, batch_get, key, query_all, table_name, transact

#: what a refused transaction failed on
LIMIT, NAME_TAKEN, CHANGED = "limit", "name_taken", "changed"


class Refused(Exception):
    """A write's condition failed: ``reason`` is :data:`LIMIT`, :data:`NAME_TAKEN` or :data:`CHANGED`."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _strip(item: Item) -> Item:
    return {k: v for k, v in plain(item).items() if k not in ("PK", "SK", "type")}


def list_scope(site_id: str, scope_key: str) -> list[Item]:
    """One scope's views (a Query of its prefix; the scope's limit bounds it)."""
    items = query_all(
        KeyConditionExpression="PK = :pk AND begins_with(SK, :p)",
        ExpressionAttributeValues={":pk": {"S": keys.site_pk(site_id)}, ":p": {"S": vk.views_prefix(scope_key)}},
        ConsistentRead=True)
    return [_strip(i) for i in items]


def find(site_id: str, view_id: str, scope_keys: list[str]) -> Item | None:
    """The view ``view_id`` in one of ``scope_keys`` (one BatchGetItem), None when in none of them."""
    raw = [key(keys.site_pk(site_id), vk.view_sk(s, view_id)) for s in scope_keys]
    found = batch_get(raw, consistent=True)
    return _strip(found[0]) if found else None


def _scope_of(view: Item) -> str:
    return vk.scope(None if view["shared"] else str(view["owner"]["id"]))


def _view_put(site_id: str, view: Item, condition: str, values: dict[str, Any] | None = None) -> dict[str, Any]:
    item = {"PK": keys.site_pk(site_id), "SK": vk.view_sk(_scope_of(view), str(view["view_id"])),
            "type": "saved_view", **view}
    return put(item, condition, values)


def _count(site_id: str, scope_key: str, step: int, limit: int | None = None) -> dict[str, Any]:
    values: dict[str, Any] = {":step": step, ":t": "saved_view_count"}
    condition = None
    if limit is not None:
        values[":max"] = limit
        condition = "attribute_not_exists(#n) OR #n < :max"
    return update(keys.site_pk(site_id), vk.view_count_sk(scope_key), "SET #t = :t ADD #n :step", values,
                  {"#n": "n", "#t": "type"}, condition=condition)


def _name_put(site_id: str, scope_key: str, view: Item) -> dict[str, Any]:
    item = {"PK": keys.site_pk(site_id), "SK": vk.view_name_sk(scope_key, str(view["name"])),
            "type": "saved_view_name", "view_id": view["view_id"]}
    return put(item, "attribute_not_exists(PK)")


def _name_delete(site_id: str, scope_key: str, view: Item) -> dict[str, Any]:
    return {"Delete": {"TableName": table_name(),
                       "Key": key(keys.site_pk(site_id), vk.view_name_sk(scope_key, str(view["name"])))}}


def _run(actions: list[tuple[str | None, dict[str, Any]]]) -> None:
    """One transaction; a failed condition raises :class:`Refused` with what the action guarded."""
    try:
        transact([a for _, a in actions])
    except TransactionFailed as exc:
        for (what, _), reason in zip(actions, exc.reasons, strict=False):
            if reason == "ConditionalCheckFailed" and what:
                raise Refused(what) from exc
        raise


def create(site_id: str, view: Item, limit: int) -> None:
    """Write a new view, count it (refused past ``limit``) and claim its name in its scope."""
    scope_key = _scope_of(view)
    _run([(LIMIT, _count(site_id, scope_key, 1, limit)),
          (CHANGED, _view_put(site_id, view, "attribute_not_exists(PK)")),
          (NAME_TAKEN, _name_put(site_id, scope_key, view))])


def replace(site_id: str, before: Item, after: Item, limit: int) -> None:
    """Replace ``before`` (as read, conditional on its version) by ``after``: its name item moves when
    the name changes, the view and both counters move when the scope changes (``limit`` of the new scope)."""
    old, new = _scope_of(before), _scope_of(after)
    actions: list[tuple[str | None, dict[str, Any]]] = []
    if old == new:
        body = _view_put(site_id, after, "#v = :v", {":v": before["version"]})
        body["Put"]["ExpressionAttributeNames"] = {"#v": "version"}
        actions.append((CHANGED, body))
    else:
        gone: dict[str, Any] = {"Delete": {
            "TableName": table_name(), "Key": key(keys.site_pk(site_id), vk.view_sk(old, str(before["view_id"]))),
            "ConditionExpression": "#v = :v", "ExpressionAttributeNames": {"#v": "version"},
            "ExpressionAttributeValues": {":v": {"N": str(before["version"])}}}}
        actions += [(CHANGED, gone), (None, _view_put(site_id, after, "attribute_not_exists(PK)")),
                    (None, _count(site_id, old, -1)), (LIMIT, _count(site_id, new, 1, limit))]
    if old != new or vk.name_key(str(before["name"])) != vk.name_key(str(after["name"])):
        actions += [(None, _name_delete(site_id, old, before)), (NAME_TAKEN, _name_put(site_id, new, after))]
    _run(actions)


def delete(site_id: str, view: Item) -> None:
    """Remove a view (conditional on the version read), uncount it and free its name."""
    scope_key = _scope_of(view)
    gone = {"Delete": {
        "TableName": table_name(), "Key": key(keys.site_pk(site_id), vk.view_sk(scope_key, str(view["view_id"]))),
        "ConditionExpression": "#v = :v", "ExpressionAttributeNames": {"#v": "version"},
        "ExpressionAttributeValues": {":v": {"N": str(view["version"])}}}}
    _run([(CHANGED, gone), (None, _count(site_id, scope_key, -1)), (None, _name_delete(site_id, scope_key, view))])
