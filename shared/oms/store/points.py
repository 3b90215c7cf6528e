"""The points ledger and membership items of a member (one partition per member of a site).

Ledger: append-only entries (``PT#<at>#<ref>``, Put under ``attribute_not_exists``) plus one balance
item (``POINTS``) updated with ``ADD`` in the same transaction; a deduction is conditioned on
``balance >= amount`` so the balance never goes below zero. Membership: one item (``MEMBERSHIP``,
days and group) and its history entries (``MS#<at>#<ref>``).
"""

from __future__ import annotations

from typing import Any

from oms.domain.errors import Conflict, NotFound
from oms.store import keys
from oms.store.cursors import decode_cursor, encode_cursor
from oms.store.orders import Write, plain, put, update
from oms.store.table import Item, TransactionFailed, client, key, load, table_name, transact


def insufficient(balance_hint: int | None = None) -> Conflict:
    return Conflict("POINTS_INSUFFICIENT", "적립금 잔액이 부족합니다. 잔액보다 많이 차감할 수 없습니다.",
                    extra={"balance": balance_hint} if balance_hint is not None else None)


def entry_item(site_id: str, member_id: str, *, at: str, ref: str, kind: str, amount: int,
               reason: str, by: str, **data: Any) -> Item:
    return {
        "PK": keys.member_pk(site_id, member_id),
        "SK": keys.points_entry_sk(at, ref),
        "type": "points_entry",
        "site_id": site_id,
        "member_id": member_id,
        "kind": kind,
        "amount": amount,
        "reason": reason,
        "by": by,
        "at": at,
        **{k: v for k, v in data.items() if v is not None},
    }


def add_entries(write: Write, site_id: str, member_id: str, entries: list[Item], at: str) -> None:
    """Append entries and move the balance by their sum, in ``write``'s transaction.

    One balance action per member (a transaction may touch an item once); a net deduction is
    refused with 409 POINTS_INSUFFICIENT when the balance is smaller.
    """
    if not entries:
        return
    for e in entries:
        write.add(put(e, "attribute_not_exists(PK)"),
                  Conflict("POINTS_ENTRY_EXISTS", "이미 기록된 적립금 내역입니다.", extra={"sk": e["SK"]}))
    net = sum(int(e["amount"]) for e in entries)
    values: dict[str, Any] = {":d": net, ":at": at, ":site": site_id, ":member": member_id}
    condition = None
    if net < 0:
        values[":need"] = -net
        condition = "balance >= :need"
    write.add(
        update(keys.member_pk(site_id, member_id), keys.POINTS_BALANCE_SK,
               "ADD balance :d SET updated_at = :at, site_id = :site, member_id = :member, #t = :type",
               {**values, ":type": "points_balance"}, {"#t": "type"}, condition),
        insufficient() if net < 0 else None,
    )


def balance(site_id: str, member_id: str) -> int:
    resp = client().get_item(TableName=table_name(), Key=key(keys.member_pk(site_id, member_id),
                                                               keys.POINTS_BALANCE_SK), ConsistentRead=True)
    return int(load(resp["Item"]).get("balance", 0)) if "Item" in resp else 0


def ledger(site_id: str, member_id: str, limit: int, cursor: str | None) -> tuple[list[Item], str | None]:
    """Entries newest first, one page per Query."""
    kwargs: dict[str, Any] = {
        "KeyConditionExpression": "PK = :pk AND begins_with(SK, :p)",
        "ExpressionAttributeValues": {":pk": {"S": keys.member_pk(site_id, member_id)},
                                      ":p": {"S": keys.POINTS_ENTRY_PREFIX}},
        "ScanIndexForward": False,
        "Limit": limit,
    }
    if cursor:
        kwargs["ExclusiveStartKey"] = decode_cursor(cursor, {"PK": keys.member_pk(site_id, member_id)})
    resp = client().query(TableName=table_name(), **kwargs)
    items = [plain(load(i)) for i in resp.get("Items", [])]
    lek = resp.get("LastEvaluatedKey")
    return items, encode_cursor(lek) if lek else None


def commit_entries(site_id: str, member_id: str, entries: list[Item], at: str) -> None:
    """A ledger change on its own (manual adjustment): one transaction."""
    write = Write()
    add_entries(write, site_id, member_id, entries, at)
    try:
        transact(write.actions)
    except TransactionFailed as exc:
        for i, reason in enumerate(exc.reasons):
            if reason == "ConditionalCheckFailed" and i in write.on_condition_failed:
                raise write.on_condition_failed[i] from exc
        raise


# ---- membership ---------------------------------------------------------------------------------


def membership_entry(site_id: str, member_id: str, *, at: str, ref: str, kind: str, days: int,
                     by: str, **data: Any) -> Item:
    return {
        "PK": keys.member_pk(site_id, member_id),
        "SK": keys.membership_entry_sk(at, ref),
        "type": "membership_entry",
        "kind": kind,
        "days": days,
        "by": by,
        "at": at,
        **{k: v for k, v in data.items() if v is not None},
    }


def membership_change(write: Write, site_id: str, member_id: str, entries: list[Item], at: str,
                      in_group: bool | None) -> None:
    """Move the pass days by the entries' sum and set the group flag, in ``write``'s transaction."""
    for e in entries:
        write.add(put(e, "attribute_not_exists(PK)"))
    net = sum(int(e["days"]) for e in entries)
    expr = "ADD days :d SET updated_at = :at, site_id = :site, member_id = :member, #t = :type"
    values: dict[str, Any] = {":d": net, ":at": at, ":site": site_id, ":member": member_id,
                              ":type": "membership"}
    if in_group is not None:
        expr += ", in_group = :g"
        values[":g"] = in_group
    write.add(update(keys.member_pk(site_id, member_id), keys.MEMBERSHIP_SK, expr, values, {"#t": "type"}))


def membership(site_id: str, member_id: str) -> dict[str, Any]:
    """The member's pass days, group flag and history (one Query of the member's MS# entries + item)."""
    pk = keys.member_pk(site_id, member_id)
    resp = client().query(
        TableName=table_name(),
        KeyConditionExpression="PK = :pk AND SK BETWEEN :a AND :b",
        ExpressionAttributeValues={":pk": {"S": pk}, ":a": {"S": keys.MEMBERSHIP_SK},
                                   ":b": {"S": keys.MEMBERSHIP_ENTRY_PREFIX + "\uffff"}},
        ScanIndexForward=False,
    )
    items = [plain(load(i)) for i in resp.get("Items", [])]
    head = next((i for i in items if i["SK"] == keys.MEMBERSHIP_SK), None)
    if head is None:
        raise NotFound("member", member_id)
    history = [{k: v for k, v in i.items() if k not in ("PK", "SK", "type")}
               for i in items if i["SK"].startswith(keys.MEMBERSHIP_ENTRY_PREFIX)]
    return {"member_id": member_id, "days": int(head.get("days", 0)), "in_group": bool(head.get("in_group")),
            "updated_at": head.get("updated_at"), "history": history}


def remove_group(site_id: str, member_id: str, at: str, by: str, reason: str) -> None:
    write = Write()
    write.add(update(keys.member_pk(site_id, member_id), keys.MEMBERSHIP_SK,
                     "SET in_group = :f, updated_at = :at", {":f": False, ":at": at},
                     condition="attribute_exists(PK)"), NotFound("member", member_id))
    write.add(put(membership_entry(site_id, member_id, at=at, ref="group-removed", kind="group_removed",
                                   days=0, by=by, reason=reason)))
    try:
        transact(write.actions)
    except TransactionFailed as exc:
        if exc.reasons and exc.reasons[0] == "ConditionalCheckFailed":
            raise NotFound("member", member_id) from exc
        raise
