"""A bulk job's snapshot is taken by the worker, not in the API call: ``POST /admin/jobs`` answers
202 with the job ``snapshotting`` and nothing of the orders written; the snapshot message writes the
chunks and starts the job once (a redelivery changes nothing); a job over its limit ends ``failed``
with the reason on it; a job cancelled while its snapshot is taken is left alone by the message.
DynamoDB Local + the emulator's SQS and S3, the template's functions in process."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from oms import observability
from oms.services import access_log, jobs
from oms.store import jobs as job_store
from oms.store import keys, keys_jobs, orders
from oms.store.table import batch_get, client, query_all, table_name
from oms_local.gateway import Gateway
from tests.jobs_support import JobEvents, jobs_stack
from tests.shipping_support import api_order
from tests.support import http_event

pytestmark = pytest.mark.usefixtures("standard_buyer_points")


@pytest.fixture(scope="module")
def stack(s3_endpoint: str, ddb_endpoint: str, table_name: str) -> Iterator[tuple[Gateway, JobEvents]]:
    yield jobs_stack(s3_endpoint, table_name)


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jobs, "CHUNK", 4)


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Every job message the relay queues (the bodies, less the correlation id)."""
    out: list[dict[str, Any]] = []
    real = job_store.enqueue

    def spy(bodies: list[dict[str, Any]], correlation_id: str | None = None) -> None:
        out.extend({k: v for k, v in b.items() if k != observability.CORRELATION_KEY} for b in bodies)
        real(bodies, correlation_id)

    monkeypatch.setattr(job_store, "enqueue", spy)
    return out


def api(gw: Gateway, method: str, path: str, site_id: str, body: Any = None) -> tuple[int, Any]:
    resp = gw.invoke_function("ExportsFunction", http_event(method, path, body, site_id=site_id))
    return resp["statusCode"], json.loads(resp["body"]) if resp.get("body") else None


def job_items(site_id: str, job_id: str, prefix: str = "CHUNK#") -> list[dict[str, Any]]:
    """The items of the job's own partition (chunks, START, results) whose sort key starts so."""
    got = query_all(KeyConditionExpression="PK = :pk",
                    ExpressionAttributeValues={":pk": {"S": keys_jobs.bulk_job_pk(site_id, job_id)}})
    return [i for i in got if str(i["SK"]).startswith(prefix)]


def statuses(site_id: str, oid: str) -> set[str]:
    return {line.status.value for line in orders.load_order(site_id, oid)[0].lines}


def mine(sent: list[dict[str, Any]], job_id: str) -> list[dict[str, Any]]:
    return [b for b in sent if b["job_id"] == job_id]


def test_the_worker_takes_the_snapshot_once(stack: tuple[Gateway, JobEvents], site_id: str,
                                            sent: list[dict[str, Any]]) -> None:
    gw, events = stack
    ids = [api_order(site_id, ready=False) for _ in range(6)]
    status, job = api(gw, "POST", "/admin/jobs", site_id, {"action": "status", "to": "ready_to_ship",
                                                           "search": {"tab": "preparing"}})
    assert status == 202, job
    assert (job["status"], job["total"], job["progress"], job["done"]) == ("snapshotting", None, 0.0, 0)
    job_id = job["job_id"]
    assert job_items(site_id, job_id, "") == []  # nothing of the orders in the API call
    listed = api(gw, "GET", "/admin/jobs", site_id)[1]["jobs"]
    assert [(j["job_id"], j["status"]) for j in listed] == [(job_id, "snapshotting")]

    events.stream.drain()  # the relay queues the one snapshot message
    assert mine(sent, job_id) == [{"site_id": site_id, "job_id": job_id, "snapshot": True}]
    message = {"site_id": site_id, "job_id": job_id, "snapshot": True}
    assert jobs.process(message) == {"total": 6, "chunks": 2}
    rec = job_store.get(site_id, job_id, consistent=True)
    assert rec is not None
    assert (rec["status"], rec["total"], rec["left"], rec["chunks"]) == ("running", 6, 6, 2)
    chunks = job_items(site_id, job_id)
    assert sorted(oid for c in chunks for oid in c["order_ids"]) == sorted(ids) and len(chunks) == 2
    events.stream.drain()  # the START item's intent queues the chunks' messages
    assert mine(sent, job_id)[1:] == [{"site_id": site_id, "job_id": job_id, "chunk": n} for n in (0, 1)]

    # a redelivered snapshot message: no chunk, no message, no count changes
    assert jobs.process(message) == {"skipped": True, "status": "running"}
    events.stream.drain()
    assert job_items(site_id, job_id) == chunks and len(mine(sent, job_id)) == 3
    assert job_store.get(site_id, job_id, consistent=True) == rec
    events.drain()  # the queued copy of the snapshot message is skipped too; the chunks run
    got = api(gw, "GET", f"/admin/jobs/{job_id}", site_id)[1]
    assert (got["status"], got["total"], got["done"], got["progress"]) == ("done", 6, 6, 1.0)
    assert len(mine(sent, job_id)) == 3
    # the orders counted on the job's counter shards, never on the job item in the site's partition
    item = client().get_item(TableName=table_name(), Key=job_store.record_key(site_id, job_id),
                             ConsistentRead=True)["Item"]
    assert (item["done"], item["refused"], item["counters"]) == ({"N": "0"}, {"N": "0"}, {"N": "4"})
    assert "updated_at" not in item
    shards = batch_get([{"PK": {"S": keys_jobs.bulk_job_counter_pk(site_id, job_id, n)},
                         "SK": {"S": keys_jobs.BULK_JOB_COUNTER_SK}} for n in range(4)], consistent=True)
    assert len(shards) == 4 and sum(int(c["done"]) for c in shards) == 6
    assert sorted(int(c["done"]) for c in shards) == sorted(
        sum(1 for o in ids if job_store.counter_shard(o, 4) == n) for n in range(4))


def test_a_crash_before_the_start_is_taken_again(stack: tuple[Gateway, JobEvents], site_id: str,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    gw, events = stack
    ids = [api_order(site_id, ready=False) for _ in range(5)]
    job_id = api(gw, "POST", "/admin/jobs", site_id, {"action": "status", "to": "ready_to_ship",
                                                      "search": {"tab": "preparing"}})[1]["job_id"]
    real = job_store.start

    def crash(*args: Any, **kwargs: Any) -> bool:
        raise RuntimeError("the function died after writing its chunks")

    monkeypatch.setattr(job_store, "start", crash)
    with pytest.raises(RuntimeError):
        jobs.process({"site_id": site_id, "job_id": job_id, "snapshot": True})
    assert len(job_items(site_id, job_id)) == 2
    assert job_store.get(site_id, job_id, consistent=True)["status"] == "snapshotting"  # type: ignore[index]
    monkeypatch.setattr(job_store, "start", real)
    api_order(site_id, ready=False)  # the list changed in between: the new run's chunks hold it
    events.drain()  # the message again: a run of its own, its chunks the ones the job reads
    got = api(gw, "GET", f"/admin/jobs/{job_id}", site_id)[1]
    assert (got["status"], got["total"], got["done"], got["refused"]) == ("done", 6, 6, 0)
    assert len(job_items(site_id, job_id)) == 2 + 2
    assert all(statuses(site_id, o) == {"ready_to_ship"} for o in ids)


def test_over_the_limit_the_job_fails_with_its_reason(stack: tuple[Gateway, JobEvents], site_id: str,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    gw, events = stack
    for _ in range(3):
        api_order(site_id)
    monkeypatch.setitem(jobs.FILE_LIMITS, "print", 2)
    status, job = api(gw, "POST", "/admin/jobs", site_id, {"action": "print", "search": {"tab": "ready_to_ship"}})
    assert status == 202 and job["status"] == "snapshotting", job
    events.drain()
    got = api(gw, "GET", f"/admin/jobs/{job['job_id']}", site_id)[1]
    assert (got["status"], got["error"], got["error_ko"]) == (
        "failed", "JOB_TOO_LARGE", "주문서 출력은 한 번에 2건까지 가능합니다.")
    assert got["finished_at"] and got["total"] is None and "file" not in got
    assert job_items(site_id, job["job_id"], "") == []
    monkeypatch.setattr(jobs, "MAX_ORDERS", 2)
    job = api(gw, "POST", "/admin/jobs", site_id, {"action": "deliver_no_shipping"})[1]
    events.drain()
    got = api(gw, "GET", f"/admin/jobs/{job['job_id']}", site_id)[1]
    assert (got["status"], got["error"]) == ("failed", "JOB_TOO_LARGE")
    assert got["error_ko"] == "한 작업은 주문 2건까지 처리할 수 있습니다. 기간을 나눠 주세요."


def test_cancel_while_the_snapshot_is_taken(stack: tuple[Gateway, JobEvents], site_id: str,
                                            sent: list[dict[str, Any]]) -> None:
    gw, events = stack
    oid = api_order(site_id, ready=False)
    job_id = api(gw, "POST", "/admin/jobs", site_id, {"action": "status", "to": "ready_to_ship",
                                                      "search": {"tab": "preparing"}})[1]["job_id"]
    status, canceled = api(gw, "POST", f"/admin/jobs/{job_id}/cancel", site_id)
    assert status == 200 and (canceled["status"], canceled["total"]) == ("canceled", None)
    events.drain()
    assert jobs.process({"site_id": site_id, "job_id": job_id, "snapshot": True}) == {
        "skipped": True, "status": "canceled"}
    assert job_items(site_id, job_id, "") == [] and mine(sent, job_id) == []  # canceled before it was queued
    got = api(gw, "GET", f"/admin/jobs/{job_id}", site_id)[1]
    assert got["status"] == "canceled"
    assert statuses(site_id, oid) == {"preparing"}


def test_a_personal_export_is_recorded_by_the_worker(stack: tuple[Gateway, JobEvents], site_id: str) -> None:
    gw, events = stack
    ids = [api_order(site_id) for _ in range(2)]
    body = {"action": "export", "template_id": "basic", "search": {"tab": "ready_to_ship"}, "personal": True,
            "reason": "택배사 업로드"}
    status, job = api(gw, "POST", "/admin/jobs", site_id, body)
    assert status == 202, job
    day = access_log.utcnow().astimezone(access_log.KST).date().isoformat()
    assert access_log.search(site_id, date_from=day, date_to=day, action="export")["records"] == []
    events.drain()
    (rec,) = access_log.search(site_id, date_from=day, date_to=day, action="export")["records"]
    assert sorted(rec["order_ids"]) == sorted(ids) and rec["size"] == 2 and rec["reason"] == "택배사 업로드"
    assert rec["detail"] == {"job_id": job["job_id"]} and rec["operator_id"] == job["created_by"]
    assert rec["ip"] != "-"
    assert api(gw, "GET", f"/admin/jobs/{job['job_id']}", site_id)[1]["status"] == "done"


def test_a_snapshot_message_that_cannot_be_queued_fails_the_job(stack: tuple[Gateway, JobEvents],
                                                                site_id: str) -> None:
    from oms.services import relay
    from oms.store import outbox

    gw, _ = stack
    job_id = api(gw, "POST", "/admin/jobs", site_id, {"action": "print"})[1]["job_id"]
    rec = outbox.get(keys.site_pk(site_id), keys_jobs.bulk_job_sk(job_id))
    assert rec is not None and [i.data.get("snapshot") for i in rec.intents] == [True]
    d = relay.Delivery(rec, rec.intents[0], attempt=5, max_attempts=5)
    jobs.give_up(d, relay.Retry("QueueDoesNotExist", "작업 대기열에 넣지 못했습니다."))
    got = api(gw, "GET", f"/admin/jobs/{job_id}", site_id)[1]
    assert (got["status"], got["error"]) == ("failed", "QueueDoesNotExist")
    assert got["error_ko"] == "작업 대기열에 넣지 못했습니다."
    assert api(gw, "POST", f"/admin/jobs/{job_id}/cancel", site_id)[0] == 409
