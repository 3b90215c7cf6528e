"""Invoice workbook ingestion on DynamoDB Local + the S3 emulator: the corpus of bad workbooks with
the expected outcome per row or per file, and "nothing lost, nothing twice"."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from oms.domain.order import Actor
from oms.excel import invoices as xl
from oms.services import invoices
from oms.store import imports, keys, orders
from tests import invoice_corpus as corpus
from tests.shipping_support import api_order
from tests.support import INVOICE_BUCKET

pytestmark = pytest.mark.usefixtures("standard_buyer_points")

BUCKET = INVOICE_BUCKET  # the one the functions' template environment names
ADMIN = Actor("admin", "admin-1", "관리자")


@pytest.fixture
def bucket(s3_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    from oms_local.s3 import create_buckets

    s3 = boto3.client("s3", endpoint_url=s3_endpoint)
    create_buckets(s3, [BUCKET])
    monkeypatch.setenv("INVOICE_BUCKET", BUCKET)
    yield BUCKET


def upload_and_ingest(site_id: str, data: bytes, **kw: Any) -> tuple[str, dict[str, Any]]:
    started = invoices.start_import(site_id, ADMIN, "test.xlsx")
    import_id = started["import_id"]
    boto3.client("s3").put_object(Bucket=BUCKET, Key=keys.upload_key(site_id, import_id), Body=data)
    out = invoices.ingest_object(BUCKET, keys.upload_key(site_id, import_id), **kw)
    return import_id, out


def result_rows(site_id: str, import_id: str) -> list[dict[str, Any]]:
    record = imports.get(site_id, import_id)
    assert record is not None
    body = boto3.client("s3").get_object(Bucket=BUCKET, Key=record["result_key"])["Body"].read()
    path = f"/tmp/result-{import_id}.xlsx"
    with open(path, "wb") as f:
        f.write(body)
    return xl.read_result(path)


def statuses(site_id: str, oid: str) -> dict[str, str]:
    order, _ = orders.load_order(site_id, oid)
    return {line.line_id: line.status.value for line in order.lines}


def test_row_corpus_expected_outcome_per_row(site_id: str, bucket: str) -> None:
    ok = api_order(site_id)
    blocked = api_order(site_id)          # one good row, one bad row: the order stays untouched
    preparing = api_order(site_id, ready=False)
    foreign_site = site_id + "-other"
    foreign = [api_order(foreign_site, ready=n == 4) for n in range(5)][-1]  # a number this site lacks
    rows = [
        (ok, "L001", "", "", 3, "", "CJ대한통운", "631234567890"),                      # 2 applied
        (ok, "L002", "", "", 1, "", "cj", "6312-3456-7890"),                          # 3 applied (same box)
        (ok, "L002", "", "", 1, "", "CJ대한통운", "631234567890"),                      # 4 duplicate
        ("20991231-999999", "L001", "", "", 1, "", "CJ대한통운", "631234567891"),       # 5 unknown order
        (preparing, "L001", "", "", 3, "", "CJ대한통운", "631234567892"),               # 6 wrong status
        (blocked, "L001", "", "", 3, "", "부엉이택배", "631234567893"),                  # 7 unknown courier
        (blocked, "L002", "", "", 1, "", "롯데택배", "231234567894"),                    # 8 not applied
        (foreign, "L001", "", "", 3, "", "CJ대한통운", "631234567895"),                 # 9 another site's
        (preparing, "L002", "", "", 1, "", "한진택배", ""),                              # 10 empty number
        (ok, "L001", "", "", 3, "", "", ""),                                          # 11 -> duplicate? no: blank
        ("", "", "", "", None, "", "", ""),                                           # 12 empty row: ignored
        ("20991231-999998", "L001", "", "", 1, "", "CJ대한통운", "=HYPERLINK(\"x\")"),  # 13 formula
    ]
    import_id, out = upload_and_ingest(site_id, corpus.workbook(rows))
    assert out["status"] == "done"
    result = result_rows(site_id, import_id)
    numbers = [*range(2, 12), 13]  # row 12 is empty: not an input row
    got = {n: (r["결과"], r["코드"]) for n, r in zip(numbers, result, strict=True)}
    assert got[2] == ("applied", None)
    assert got[3] == ("applied", None)
    assert got[4] == ("skipped", "DUPLICATE_ROW")  # the order ends as the sheet says: not a refusal
    assert got[5] == ("refused", "ORDER_NOT_FOUND")
    assert got[6] == ("refused", "NOT_READY_TO_SHIP")
    assert got[7] == ("refused", "UNKNOWN_COURIER")
    assert got[8] == ("refused", "ORDER_NOT_APPLIED")
    assert got[9] == ("refused", "ORDER_NOT_FOUND")
    assert got[10] == ("refused", "TRACKING_NO_REQUIRED")
    assert got[11] == ("skipped", "NOT_FILLED")
    assert got[13] == ("refused", "FORMULA_NOT_ALLOWED")
    assert result[-1]["송장번호"] == "'=HYPERLINK(\"x\")"  # echoed as text, never as a formula
    assert statuses(site_id, ok) == {"L001": "shipping", "L002": "shipping"}
    order, _ = orders.load_order(site_id, ok)
    assert len(order.shipments) == 1 and next(iter(order.shipments.values())).tracking_no == "631234567890"
    assert statuses(site_id, blocked) == {"L001": "ready_to_ship", "L002": "ready_to_ship"}
    assert statuses(site_id, preparing) == {"L001": "preparing", "L002": "preparing"}
    assert statuses(foreign_site, foreign) == {"L001": "ready_to_ship", "L002": "ready_to_ship"}
    assert orders.get_headers(site_id, [foreign]) == {}
    record = invoices.get_import(site_id, import_id)
    assert (record["rows_total"], record["rows_applied"], record["rows_refused"], record["rows_skipped"]) == \
        (11, 2, 7, 2)
    assert record["status"] == "done" and record["progress"] == 1.0 and "result_url" in record
    # the refused rows, by row number, with their reason (what the console shows next to the progress)
    assert [(r["row"], r["code"]) for r in record["refused_rows"]] == [
        (5, "ORDER_NOT_FOUND"), (6, "NOT_READY_TO_SHIP"), (7, "UNKNOWN_COURIER"), (8, "ORDER_NOT_APPLIED"),
        (9, "ORDER_NOT_FOUND"), (10, "TRACKING_NO_REQUIRED"), (13, "FORMULA_NOT_ALLOWED")]
    assert all(r["message_ko"] for r in record["refused_rows"])
    assert record["refused_rows"][1]["order_id"] == preparing


@pytest.mark.parametrize("name,code", [
    ("not_xlsx", "NOT_XLSX"), ("zip_not_xlsx", "NOT_XLSX"), ("too_large", "FILE_TOO_LARGE"),
    ("zip_bomb", "ZIP_BOMB"), ("xml_entities", "XML_FORBIDDEN"), ("wrong_headers", "HEADERS_INVALID"),
    ("missing_headers", "HEADERS_INVALID"), ("too_many_rows", "TOO_MANY_ROWS"),
])
def test_file_guards_refuse_the_whole_file(site_id: str, bucket: str, monkeypatch: pytest.MonkeyPatch,
                                           name: str, code: str) -> None:
    oid = api_order(site_id)
    good = [(oid, "L001", "", "", 3, "", "CJ대한통운", "631234567890")]
    files = {
        "not_xlsx": corpus.not_xlsx, "zip_not_xlsx": corpus.zip_not_xlsx, "too_large": corpus.too_large,
        "zip_bomb": corpus.zip_bomb, "xml_entities": lambda: corpus.xml_entities(corpus.workbook(good)),
        "wrong_headers": lambda: corpus.workbook(good, headers=["주문번호", "품목", "택배사", "송장"]),
        "missing_headers": lambda: corpus.workbook(good, headers=[]),
        "too_many_rows": lambda: corpus.workbook(good * 6),
    }
    if name == "too_many_rows":
        monkeypatch.setattr(xl, "MAX_ROWS", 5)
    import_id, out = upload_and_ingest(site_id, files[name]())
    assert out == {"import_id": import_id, "status": "refused", "code": code}
    record = invoices.get_import(site_id, import_id)
    assert record["status"] == "refused" and record["code"] == code and record["message_ko"]
    assert statuses(site_id, oid) == {"L001": "ready_to_ship", "L002": "ready_to_ship"}
    assert xl.MAX_BYTES == 10 * 1024 * 1024


def test_limits_are_the_documented_ones() -> None:
    assert xl.MAX_ROWS == 50_000 and xl.MAX_BYTES == 10 * 1024 * 1024


def test_redelivery_and_reupload_apply_nothing_twice(site_id: str, bucket: str) -> None:
    oid = api_order(site_id)
    data = corpus.workbook([(oid, "L001", "", "", 3, "", "CJ", "631234567890"),
                            (oid, "L002", "", "", 1, "", "CJ", "631234567890")])
    import_id, out = upload_and_ingest(site_id, data)
    assert out["applied"] == 2
    version = orders.load_order(site_id, oid)[0].version
    again = invoices.ingest_object(BUCKET, keys.upload_key(site_id, import_id))  # redelivered event
    assert again["redelivery"] is True
    assert orders.load_order(site_id, oid)[0].version == version
    second_id, second = upload_and_ingest(site_id, data)  # the same file uploaded again
    assert second["applied"] == 0 and second["refused"] == 0 and second["skipped"] == 2
    assert {r["코드"] for r in result_rows(site_id, second_id)} == {"ALREADY_APPLIED"}
    assert orders.load_order(site_id, oid)[0].version == version


def test_timeout_mid_file_resumes_without_half_applied_orders(site_id: str, bucket: str) -> None:
    ids = [api_order(site_id) for _ in range(6)]
    rows = []
    for n, oid in enumerate(ids):
        rows += [(oid, "L001", "", "", 3, "", "CJ", f"6312345678{n:02d}"),
                 (oid, "L002", "", "", 1, "", "CJ", f"6312345678{n:02d}")]
    budget = iter([60_000, 60_000, 60_000] + [0] * 100)
    with pytest.raises(invoices.IngestInterrupted):
        upload_and_ingest(site_id, corpus.workbook(rows), remaining_ms=lambda: next(budget), workers=1)
    record = imports.list_recent(site_id)[0]
    assert record["status"] == "interrupted"
    shipped = [oid for oid in ids if set(statuses(site_id, oid).values()) == {"shipping"}]
    untouched = [oid for oid in ids if set(statuses(site_id, oid).values()) == {"ready_to_ship"}]
    assert len(shipped) == 3 and len(shipped) + len(untouched) == 6  # whole orders only
    # the retry (Lambda's async retry delivers the same event) resumes
    out = invoices.ingest_object(BUCKET, keys.upload_key(site_id, record["import_id"]))
    assert out["status"] == "done" and out["applied"] == 12
    for oid in ids:
        order, _ = orders.load_order(site_id, oid)
        assert {line.status.value for line in order.lines} == {"shipping"}
        assert order.version == 3  # intake 1, ready_to_ship 2, one ingestion transaction 3
