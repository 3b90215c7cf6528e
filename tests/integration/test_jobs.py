"""Bulk jobs over a whole tab on DynamoDB Local + the emulator's SQS and S3, through the template's
functions (ExportsFunction for the API, JobsWorkerFunction fed by the SQS poller with the event
Lambda sends): stable snapshot (taken by the worker), per-order results, counters that redelivery
never doubles, cancel, partial answers with reasons, export and print files."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import httpx
import openpyxl
import pytest

from oms.services import jobs
from oms.store import orders
from oms_local.gateway import Gateway
from oms_local.sqs_events import SqsEvents
from tests import bulk_reasons_support as reasons
from tests.jobs_support import jobs_stack
from tests.shipping_support import api_order
from tests.support import http_event

pytestmark = pytest.mark.usefixtures("standard_buyer_points")

@pytest.fixture(scope="module")
def stack(s3_endpoint: str, ddb_endpoint: str, table_name: str) -> Iterator[tuple[Gateway, SqsEvents]]:
    # in-process invocations: the tests make the chunks small by patching the job service
    yield jobs_stack(s3_endpoint, table_name)


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jobs, "CHUNK", 4)  # several messages from a handful of orders


def api(gw: Gateway, method: str, path: str, site_id: str, body: Any = None) -> tuple[int, Any]:
    resp = gw.invoke_function("ExportsFunction", http_event(method, path, body, site_id=site_id))
    return resp["statusCode"], json.loads(resp["body"]) if resp.get("body") else None


def snap(site_id: str, job_id: str) -> dict[str, Any]:
    """The job's snapshot message, handled now (the relay's copy of it is skipped later)."""
    return jobs.process({"site_id": site_id, "job_id": job_id, "snapshot": True})


def statuses(site_id: str, oid: str) -> set[str]:
    order, _ = orders.load_order(site_id, oid)
    return {line.status.value for line in order.lines}


def test_move_a_whole_tab_with_partial_results(stack: tuple[Gateway, SqsEvents], site_id: str) -> None:
    gw, events = stack
    preparing = [api_order(site_id, ready=False) for _ in range(9)]
    ready = [api_order(site_id) for _ in range(2)]  # nothing of theirs may move to 배송대기 again
    status, job = api(gw, "POST", "/admin/jobs", site_id, {"action": "status", "to": "ready_to_ship",
                                                           "search": {"tab": "all"}})
    assert status == 202, job
    assert (job["status"], job["total"], job["done"], job["progress"]) == ("snapshotting", None, 0, 0.0)
    assert snap(site_id, job["job_id"]) == {"total": 11, "chunks": 3}
    later = api_order(site_id, ready=False)  # after the snapshot: not part of the job
    events.drain()
    status, got = api(gw, "GET", f"/admin/jobs/{job['job_id']}", site_id)
    assert status == 200
    assert (got["status"], got["done"], got["refused"], got["progress"]) == ("partial", 9, 2, 1.0)
    assert sorted(r["order_id"] for r in got["results"]) == sorted(ready)
    assert {(r["code"], r["message_ko"]) for r in got["results"]} == {("SAME_STATUS", "이미 배송대기 상태입니다.")}
    assert all(statuses(site_id, o) == {"ready_to_ship"} for o in preparing)
    assert statuses(site_id, later) == {"preparing"}
    # redelivery of every chunk: nothing applied or counted twice
    for n in range(got_chunks(site_id, job["job_id"])):
        jobs.process({"site_id": site_id, "job_id": job["job_id"], "chunk": n})
    again = api(gw, "GET", f"/admin/jobs/{job['job_id']}", site_id)[1]
    assert (again["done"], again["refused"], again["status"]) == (9, 2, "partial")
    # the refused orders' timelines carry the refusal once
    events_of = orders.timeline(site_id, ready[0], 50, None)[0]
    assert [e["data"]["job_id"] for e in events_of if e["kind"] == "refused"] == [job["job_id"]]
    listed = api(gw, "GET", "/admin/jobs", site_id)[1]["jobs"]
    assert [j["job_id"] for j in listed] == [job["job_id"]]


def got_chunks(site_id: str, job_id: str) -> int:
    from oms.store import jobs as job_store

    rec = job_store.get(site_id, job_id)
    assert rec is not None
    return int(rec["chunks"])


def test_redelivered_chunk_mid_job_counts_once(stack: tuple[Gateway, SqsEvents], site_id: str) -> None:
    gw, events = stack
    ids = [api_order(site_id, ready=False) for _ in range(6)]
    job = api(gw, "POST", "/admin/jobs", site_id, {"action": "status", "to": "ready_to_ship",
                                                   "search": {"tab": "preparing"}})[1]
    snap(site_id, job["job_id"])
    first = {"site_id": site_id, "job_id": job["job_id"], "chunk": 0}
    assert jobs.process(first) == {"done": 4, "refused": 0, "skipped": 0}
    assert jobs.process(first) == {"done": 0, "refused": 0, "skipped": 4}  # a second delivery
    mid = api(gw, "GET", f"/admin/jobs/{job['job_id']}", site_id)[1]
    assert (mid["status"], mid["done"]) == ("running", 4)
    events.drain()
    end = api(gw, "GET", f"/admin/jobs/{job['job_id']}", site_id)[1]
    assert (end["status"], end["done"], end["refused"], end["total"]) == ("done", 6, 0, 6)
    assert all(statuses(site_id, o) == {"ready_to_ship"} for o in ids)


def test_cancel_stops_the_rest(stack: tuple[Gateway, SqsEvents], site_id: str) -> None:
    gw, events = stack
    ids = [api_order(site_id, ready=False) for _ in range(8)]
    job = api(gw, "POST", "/admin/jobs", site_id, {"action": "status", "to": "ready_to_ship",
                                                   "search": {"tab": "preparing"}})[1]
    snap(site_id, job["job_id"])
    jobs.process({"site_id": site_id, "job_id": job["job_id"], "chunk": 0})
    status, canceled = api(gw, "POST", f"/admin/jobs/{job['job_id']}/cancel", site_id)
    assert status == 200 and canceled["status"] == "canceled" and canceled["done"] == 4
    # a worker already past the job's status check when the cancel landed: each order's transaction
    # finds its counter shard cancelled and applies nothing
    from oms.domain.order import Actor
    from oms.store import jobs as job_store

    rec = job_store.get(site_id, job["job_id"], consistent=True)
    assert rec is not None and rec["counters"] == 4
    actor = Actor.from_dict(rec["actor"])
    late = job_store.chunk(site_id, job["job_id"], 1, rec["run"])
    assert [jobs._one(site_id, job["job_id"], o, jobs._decide(rec, actor), actor, "status", 4) for o in late] == [
        "skipped"] * 4
    assert all(statuses(site_id, o) == {"preparing"} for o in late)
    events.drain()
    end = api(gw, "GET", f"/admin/jobs/{job['job_id']}", site_id)[1]
    assert (end["status"], end["done"]) == ("canceled", 4)
    moved = [o for o in ids if statuses(site_id, o) == {"ready_to_ship"}]
    assert len(moved) == 4
    status, body = api(gw, "POST", f"/admin/jobs/{job['job_id']}/cancel", site_id)
    assert status == 409 and body["code"] == "JOB_NOT_RUNNING"


def test_export_job_of_a_tab(stack: tuple[Gateway, SqsEvents], site_id: str) -> None:
    gw, events = stack
    ids = [api_order(site_id) for _ in range(5)]
    status, job = api(gw, "POST", "/admin/jobs", site_id, {"action": "export", "template_id": "basic",
                                                           "search": {"tab": "ready_to_ship"}})
    assert status == 202 and (job["status"], job["total"]) == ("snapshotting", None)
    events.drain()
    got = api(gw, "GET", f"/admin/jobs/{job['job_id']}", site_id)[1]
    assert got["status"] == "done" and got["total"] == 5 and got["file"]["file_name"].endswith(".xlsx")
    resp = httpx.get(got["file"]["url"])
    ws = openpyxl.load_workbook(io.BytesIO(resp.content)).active
    assert sorted({r[0] for r in ws.iter_rows(min_row=2, values_only=True)}) == sorted(ids)
    assert ws.max_row == 1 + 10  # two lines each


def test_print_job_and_validation(stack: tuple[Gateway, SqsEvents], site_id: str) -> None:
    gw, events = stack
    [api_order(site_id) for _ in range(3)]
    job = api(gw, "POST", "/admin/jobs", site_id, {"action": "print", "search": {"tab": "ready_to_ship"}})[1]
    events.drain()
    got = api(gw, "GET", f"/admin/jobs/{job['job_id']}", site_id)[1]
    assert got["status"] == "done"
    pdf = httpx.get(got["file"]["url"])
    assert pdf.content[:5] == b"%PDF-" and pdf.headers["content-type"] == "application/pdf"
    status, body = api(gw, "POST", "/admin/jobs", site_id, {"action": "status"})
    assert status == 400 and body["code"] == "VALIDATION_FAILED"
    status, body = api(gw, "POST", "/admin/jobs", site_id, {"action": "export", "template_id": "nope"})
    assert status == 404 and body["code"] == "EXPORT_TEMPLATE_NOT_FOUND"
    status, empty = api(gw, "POST", "/admin/jobs", site_id, {"action": "status", "to": "shipping",
                                                             "search": {"tab": "delivered"}})
    assert status == 202 and (empty["status"], empty["total"]) == ("snapshotting", None)
    events.drain()
    empty = api(gw, "GET", f"/admin/jobs/{empty['job_id']}", site_id)[1]
    assert (empty["status"], empty["total"], empty["progress"]) == ("done", 0, 1.0) and empty["finished_at"]
    assert api(gw, "GET", "/admin/jobs/nope", site_id)[1]["code"] == "JOB_NOT_FOUND"


def test_worker_reports_only_the_failed_message(stack: tuple[Gateway, SqsEvents], site_id: str) -> None:
    gw, _ = stack
    ok = {"site_id": site_id, "job_id": "no-such-job", "chunk": 0}  # unknown job: acknowledged
    bad = {"site_id": site_id}  # malformed: fails, so SQS redelivers it (then the DLQ)
    records = [{"messageId": f"m{i}", "receiptHandle": f"r{i}", "body": json.dumps(b), "attributes": {},
                "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:ap-northeast-2:000000000000:q", "awsRegion": "ap-northeast-2"}
               for i, b in enumerate([ok, bad])]
    out = gw.invoke_function("JobsWorkerFunction", {"Records": records})
    assert out == {"batchItemFailures": [{"itemIdentifier": "m1"}]}


def test_a_job_refuses_each_order_with_the_single_routes_reason(
        stack: tuple[Gateway, SqsEvents], site_id: str) -> None:
    gw, events = stack
    movable = api_order(site_id, ready=False)
    refused = [reasons.tracked(site_id), reasons.shipping(site_id), reasons.cancelled(site_id),
               reasons.cancel_requested(site_id)]
    before = {oid: reasons.state(site_id, oid) for oid in refused}
    expected = {oid: reasons.single_refusal(site_id, oid, "cancel_requested") for oid in refused}
    assert sorted(code for code, _ in expected.values()) == [
        "CANCEL_NOT_ALLOWED_AFTER_SHIPPING", "CANCEL_NOT_ALLOWED_WITH_TRACKING", "LINE_IN_FINAL_STATUS", "SAME_STATUS"]

    status, job = api(gw, "POST", "/admin/jobs", site_id, {"action": "status", "to": "cancel_requested",
                                                           "search": {"tab": "all"}})
    assert status == 202, job
    events.drain()
    got = api(gw, "GET", f"/admin/jobs/{job['job_id']}", site_id)[1]
    assert (got["status"], got["done"], got["refused"]) == ("partial", 1, 4)
    assert {r["order_id"]: (r["code"], r["message_ko"]) for r in got["results"]} == expected
    assert statuses(site_id, movable) == {"cancel_requested"}
    assert {oid: reasons.state(site_id, oid) for oid in refused} == before


def test_the_same_idempotency_key_twice_starts_one_job(stack: tuple[Gateway, SqsEvents], site_id: str) -> None:
    gw, events = stack
    api_order(site_id, ready=False)
    body = {"action": "status", "to": "ready_to_ship", "search": {"tab": "preparing"}}

    def post(key: str, payload: dict[str, Any]) -> tuple[int, Any, dict[str, str]]:
        resp = gw.invoke_function("ExportsFunction", http_event("POST", "/admin/jobs", payload, site_id=site_id,
                                                                headers={"Idempotency-Key": key}))
        return resp["statusCode"], json.loads(resp["body"]), resp.get("headers") or {}

    first, again = post("job-1", body), post("job-1", body)
    assert first[0] == again[0] == 202 and again[1] == first[1]
    assert again[2].get("Idempotent-Replayed") == "true"
    assert [j["job_id"] for j in api(gw, "GET", "/admin/jobs", site_id)[1]["jobs"]] == [first[1]["job_id"]]
    assert post("job-1", {**body, "to": "cancel_requested"})[1]["code"] == "IDEMPOTENCY_KEY_REUSED"
    events.drain()
    done = api(gw, "GET", f"/admin/jobs/{first[1]['job_id']}", site_id)[1]
    assert (done["status"], done["done"], done["total"]) == ("done", 1, 1)
