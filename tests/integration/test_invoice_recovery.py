"""No import is lost: an import that stops making progress (its process died) is found by the sweep
through the sparse GSI3 and marked `failed` with a reason and a resume action; resuming applies only
what is not applied yet; a file that is gone is reported as such."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import boto3
import pytest

from oms.domain.clock import utcnow
from oms.services import invoice_imports, invoices
from oms.store import imports, keys, orders
from oms.store.table import client, table_name
from tests import invoice_corpus as corpus
from tests.integration.test_invoice_ingest import ADMIN, BUCKET, bucket, statuses
from tests.shipping_support import admin, api_order

pytestmark = pytest.mark.usefixtures("standard_buyer_points")

__all__ = ["bucket"]


class Killed(BaseException):
    """The process died: nothing after this point runs (no status update, no cleanup write)."""


def crash_after(monkeypatch: pytest.MonkeyPatch, n: int) -> None:
    """The ingestion dies after applying ``n`` orders."""
    real = invoices._apply_order
    done = [0]

    def apply(*args: Any, **kw: Any) -> Any:
        if done[0] >= n:
            raise Killed()
        done[0] += 1
        return real(*args, **kw)

    monkeypatch.setattr(invoices, "_apply_order", apply)


def orders_file(site_id: str, count: int) -> tuple[list[str], bytes]:
    ids = [api_order(site_id) for _ in range(count)]
    rows = []
    for n, oid in enumerate(ids):
        rows += corpus.rows_for(oid, [f"6312345678{n:02d}"] * 2)
    return ids, corpus.workbook(rows)


def upload(site_id: str, data: bytes) -> str:
    import_id = str(invoices.start_import(site_id, ADMIN, "송장.xlsx")["import_id"])
    boto3.client("s3").put_object(Bucket=BUCKET, Key=keys.upload_key(site_id, import_id), Body=data)
    return import_id


def crashed_import(site_id: str, monkeypatch: pytest.MonkeyPatch, count: int = 5, after: int = 2
                   ) -> tuple[str, list[str]]:
    ids, data = orders_file(site_id, count)
    import_id = upload(site_id, data)
    with monkeypatch.context() as mp:
        crash_after(mp, after)
        with pytest.raises(Killed):
            invoices.ingest_object(BUCKET, keys.upload_key(site_id, import_id), workers=1)
    return import_id, ids


def raw_record(site_id: str, import_id: str) -> dict[str, Any]:
    resp = client().get_item(TableName=table_name(), Key=imports.record_key(site_id, import_id), ConsistentRead=True)
    return dict(resp["Item"])


def later(minutes: float = 21) -> Any:
    return utcnow() + timedelta(minutes=minutes)


def test_a_dead_import_is_marked_failed_with_a_resume_action_and_resumes(
        site_id: str, bucket: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import_id, ids = crashed_import(site_id, monkeypatch)
    record = imports.get(site_id, import_id)
    assert record is not None and record["status"] == "processing"  # stuck: nobody will finish it
    assert "GSI3PK" in raw_record(site_id, import_id)
    shipped = [oid for oid in ids if set(statuses(site_id, oid).values()) == {"shipping"}]
    assert len(shipped) == 2

    # not stale yet: the sweep leaves it alone, resume refuses (it is still running as far as we know)
    invoice_imports.sweep(later(5))
    assert invoices.get_import(site_id, import_id)["status"] == "processing"
    status, body = admin("POST", f"/admin/invoices/imports/{import_id}/resume", site_id)
    assert status == 409 and body["code"] == "IMPORT_IN_PROGRESS"

    invoice_imports.sweep(later())
    view = invoices.get_import(site_id, import_id)
    assert view["status"] == "failed" and view["code"] == "IMPORT_STALLED"
    assert "20분" in view["message_ko"] and view["message"]
    assert view["resume"] == {"method": "POST", "path": f"/admin/invoices/imports/{import_id}/resume"}
    assert "GSI3PK" not in raw_record(site_id, import_id)  # no longer watched: swept once
    again = invoice_imports.sweep(later(60))
    assert invoices.get_import(site_id, import_id)["status"] == "failed" and again["failed"] == []

    status, body = admin("POST", f"/admin/invoices/imports/{import_id}/resume", site_id)
    assert status == 202 and body["status"] == "queued" and "code" not in body
    head = boto3.client("s3").head_object(Bucket=BUCKET, Key=keys.upload_key(site_id, import_id))
    assert head["Metadata"] == {"redelivery": "resume-1"}  # copied onto itself: S3 sends ObjectCreated
    status, body = admin("POST", f"/admin/invoices/imports/{import_id}/resume", site_id)  # double click
    assert status == 202 and body["status"] == "queued" and body["resumes"] == 1

    out = invoices.ingest_object(BUCKET, keys.upload_key(site_id, import_id))  # the copy's event
    assert out["status"] == "done" and out["applied"] == 10
    for oid in ids:
        order, _ = orders.load_order(site_id, oid)
        assert {line.status.value for line in order.lines} == {"shipping"}
        assert order.version == 3  # each order applied exactly once
    view = invoices.get_import(site_id, import_id)
    assert view["status"] == "done" and "resume" not in view and "code" not in view
    assert "GSI3PK" not in raw_record(site_id, import_id)
    status, body = admin("POST", f"/admin/invoices/imports/{import_id}/resume", site_id)  # idempotent
    assert status == 200 and body["status"] == "done"
    assert all(orders.load_order(site_id, oid)[0].version == 3 for oid in ids)


def test_a_file_that_is_gone_is_reported(site_id: str, bucket: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import_id, ids = crashed_import(site_id, monkeypatch, count=3, after=1)
    boto3.client("s3").delete_object(Bucket=BUCKET, Key=keys.upload_key(site_id, import_id))
    invoice_imports.sweep(later())
    view = invoices.get_import(site_id, import_id)
    assert (view["status"], view["code"], view["message"]) == ("failed", "FILE_NOT_AVAILABLE",
                                                               "file no longer available")
    assert "파일을 더 이상 사용할 수 없어" in view["message_ko"] and "resume" not in view
    status, body = admin("POST", f"/admin/invoices/imports/{import_id}/resume", site_id)
    assert status == 409 and body["code"] == "FILE_NOT_AVAILABLE" and body["message_ko"]
    assert sum(set(statuses(site_id, oid).values()) == {"shipping"} for oid in ids) == 1  # nothing more


def test_a_redelivery_after_the_file_is_gone_fails_the_import(site_id: str, bucket: str) -> None:
    import_id = upload(site_id, orders_file(site_id, 1)[1])
    boto3.client("s3").delete_object(Bucket=BUCKET, Key=keys.upload_key(site_id, import_id))
    out = invoices.ingest_object(BUCKET, keys.upload_key(site_id, import_id))
    assert out["status"] == "failed" and out["code"] == "FILE_NOT_AVAILABLE"
    assert invoices.get_import(site_id, import_id)["message"] == "file no longer available"


def test_an_upload_that_never_came_is_reported(site_id: str, bucket: str) -> None:
    import_id = str(invoices.start_import(site_id, ADMIN, "x.xlsx")["import_id"])
    invoice_imports.sweep(later(10))
    assert invoices.get_import(site_id, import_id)["status"] == "awaiting_upload"
    invoice_imports.sweep(later())
    view = invoices.get_import(site_id, import_id)
    assert (view["status"], view["code"]) == ("failed", "UPLOAD_NOT_RECEIVED")


def test_a_finished_import_is_not_watched(site_id: str, bucket: str) -> None:
    _ids, data = orders_file(site_id, 1)
    import_id = upload(site_id, data)
    assert invoices.ingest_object(BUCKET, keys.upload_key(site_id, import_id))["status"] == "done"
    assert "GSI3PK" not in raw_record(site_id, import_id)
    invoice_imports.sweep(later(600))
    assert invoices.get_import(site_id, import_id)["status"] == "done"


def test_the_sweep_finds_stalled_imports_through_the_index_only(site_id: str, bucket: str,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = client()

    class Spy:
        def __getattr__(self, name: str) -> Any:
            calls.append(name)
            return getattr(real, name)

    monkeypatch.setattr(imports, "client", lambda: Spy())
    invoice_imports.sweep(later())
    assert "scan" not in calls
