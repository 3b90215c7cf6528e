"""Stop the local stack mid-import and start it again: the import ends `done` (after the sweep and a
resume) or `failed` with a reason, never `processing` forever.

The S3 emulator runs in its own process with a state directory (as ``make run`` does) and is
killed with SIGKILL; the gateway, its S3 event delivery and scheduler are stopped and rebuilt. The
ingestion dies mid-file (after applying some orders: no status update, no cleanup); the upload's
event still waiting in the emulator's queue dies with the emulator."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from oms.store import files, keys, orders
from oms_local import REPO_ROOT, tokens
from oms_local.ddb import free_port
from oms_local.gateway import Gateway
from oms_local.s3 import create_buckets
from oms_local.s3_events import S3Events
from oms_local.scheduler import Scheduler
from tests.integration.test_invoice_recovery import Killed, crash_after, orders_file
from tests.integration.test_local_s3_state import S3Process

pytestmark = pytest.mark.usefixtures("standard_buyer_points")

class Stack:
    """The parts of the local stack an import goes through (DynamoDB Local stays up: it keeps its
    data on disk under ``make run`` anyway)."""

    def __init__(self, s3: S3Process, table_name: str) -> None:
        self.s3, self.table_name = s3, table_name
        self.gw: Gateway | None = None
        self.events: S3Events | None = None

    def start(self) -> Stack:
        self.s3.start()
        files.reset()  # the endpoint's process changed
        # in-process invocations: the test makes the ingestion die mid-file inside the handler
        self.gw = Gateway(REPO_ROOT / "template.yaml", table_name=self.table_name, port=0, concurrency=0,
                          env={}).start()
        # the sweep's threshold is its template's value: an import is stale at once here
        self.gw.contracts["ImportSweepFunction"].template_env["IMPORT_STALE_MINUTES"] = "0"
        create_buckets(self.s3.client(), self.gw.bucket_names())
        self.events = S3Events(self.gw, self.s3.endpoint)
        self.events.configure()
        return self

    @property
    def bucket(self) -> str:
        assert self.gw is not None
        return self.gw.bucket_names()[0]

    def stop(self) -> None:
        if self.gw is not None:
            self.gw.stop()
            self.gw = None
        self.s3.kill()

    def http(self, method: str, path: str, token: str, body: Any = None) -> tuple[int, dict[str, Any]]:
        assert self.gw is not None
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.gw.url + path, data=data, method=method,
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                return resp.status, json.loads(resp.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read())

    def sweep(self) -> dict[str, Any]:
        assert self.gw is not None
        runs = Scheduler(self.gw, timers=False).run_now("ImportSweepFunction")
        assert runs[0]["ok"], runs
        return dict(runs[0]["result"])


@pytest.fixture
def stack(tmp_path: Path, ddb_endpoint: str, table_name: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Stack]:
    s3 = S3Process(tmp_path / "s3", free_port())
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", s3.endpoint)
    st = Stack(s3, table_name)
    try:
        yield st.start()
    finally:
        st.stop()
        files.reset()


def _upload_and_die(stack: Stack, site_id: str, admin: str, data: bytes, monkeypatch: pytest.MonkeyPatch,
                    after: int) -> tuple[str, str]:
    status, started = stack.http("POST", "/admin/invoices/imports", admin, {"filename": "송장.xlsx"})
    assert status == 201, started
    put = urllib.request.Request(started["upload"]["url"], data=data, method="PUT",
                                 headers=started["upload"]["headers"])
    with urllib.request.urlopen(put, timeout=30) as resp:
        assert resp.status == 200
    assert stack.events is not None
    with monkeypatch.context() as mp:
        crash_after(mp, after)
        with pytest.raises(Killed):
            stack.events.drain(timeout_s=30)  # the function dies while applying
    import_id = started["import_id"]
    status, view = stack.http("GET", f"/admin/invoices/imports/{import_id}", admin)
    assert view["status"] == "processing"
    return import_id, keys.upload_key(site_id, import_id)


def test_restart_mid_import_resumes_to_done(stack: Stack, site_id: str, monkeypatch: pytest.MonkeyPatch) -> None:
    admin = tokens.mint_admin_token(site_id)
    ids, data = orders_file(site_id, 6)
    import_id, key = _upload_and_die(stack, site_id, admin, data, monkeypatch, after=2)

    stack.stop()   # the whole stack goes down (the S3 emulator is killed)
    stack.start()  # and comes back

    status, view = stack.http("GET", f"/admin/invoices/imports/{import_id}", admin)
    assert view["status"] == "processing"  # nobody is running it
    assert stack.s3.client().head_object(Bucket=stack.bucket, Key=key)["ContentLength"] == len(data)  # type: ignore[attr-defined]
    stack.sweep()
    status, view = stack.http("GET", f"/admin/invoices/imports/{import_id}", admin)
    assert view["status"] == "failed" and view["code"] == "IMPORT_STALLED" and view["message_ko"]
    status, view = stack.http("POST", view["resume"]["path"], admin)
    assert status == 202 and view["status"] == "queued"
    assert stack.events is not None and stack.events.drain(timeout_s=30) == 1  # the resume's S3 event
    status, view = stack.http("GET", f"/admin/invoices/imports/{import_id}", admin)
    assert view["status"] == "done", view
    assert (view["rows_applied"], view["orders_applied"], view["progress"]) == (12, 6, 1.0)
    for oid in ids:
        order, _ = orders.load_order(site_id, oid)
        assert {line.status.value for line in order.lines} == {"shipping"} and order.version == 3


def test_restart_with_the_file_gone_fails_with_a_reason(stack: Stack, site_id: str, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    admin = tokens.mint_admin_token(site_id)
    ids, data = orders_file(site_id, 3)
    import_id, _key = _upload_and_die(stack, site_id, admin, data, monkeypatch, after=1)
    stack.stop()
    for f in (tmp_path / "s3").rglob("*"):  # the object is truly gone (say, expired by the lifecycle)
        if f.is_file() and "uploads" in f.name:
            f.unlink()
    stack.start()
    stack.sweep()
    _status, view = stack.http("GET", f"/admin/invoices/imports/{import_id}", admin)
    assert (view["status"], view["code"], view["message"]) == ("failed", "FILE_NOT_AVAILABLE",
                                                               "file no longer available")
    assert view["message_ko"] and "resume" not in view
    assert sum(set(line.status.value for line in orders.load_order(site_id, oid)[0].lines) == {"shipping"}
               for oid in ids) == 1  # what was applied stays applied, once


def test_an_event_that_keeps_failing_goes_to_the_dead_letter_queue(s3_endpoint: str, table_name: str, site_id: str,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import boto3

    from oms.services import invoices

    def broken(*args: Any, **kw: Any) -> Any:
        raise RuntimeError("the function keeps failing")

    monkeypatch.setattr(invoices, "ingest_object", broken)
    files.reset()
    gw = Gateway(REPO_ROOT / "template.yaml", table_name=table_name, port=0, concurrency=0).start()
    try:
        s3 = boto3.client("s3", endpoint_url=s3_endpoint)
        create_buckets(s3, gw.bucket_names())
        events = S3Events(gw, s3_endpoint, max_attempts=2)
        events.configure()
        key = keys.upload_key(site_id, "20260101T000000-dead")
        s3.put_object(Bucket=gw.bucket_names()[0], Key=key, Body=b"PK")
        events.drain(timeout_s=20, quiet_s=1.5)
        assert events.failed == 2
        sqs = boto3.client("sqs", endpoint_url=s3_endpoint)
        got = sqs.receive_message(QueueUrl=events.dead_letter_url("InvoicesFunction"), WaitTimeSeconds=1)
        (msg,) = got["Messages"]
        body = json.loads(msg["Body"])
        from urllib.parse import unquote_plus

        assert unquote_plus(body["requestPayload"]["Records"][0]["s3"]["object"]["key"]) == key  # as AWS encodes it
        assert body["requestContext"]["condition"] == "RetriesExhausted"
        assert "keeps failing" in body["responsePayload"]["errorMessage"]
    finally:
        gw.stop()
        files.reset()
