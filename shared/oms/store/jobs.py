"""Bulk job items and the job queue.

- ``S#<site>`` / ``BULKJOB#<job>``: the job (action, parameters, status, total, done, refused,
  left, chunks, the snapshot's ``run``, file key), in the site partition.
- ``S#<site>#BULKJOB#<job>`` / ``CHUNK#<run>#<n>``: the snapshot of matching order ids taken by the
  worker's run ``run``, in chunks (one queue message per chunk). A second delivery of the snapshot
  message writes chunks of its own run; the job names the run that won its start (jobs made
  before the worker took snapshots have ``CHUNK#<n>`` and no run).
- ``S#<site>#BULKJOB#<job>`` / ``START``: the record of the snapshot's end, written in the same
  transaction as the job's move to ``running``; its ``job_start`` intent queues the chunks' messages.
- ``S#<site>#BULKJOB#<job>#COUNT#<0..3>`` / ``COUNT``: a change job's counters (``done``, ``refused``)
  and its own copy of ``status`` (``running`` until the job is cancelled), written with the job's
  start; an order's result ``ADD``s to the shard of its order id (``counter_shard``), on the
  condition that the shard is running, so cancel (which moves the job and its shards in one
  transaction) stops the counting without any order's transaction touching the job item. Reading
  a job sums its shards (one BatchGetItem); ``left`` is ``total`` less both sums. Jobs started
  before the shards (no ``counters`` on the job) count on the job item as before.
- ``S#<site>#BULKJOB#<job>`` / ``ORD#<order>``: one order's result (done / refused + reason),
  put with ``attribute_not_exists`` in the same transaction as the counters (and, for a change,
  as the order's own change), so a redelivered chunk never counts an order twice.

A job that ends ``failed`` is counted on the home screen's day item (``jobs_failed``,
:mod:`oms.store.home_counts`) in the same transaction as its status change.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Sequence
from typing import Any

from oms import observability
from oms.domain.outbox import Intent
from oms.store import home_counts, keys, keys_jobs, queues
from oms.store.orders import plain, put, update
from oms.store.table import (
    Item,
    TransactionFailed,
    batch_get,
    client,
    dump,
    key,
    load,
    query_all,
    table_name,
    transact,
)

#: counter items of a change job (partition keys of their own, see the module's docstring)
COUNTER_SHARDS = 4


def record_key(site_id: str, job_id: str) -> dict[str, Any]:
    return key(keys.site_pk(site_id), keys_jobs.bulk_job_sk(job_id))


def counter_shard(order_id: str, shards: int) -> int:
    """The shard an order's result counts on: the same for every delivery of the order."""
    return zlib.crc32(order_id.encode()) % shards


def create(site_id: str, job_id: str, record: dict[str, Any], intents: Sequence[Intent] = ()) -> None:
    """The job item, which carries the intent that queues its snapshot message (the outbox relay
    sends it once the item exists)."""
    item = {"PK": keys.site_pk(site_id), "SK": keys_jobs.bulk_job_sk(job_id), "type": "bulk_job", "job_id": job_id,
            **record, "intents": [i.as_dict() for i in intents] or None, "delivered": {} if intents else None}
    client().put_item(TableName=table_name(), Item=dump(item), ConditionExpression="attribute_not_exists(PK)")


def write_chunks(site_id: str, job_id: str, run: str, chunks: list[list[str]]) -> None:
    """The snapshot's chunks under the run's own keys (a repeat of the run's Puts writes the same)."""
    c = client()
    for n, ids in enumerate(chunks):
        c.put_item(TableName=table_name(), Item=dump({"PK": keys_jobs.bulk_job_pk(site_id, job_id),
                                                       "SK": keys_jobs.bulk_job_chunk_sk(n, run), "order_ids": ids}))


def start(site_id: str, job_id: str, fields: dict[str, Any], intents: Sequence[Intent], at: str) -> bool:
    """The snapshot's end, one transaction: the job's counts and status (on the condition that it is
    still ``snapshotting``) and, when it has work, the ``START`` item carrying the intent that queues
    it. False: the job had moved on (cancelled, or another delivery of the message started it)."""
    names = {f"#f{i}": k for i, k in enumerate(fields)} | {"#st": "status"}
    values = {f":v{i}": v for i, v in enumerate(fields.values())} | {":snap": "snapshotting"}
    actions: list[dict[str, Any]] = [{"Update": {
        "TableName": table_name(), "Key": record_key(site_id, job_id),
        "UpdateExpression": "SET " + ", ".join(f"#f{i} = :v{i}" for i in range(len(fields))),
        "ConditionExpression": "#st = :snap", "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": dump(values)}}]
    for n in range(int(fields.get("counters") or 0)):
        actions.append(put({"PK": keys_jobs.bulk_job_counter_pk(site_id, job_id, n),
                            "SK": keys_jobs.BULK_JOB_COUNTER_SK, "type": "job_counter", "done": 0, "refused": 0,
                            "status": "running"},
                           "attribute_not_exists(PK)"))
    if intents:
        actions.append(put({"PK": keys_jobs.bulk_job_pk(site_id, job_id), "SK": keys_jobs.BULK_JOB_START_SK,
                            "type": "bulk_job_start", "site_id": site_id, "job_id": job_id, "created_at": at,
                            "intents": [i.as_dict() for i in intents], "delivered": {}},
                           "attribute_not_exists(PK)"))
    return _transact_if(actions)


def _transact_if(actions: list[dict[str, Any]]) -> bool:
    """One transaction; False when a condition of it did not hold (the job moved on meanwhile)."""
    try:
        transact(actions)
    except TransactionFailed as exc:
        if exc.reasons and "ConditionalCheckFailed" in exc.reasons:
            return False
        raise
    return True


def get(site_id: str, job_id: str, consistent: bool = False) -> Item | None:
    """The job with its counters summed (``done``, ``refused``, ``left``)."""
    resp = client().get_item(TableName=table_name(), Key=record_key(site_id, job_id), ConsistentRead=consistent)
    return _counted(site_id, [plain(load(resp["Item"]))], consistent)[0] if "Item" in resp else None


def list_recent(site_id: str, limit: int) -> list[Item]:
    resp = client().query(
        TableName=table_name(), KeyConditionExpression="PK = :pk AND begins_with(SK, :p)",
        ExpressionAttributeValues={":pk": {"S": keys.site_pk(site_id)}, ":p": {"S": "BULKJOB#"}},
        ScanIndexForward=False, Limit=limit)
    return _counted(site_id, [plain(load(i)) for i in resp.get("Items", [])], False)


def _counted(site_id: str, recs: list[Item], consistent: bool) -> list[Item]:
    """Jobs counted on shards get their sums (one BatchGetItem for all of them)."""
    owner = {keys_jobs.bulk_job_counter_pk(site_id, str(r["job_id"]), n): str(r["job_id"])
             for r in recs for n in range(int(r.get("counters") or 0))}
    if not owner:
        return recs
    sums: dict[str, list[int]] = {}
    for item in batch_get([key(pk, keys_jobs.BULK_JOB_COUNTER_SK) for pk in owner], consistent=consistent):
        got = sums.setdefault(owner[str(item["PK"])], [0, 0])
        got[0] += int(item.get("done", 0))
        got[1] += int(item.get("refused", 0))
    for r in recs:
        if r.get("counters"):
            done, refused = sums.get(str(r["job_id"]), [0, 0])
            r.update(done=done, refused=refused, left=int(r["total"]) - done - refused)
    return recs


def chunk(site_id: str, job_id: str, n: int, run: str = "") -> list[str]:
    resp = client().get_item(TableName=table_name(), Key=key(keys_jobs.bulk_job_pk(site_id, job_id),
                                                              keys_jobs.bulk_job_chunk_sk(n, run)))
    return [str(i) for i in load(resp["Item"])["order_ids"]] if "Item" in resp else []


def set_fields(site_id: str, job_id: str, fields: dict[str, Any], condition_status: str | None = None) -> bool:
    """SET ``fields``; with ``condition_status`` only while the job has that status. False: it had not."""
    names = {f"#f{i}": k for i, k in enumerate(fields)} | {"#st": "status"}
    values = {f":v{i}": v for i, v in enumerate(fields.values())}
    kwargs: dict[str, Any] = {"TableName": table_name(), "Key": record_key(site_id, job_id),
                              "UpdateExpression": "SET " + ", ".join(f"#f{i} = :v{i}" for i in range(len(fields)))}
    if condition_status:
        kwargs["ConditionExpression"] = "#st = :expect"
        values[":expect"] = condition_status
    else:
        names.pop("#st")
    kwargs["ExpressionAttributeNames"] = names
    kwargs["ExpressionAttributeValues"] = dump(values)
    if fields.get("status") == "failed" and condition_status:
        return _fail(site_id, kwargs, str(fields.get("finished_at") or ""))
    try:
        client().update_item(**kwargs)
    except client().exceptions.ConditionalCheckFailedException:
        return False
    return True


def _fail(site_id: str, update_kwargs: dict[str, Any], at: str) -> bool:
    """The job's move to ``failed`` (under its status condition) and the day's failed-job count, in
    one transaction."""
    from oms.domain.clock import iso, utcnow

    try:
        transact([{"Update": update_kwargs}, home_counts.job_failed_action(site_id, at or iso(utcnow()))])
    except TransactionFailed as exc:
        if exc.reasons and exc.reasons[0] == "ConditionalCheckFailed":
            return False
        raise
    return True


def result_actions(site_id: str, job_id: str, order_id: str, result: dict[str, Any], at: str, shards: int = 0
                   ) -> list[dict[str, Any]]:
    """The result Put (once per order) and the counters ADD (only while the job runs): on the order's
    counter shard when the job has ``shards``, else on the job item (a job started before them)."""
    counter = "done" if result["result"] == "done" else "refused"
    result_put = put({"PK": keys_jobs.bulk_job_pk(site_id, job_id), "SK": keys_jobs.bulk_job_result_sk(order_id),
                      "type": "job_result", "order_id": order_id, **result, "at": at}, "attribute_not_exists(PK)")
    if shards:
        return [result_put, update(
            keys_jobs.bulk_job_counter_pk(site_id, job_id, counter_shard(order_id, shards)),
            keys_jobs.BULK_JOB_COUNTER_SK,
            "ADD #c :one", {":one": 1, ":running": "running"}, {"#c": counter, "#st": "status"},
            condition="#st = :running")]
    return [result_put, update(
        keys.site_pk(site_id), keys_jobs.bulk_job_sk(job_id), "ADD #c :one, #left :minus SET updated_at = :at",
        {":one": 1, ":minus": -1, ":at": at, ":running": "running"},
        {"#c": counter, "#left": "left", "#st": "status"}, condition="#st = :running")]


def record_result(site_id: str, job_id: str, order_id: str, result: dict[str, Any], at: str, shards: int = 0
                  ) -> None:
    transact(result_actions(site_id, job_id, order_id, result, at, shards))


def cancel(site_id: str, job_id: str, status: str, shards: int, at: str) -> bool:
    """Cancel a job read as ``status`` (running or snapshotting): the job and, when running, its
    counter shards in one transaction, each on the condition that it is still so. False: it had
    moved on."""
    actions: list[dict[str, Any]] = [update(
        keys.site_pk(site_id), keys_jobs.bulk_job_sk(job_id), "SET #st = :canceled, canceled_at = :at",
        {":canceled": "canceled", ":at": at, ":was": status}, {"#st": "status"}, condition="#st = :was")]
    for n in range(shards if status == "running" else 0):
        actions.append(update(keys_jobs.bulk_job_counter_pk(site_id, job_id, n), keys_jobs.BULK_JOB_COUNTER_SK,
                              "SET #st = :canceled", {":canceled": "canceled", ":running": "running"},
                              {"#st": "status"}, condition="#st = :running"))
    return _transact_if(actions)


def results(site_id: str, job_id: str, refused_only: bool, limit: int) -> list[Item]:
    kwargs: dict[str, Any] = {
        "KeyConditionExpression": "PK = :pk AND begins_with(SK, :o)",
        "ExpressionAttributeValues": {":pk": {"S": keys_jobs.bulk_job_pk(site_id, job_id)}, ":o": {"S": "ORD#"}},
    }
    if refused_only:
        kwargs["FilterExpression"] = "#r = :refused"
        kwargs["ExpressionAttributeNames"] = {"#r": "result"}
        kwargs["ExpressionAttributeValues"][":refused"] = {"S": "refused"}
    return [plain(i) for i in query_all(**kwargs)[:limit]]


# ---- the queue ----------------------------------------------------------------------------------


def enqueue(bodies: list[dict[str, Any]], correlation_id: str | None = None) -> None:
    """Send the job messages (the relay's ``job_start`` delivery); each carries the correlation id of
    the API request that made the job, so the worker logs under it."""
    url = os.environ["JOBS_QUEUE_URL"]
    if correlation_id:
        bodies = [{**b, observability.CORRELATION_KEY: correlation_id} for b in bodies]
    queues.send_batches(url, bodies)
