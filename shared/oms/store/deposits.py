"""Bank deposits read from the site's deposit feed and the accounts' cursors (docs/data-model.md,
"Bank deposits").

- A deposit item (``DEP#<account>#<provider transaction id>``) is put once, on the condition that
  it does not exist, in the same transaction that records what it did (the order's confirmation, or
  nothing): a row the feed repeats is refused by that condition and counted once.
- While unmatched it carries the sparse GSI1 keys of the site's 미확인 입금 list, and it is counted
  on the home screen's ``deposits_unmatched`` (:mod:`oms.store.home_counts`): +1 in the transaction
  that puts it unmatched, −1 in the one that matches or dismisses it.
- An account item (``ACCT#<account>``) holds the feed's cursor, the earliest time it may be read
  again (the provider's limit, a back-off) and the consecutive failures.
"""

from __future__ import annotations

import os
from typing import Any

from oms.domain.errors import Conflict
from oms.store import home_counts, queues
from oms.store.keys_deposits import (
    BANK_DUE_SHARDS,
    account_sk,
    bank_due_gsi_pk,
    bank_due_gsi_pk_shard,
    bank_due_sk,
    deposit_sk,
    deposits_pk,
    unmatched_gsi_pk,
)
from oms.store.orders import plain
from oms.store.table import client, dump, key, table_name
from oms.store.table import load as _load


def load(raw: dict[str, Any]) -> dict[str, Any]:
    """An item with plain numbers (ints, not Decimals: the API answers them as numbers)."""
    return dict(plain(_load(raw)))


def already_recorded() -> Conflict:
    return Conflict("DEPOSIT_ALREADY_RECORDED", "이미 기록된 입금입니다.")


def put_deposit_action(site_id: str, record: dict[str, Any]) -> dict[str, Any]:
    """The conditional put of a new deposit (``record``: account, tx_id, amount, depositor, at, status …)."""
    item = {"PK": deposits_pk(site_id), "SK": deposit_sk(record["account"], record["tx_id"]), "type": "deposit",
            "site_id": site_id, **record}
    if record.get("status") == "unmatched":
        item.update(GSI1PK=unmatched_gsi_pk(site_id), GSI1SK=f"{record['at']}#{record['tx_id']}")
    return {"Put": {"TableName": table_name(), "Item": dump(item),
                    "ConditionExpression": "attribute_not_exists(PK)"}}


def new_deposit_actions(site_id: str, record: dict[str, Any]) -> list[dict[str, Any]]:
    """The conditional put of a new deposit and, when it is unmatched, its +1 on the home counter
    (the put first: its condition is the one that refuses a repeated row)."""
    actions = [put_deposit_action(site_id, record)]
    if record.get("status") == "unmatched":
        actions.append(home_counts.add_action(site_id, "deposits_unmatched", _subject(record["account"],
                                                                                        record["tx_id"]), 1))
    return actions


def _subject(account: str, tx_id: str) -> str:
    return f"{account}#{tx_id}"


def get_deposit(site_id: str, account: str, tx_id: str) -> dict[str, Any] | None:
    raw = client().get_item(TableName=table_name(), Key=key(deposits_pk(site_id), deposit_sk(account, tx_id)),
                            ConsistentRead=True).get("Item")
    return load(raw) if raw else None


def list_unmatched(site_id: str, limit: int = 50) -> list[dict[str, Any]]:
    resp = client().query(TableName=table_name(), IndexName="GSI1", KeyConditionExpression="GSI1PK = :pk",
                          ExpressionAttributeValues=dump({":pk": unmatched_gsi_pk(site_id)}),
                          ScanIndexForward=False, Limit=limit)
    return [load(i) for i in resp.get("Items", [])]


def get_account(site_id: str, account: str) -> dict[str, Any]:
    """The account's cursor item (``{}`` before its first read); one read."""
    raw = client().get_item(TableName=table_name(), Key=key(deposits_pk(site_id), account_sk(account)),
                            ConsistentRead=True).get("Item")
    return load(raw) if raw else {}


_OWN = frozenset({"PK", "SK", "type", "GSI3PK", "GSI3SK"})


def save_account(site_id: str, account: str, fields: dict[str, Any]) -> None:
    """The account's item as ``fields`` say (cursor, next read, failures, provider, rule …); while it is
    read (``enabled``), its GSI3 keys put it in the due index at ``next_at``."""
    item = {"PK": deposits_pk(site_id), "SK": account_sk(account), "type": "bank_account", "site_id": site_id,
            "account": account, **{k: v for k, v in fields.items() if k not in _OWN}}
    if item.get("enabled") and item.get("next_at"):
        item.update(GSI3PK=bank_due_gsi_pk(site_id, account), GSI3SK=bank_due_sk(str(item["next_at"]), site_id,
                                                                                  account))
    client().put_item(TableName=table_name(), Item=dump(item))


def list_accounts(site_id: str) -> list[dict[str, Any]]:
    """The site's account items (a handful: one query of its partition's ``ACCT#`` range)."""
    resp = client().query(TableName=table_name(), KeyConditionExpression="PK = :pk AND begins_with(SK, :a)",
                          ExpressionAttributeValues=dump({":pk": deposits_pk(site_id), ":a": "ACCT#"}),
                          ConsistentRead=True)
    return [load(i) for i in resp.get("Items", [])]


def due_accounts(now: str, limit: int = 500) -> list[dict[str, Any]]:
    """Every shard's accounts due by ``now`` (the sparse GSI3), at most ``limit`` per shard and run."""
    out: list[dict[str, Any]] = []
    for shard in range(BANK_DUE_SHARDS):
        resp = client().query(TableName=table_name(), IndexName="GSI3",
                              KeyConditionExpression="GSI3PK = :pk AND GSI3SK <= :now",
                              ExpressionAttributeValues=dump({":pk": bank_due_gsi_pk_shard(shard), ":now": now + "~"}),
                              Limit=limit)
        out += [load(i) for i in resp.get("Items", [])]
    return out


#: how many of the site's newest orders waiting for a bank transfer are candidates
CANDIDATE_LIMIT = 200


def open_transfer_orders(site_id: str) -> list[dict[str, Any]]:
    """The list rows of the site's orders waiting for a bank transfer (the 입금대기 tab), newest
    first: one query of the tab index, at most :data:`CANDIDATE_LIMIT` rows."""
    from oms.store.keys import tab_gsi_pk

    out: list[dict[str, Any]] = []
    kwargs: dict[str, Any] = {
        "TableName": table_name(), "IndexName": "GSI1", "KeyConditionExpression": "GSI1PK = :pk",
        "FilterExpression": "payment_method = :m", "ScanIndexForward": False, "Limit": CANDIDATE_LIMIT,
        "ExpressionAttributeValues": dump({":pk": tab_gsi_pk(site_id, "payment_pending"), ":m": "bank_transfer"})}
    while len(out) < CANDIDATE_LIMIT:
        resp = client().query(**kwargs)
        out += [load(i) for i in resp.get("Items", [])]
        if "LastEvaluatedKey" not in resp:
            break
        kwargs["ExclusiveStartKey"] = resp["LastEvaluatedKey"]
    return out[:CANDIDATE_LIMIT]


def enqueue_polls(bodies: list[dict[str, Any]]) -> int:
    """One message per account to poll (``DEPOSIT_POLL_QUEUE_URL``), sent ten at a time."""
    return queues.send_batches(os.environ["DEPOSIT_POLL_QUEUE_URL"], bodies)


def resolve_action(site_id: str, account: str, tx_id: str, status: str, actor: Any, *,
                   order_id: str | None = None, note: str | None = None) -> dict[str, Any]:
    """The update taking an unmatched deposit out of the list (``matched`` to an order, or
    ``dismissed``), on the condition that it is still unmatched; who and when recorded."""
    from oms.domain.clock import iso, utcnow

    values: dict[str, Any] = {":s": status, ":u": "unmatched", ":by": {**actor.as_dict(), "at": iso(utcnow())}}
    sets = ["#s = :s", "resolved_by = :by"]
    for name, value in (("order_id", order_id), ("resolution_note", note)):
        if value is not None:
            values[f":{name}"] = value
            sets.append(f"{name} = :{name}")
    return {"Update": {
        "TableName": table_name(), "Key": key(deposits_pk(site_id), deposit_sk(account, tx_id)),
        "UpdateExpression": f"SET {', '.join(sets)} REMOVE GSI1PK, GSI1SK",
        "ConditionExpression": "#s = :u", "ExpressionAttributeNames": {"#s": "status"},
        "ExpressionAttributeValues": dump(values)}}


def resolved_counter_action(site_id: str, account: str, tx_id: str) -> dict[str, Any]:
    """The −1 on the home counter that goes with :func:`resolve_action` (same transaction)."""
    return home_counts.add_action(site_id, "deposits_unmatched", _subject(account, tx_id), -1)


def resolve(site_id: str, account: str, tx_id: str, status: str, actor: Any, *, note: str | None = None) -> None:
    from oms.store.table import TransactionFailed, transact

    try:
        transact([resolve_action(site_id, account, tx_id, status, actor, note=note),
                  resolved_counter_action(site_id, account, tx_id)])
    except TransactionFailed as exc:
        raise Conflict("DEPOSIT_NOT_UNMATCHED", "이미 처리된 입금입니다.") from exc
