"""End to end on the local stack (gateway over HTTP, DynamoDB Local, S3 emulator with event delivery):
download the template → fill it → upload to the presigned URL → S3 event → poll the import →
units in 배송중, result workbook correct."""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from oms.excel import invoices as xl
from oms_local import REPO_ROOT, tokens
from oms_local.gateway import Gateway
from oms_local.s3 import create_buckets
from oms_local.s3_events import S3Events
from tests import invoice_corpus as corpus
from tests.support import order_payload

pytestmark = pytest.mark.usefixtures("standard_buyer_points")


@pytest.fixture(scope="module")
def stack(s3_endpoint: str, ddb_endpoint: str, table_name: str) -> Iterator[tuple[Gateway, S3Events]]:
    gw = Gateway(REPO_ROOT / "template.yaml", table_name=table_name, port=0).start()
    import boto3

    create_buckets(boto3.client("s3", endpoint_url=s3_endpoint), gw.bucket_names())
    events = S3Events(gw, s3_endpoint)
    events.configure()
    try:
        yield gw, events
    finally:
        gw.stop()


def http(gw: Gateway, method: str, path: str, token: str, body: Any = None) -> tuple[int, bytes]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(gw.url + path, data=data, method=method,
                                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def test_template_fill_upload_poll_shipping(stack: tuple[Gateway, S3Events], site_id: str) -> None:
    gw, events = stack
    admin = tokens.mint_admin_token(site_id)
    service = tokens.service_token()
    ids = []
    for _ in range(2):
        status, raw = http(gw, "POST", "/intake/orders", service, order_payload(site_id))
        assert status in (200, 201), raw
        ids.append(json.loads(raw)["order_id"])
    status, raw = http(gw, "POST", "/admin/orders/bulk/status", admin, {"order_ids": ids, "to": "ready_to_ship"})
    assert status == 200 and json.loads(raw)["done"] == 2

    # one order works
    status, one = http(gw, "GET", f"/admin/invoices/template?order_ids={ids[0]}", admin)
    assert status == 200 and one[:2] == b"PK"
    path = "/tmp/" + site_id + "-one.xlsx"
    with open(path, "wb") as f:
        f.write(one)
    assert [(r[0], r[1]) for _, r, _ in
            ((n, (v["order_id"], v["line_id"]), f) for n, v, f in xl.iter_rows(path))] == \
        [(ids[0], "L001"), (ids[0], "L002")]
    # many orders work; the courier column has a dropdown
    status, many = http(gw, "GET", f"/admin/invoices/template?order_ids={ids[0]},{ids[1]}", admin)
    assert status == 200
    import io

    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(many))
    ws = wb["송장등록"]
    assert [c.value for c in ws[1]] == list(xl.HEADERS)
    assert ws.max_row == 5
    dv = ws.data_validations.dataValidation[0]
    assert dv.type == "list" and "G2:G5" in str(dv.sqref)

    filled = corpus.fill(many, {(ids[0], "L001"): ("CJ대한통운", "631234567890"),
                                (ids[0], "L002"): ("CJ대한통운", "631234567890"),
                                (ids[1], "L001"): ("롯데택배", "234567890123")})
    status, raw = http(gw, "POST", "/admin/invoices/imports", admin, {"filename": "송장.xlsx"})
    assert status == 201, raw
    started = json.loads(raw)
    put = urllib.request.Request(started["upload"]["url"], data=filled, method="PUT",
                                 headers=started["upload"]["headers"])
    with urllib.request.urlopen(put, timeout=30) as resp:
        assert resp.status == 200
    # the S3 emulator sends ObjectCreated; deliver it (make run does this on a thread)
    assert events.drain(timeout_s=30) == 1
    record: dict[str, Any] = {}
    for _ in range(50):
        status, raw = http(gw, "GET", f"/admin/invoices/imports/{started['import_id']}", admin)
        record = json.loads(raw)
        if record["status"] in ("done", "refused"):
            break
        time.sleep(0.1)
    assert record["status"] == "done", record
    assert (record["rows_total"], record["rows_applied"], record["rows_refused"], record["rows_skipped"]) == \
        (4, 3, 0, 1)

    status, raw = http(gw, "GET", f"/admin/orders/{ids[0]}", admin)
    detail = json.loads(raw)
    assert {li["status"] for li in detail["lines"]} == {"shipping"}
    assert {li["tracking_no"] for li in detail["lines"]} == {"631234567890"}
    status, raw = http(gw, "GET", f"/admin/orders/{ids[1]}", admin)
    lines = {li["line_id"]: li for li in json.loads(raw)["lines"]}
    assert lines["L001"]["status"] == "shipping" and lines["L002"]["status"] == "ready_to_ship"

    with urllib.request.urlopen(record["result_url"], timeout=30) as resp:
        result_bytes = resp.read()
    rpath = "/tmp/" + site_id + "-result.xlsx"
    with open(rpath, "wb") as f:
        f.write(result_bytes)
    rows = xl.read_result(rpath)
    assert [(r["주문번호"], r["품목번호"], r["결과"]) for r in rows] == [
        (ids[0], "L001", "applied"), (ids[0], "L002", "applied"), (ids[1], "L001", "applied"),
        (ids[1], "L002", "skipped")]

    status, raw = http(gw, "GET", "/admin/invoices/imports", admin)
    assert json.loads(raw)["imports"][0]["import_id"] == started["import_id"]
    # another site cannot read the import
    status, raw = http(gw, "GET", f"/admin/invoices/imports/{started['import_id']}",
                       tokens.mint_admin_token(site_id + "x"))
    assert status == 404
