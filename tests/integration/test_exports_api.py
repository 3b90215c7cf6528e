"""Exports and order sheets through ExportsFunction's handler on DynamoDB Local + the S3 emulator:
template CRUD and validation naming the bad column, export of chosen orders downloaded through the
presigned URL and opened with openpyxl, the export record, order sheets (HTML and PDF)."""

from __future__ import annotations

import io
import json
import logging
import urllib.parse
from collections.abc import Iterator
from typing import Any

import boto3
import httpx
import openpyxl
import pytest

from oms.store import keys
from oms.store.table import client, key, load, table_name
from tests.exports_support import exports_call
from tests.shipping_support import admin, api_order
from tests.support import EXPORT_BUCKET, call, http_event

pytestmark = pytest.mark.usefixtures("standard_buyer_points")

BUCKET = EXPORT_BUCKET  # the one ExportsFunction's template environment names


@pytest.fixture
def bucket(s3_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    from oms_local.s3 import create_buckets

    create_buckets(boto3.client("s3", endpoint_url=s3_endpoint), [BUCKET])
    monkeypatch.setenv("EXPORT_BUCKET", BUCKET)
    yield BUCKET


def exp(method: str, path: str, site_id: str, body: Any = None, query: dict[str, Any] | None = None
        ) -> tuple[int, Any, dict[str, Any]]:
    return exports_call(method, path, site_id, body, query=query)


def _order(site_id: str, message: str = "=1+1") -> str:
    oid = api_order(site_id, recipient={"name": "이서준", "phone": "010-9876-5432", "postal_code": "06236",
                                        "address1": "서울특별시 강남구 테헤란로 152", "address2": "12층 1201호",
                                        "message": message})
    return oid


SPLIT = {"name": "택배 업로드 (분리 주소)", "row_grain": "line", "address": "split",
         "columns": [{"field": "order_id"}, {"field": "recipient_name", "header": "받는분"}, {"field": "address"},
                     {"field": "options"}, {"field": "payment_method"}, {"field": "message"}]}


def _download(url: str) -> tuple[Any, httpx.Response]:
    resp = httpx.get(url)
    assert resp.status_code == 200, resp.text
    return openpyxl.load_workbook(io.BytesIO(resp.content)).active, resp


def test_template_crud(site_id: str) -> None:
    status, body, _ = exp("GET", "/admin/exports/templates", site_id)
    assert status == 200
    assert [(t["template_id"], t["name"], t["builtin"]) for t in body["templates"]] == [
        ("basic", "기본", True), ("courier", "택배사 업로드", True)]
    status, created, _ = exp("POST", "/admin/exports/templates", site_id, SPLIT)
    assert status == 201, created
    tid = created["template_id"]
    headers = [c["header"] for c in created["columns"]]
    assert headers == ["주문번호", "받는분", "주소", "옵션", "결제수단", "배송 메시지"]
    status, got, _ = exp("GET", f"/admin/exports/templates/{tid}", site_id)
    assert status == 200 and got["address"] == "split" and got["builtin"] is False
    changed = {**SPLIT, "name": "바뀐 양식", "row_grain": "order"}
    status, put, _ = exp("PUT", f"/admin/exports/templates/{tid}", site_id, changed)
    assert status == 200 and put["name"] == "바뀐 양식" and put["row_grain"] == "order"
    assert [t["name"] for t in exp("GET", "/admin/exports/templates", site_id)[1]["templates"]][2:] == ["바뀐 양식"]
    # another site sees none of it
    assert exp("GET", f"/admin/exports/templates/{tid}", site_id + "-x")[0] == 404
    status, _, _ = exp("DELETE", f"/admin/exports/templates/{tid}", site_id)
    assert status == 204
    status, body, _ = exp("GET", f"/admin/exports/templates/{tid}", site_id)
    assert status == 404 and body["code"] == "EXPORT_TEMPLATE_NOT_FOUND"
    assert exp("DELETE", f"/admin/exports/templates/{tid}", site_id)[0] == 404


def test_builtin_templates_are_read_only(site_id: str) -> None:
    status, body, _ = exp("PUT", "/admin/exports/templates/basic", site_id, SPLIT)
    assert status == 409 and body["code"] == "TEMPLATE_BUILTIN"
    assert exp("DELETE", "/admin/exports/templates/courier", site_id)[1]["code"] == "TEMPLATE_BUILTIN"


@pytest.mark.parametrize(("columns", "address", "code", "field"), [
    ([{"field": "order_id"}, {"field": "no_such_field"}], "combined", "EXPORT_FIELD_UNKNOWN", "columns[1].field"),
    ([{"field": "order_id"}, {"field": "memo"}, {"field": "order_id"}], "combined", "EXPORT_FIELD_DUPLICATE",
     "columns[2].field"),
    ([{"field": "order_id", "header": "번호"}, {"field": "line_id", "header": "번호"}], "combined",
     "EXPORT_HEADER_DUPLICATE", "columns[1].header"),
    ([{"field": "address"}, {"field": "memo", "header": "상세주소"}], "split", "EXPORT_HEADER_DUPLICATE",
     "columns[1].header"),
])
def test_validation_names_the_bad_column(site_id: str, columns: list[dict[str, Any]], address: str, code: str,
                                         field: str) -> None:
    status, body, headers = exp("POST", "/admin/exports/templates", site_id,
                                {"name": "x", "columns": columns, "address": address})
    assert status == 400, body
    assert headers["Content-Type"] == "application/problem+json"
    assert body["code"] == code and body["field"] == field and body["message_ko"]


def test_schema_errors_name_the_field(site_id: str) -> None:
    status, body, _ = exp("POST", "/admin/exports/templates", site_id,
                          {"name": "x", "columns": [{"field": "order_id", "width": 3}], "row_grain": "box"})
    assert status == 400 and body["code"] == "VALIDATION_FAILED"
    assert {e["field"] for e in body["errors"]} >= {"columns.0.width", "row_grain"}
    status, body, _ = exp("POST", "/admin/exports", site_id, {"template_id": "basic", "order_ids": []})
    assert status == 400 and body["errors"][0]["field"] == "order_ids"
    many = [f"20260302-{i:06d}" for i in range(51)]
    status, body, _ = exp("POST", "/admin/exports", site_id, {"template_id": "basic", "order_ids": many})
    assert status == 400 and body["errors"][0]["field"] == "order_ids"


def test_export_chosen_orders_split_address(site_id: str, bucket: str, caplog: pytest.LogCaptureFixture,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    a, b = _order(site_id), _order(site_id, message="부재 시 경비실")
    tid = exp("POST", "/admin/exports/templates", site_id, SPLIT)[1]["template_id"]
    caplog.set_level(logging.DEBUG, logger="oms")
    capsys.readouterr()
    status, hidden, _ = exp("POST", "/admin/exports", site_id, {"template_id": tid, "order_ids": [b, a]})
    assert status == 201, hidden  # by default the file masks the people
    masked = [[c.value for c in r] for r in _download(hidden["url"])[0].iter_rows(min_row=2)]
    assert masked[2][1:4] == ["이*준", "서울특별시 강남구 ***", "***"]
    status, refused, _ = exp("POST", "/admin/exports", site_id, {"template_id": tid, "order_ids": [b, a],
                                                                 "personal": True})
    assert status == 422 and refused["code"] == "PERSONAL_DATA_REASON_REQUIRED"
    status, body, _ = exp("POST", "/admin/exports", site_id, {"template_id": tid, "order_ids": [b, a],
                                                              "personal": True, "reason": "택배사 업로드"})
    assert status == 201, body
    from oms.services import access_log
    day = access_log.utcnow().astimezone(access_log.KST).date().isoformat()
    (rec,) = access_log.search(site_id, date_from=day, date_to=day, action="export")["records"]
    assert rec["order_ids"] == [b, a] and rec["size"] == 4 and rec["reason"] == "택배사 업로드"
    assert "이서준" not in json.dumps(rec, ensure_ascii=False)
    assert body["rows"] == 4 and body["orders"] == 2 and body["expires_in"] <= 600
    assert body["file_name"].startswith("주문내역_택배 업로드 (분리 주소)_") and body["file_name"].endswith(".xlsx")
    ws, resp = _download(body["url"])
    assert "filename*=UTF-8''" + urllib.parse.quote(body["file_name"]) in resp.headers["content-disposition"]
    assert [c.value for c in ws[1]] == ["주문번호", "받는분", "주소", "상세주소", "옵션", "결제수단", "배송 메시지"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    assert [r[0] for r in rows] == [b, b, a, a]  # the order chosen, one row per line
    first = rows[2]
    assert first[1:4] == ["이서준", "서울특별시 강남구 테헤란로 152", "12층 1201호"]
    assert first[4] == "색상: 블랙\n사이즈: L" and first[5] == "신용카드"
    assert first[6] == "=1+1" and ws.cell(row=4, column=7).data_type == "s" and ws.cell(row=4, column=7).quotePrefix
    # the record names no personal data; the logs neither
    record = load(client().get_item(TableName=table_name(),
                                    Key=key(keys.site_pk(site_id), keys.export_sk(body["export_id"])))["Item"])
    assert record["rows"] == 4 and record["order_ids"] == [b, a] and "이서준" not in json.dumps(record, default=str)
    logs = caplog.text + "".join(str(r.__dict__) for r in caplog.records) + "".join(capsys.readouterr())
    assert "export written" in logs
    assert "이서준" not in logs and "010-9876-5432" not in logs and "테헤란로" not in logs
    # a fresh URL for the same file
    status, again, _ = exp("GET", f"/admin/exports/{body['export_id']}", site_id)
    assert status == 200 and again["rows"] == 4
    assert _download(again["url"])[0].max_row == 5
    assert exp("GET", f"/admin/exports/{body['export_id']}", site_id + "-x")[0] == 404


def test_export_basic_template_combined_address(site_id: str, bucket: str) -> None:
    a = _order(site_id)
    status, body, _ = exp("POST", "/admin/exports", site_id, {"template_id": "basic", "order_ids": [a],
                                                              "personal": True, "reason": "정산 대조"})
    assert status == 201, body
    ws, _ = _download(body["url"])
    cells = {h.value: c for h, c in zip(ws[1], ws[2], strict=True)}
    assert "상세주소" not in cells
    assert cells["주소"].value == "서울특별시 강남구 테헤란로 152 12층 1201호"
    assert cells["주문상태"].value == "배송대기" and cells["결제수단"].value == "신용카드"
    assert cells["자체상품코드"].value == "TEE-01" and cells["수량"].value == 3
    # 3 × (19,900 + 1,000) minus its share of the 3,000 coupon and 1,000 points
    assert cells["판매가"].value + cells["옵션가"].value == 62700
    paid = cells["품목별 실결제가"].value
    assert paid == 62700 - cells["쿠폰할인"].value - cells["적립금 사용"].value
    assert cells["품목별 실결제가"].number_format == '#,##0"원"'


def test_export_unknown_or_foreign_order_is_refused(site_id: str, bucket: str) -> None:
    a = _order(site_id)
    foreign = [_order(site_id + "-other") for _ in range(2)][-1]  # a number this site does not have
    status, body, _ = exp("POST", "/admin/exports", site_id, {"template_id": "basic", "order_ids": [a, foreign]})
    assert status == 404 and body["code"] == "ORDERS_NOT_FOUND" and body["field"] == "order_ids[1]"
    assert body["missing"] == [foreign]
    status, body, _ = exp("POST", "/admin/exports", site_id, {"template_id": "nope", "order_ids": [a]})
    assert status == 404 and body["code"] == "EXPORT_TEMPLATE_NOT_FOUND"
    assert boto3.client("s3").list_objects_v2(Bucket=bucket, Prefix=f"exports/{site_id}/").get("KeyCount") == 0


def test_order_sheet_html_and_pdf(site_id: str) -> None:
    a, b = _order(site_id), _order(site_id)
    assert admin("PATCH", "/admin/settings", site_id, {"printing": {"shop_name": "하늘상점"}})[0] == 200
    status, doc, headers = exp("GET", f"/admin/orders/{a}/sheet", site_id)
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "하늘상점" in doc and f"주문서 {a}" in doc and "<div>색상: 블랙</div><div>사이즈: L</div>" in doc
    status, pdf_bytes, headers = exp("GET", f"/admin/orders/{a}/sheet", site_id, query={"format": "pdf"})
    assert status == 200 and headers["Content-Type"] == "application/pdf" and pdf_bytes[:5] == b"%PDF-"
    status, doc, _ = exp("POST", "/admin/orders/sheets", site_id, {"order_ids": [a, b]})
    assert status == 200 and doc.count('<section class="sheet"') == 2
    status, pdf_bytes, headers = exp("POST", "/admin/orders/sheets", site_id, {"order_ids": [a, b], "format": "pdf"})
    assert status == 200 and pdf_bytes.count(b"/Type /Page\n") + pdf_bytes.count(b"/Type /Page ") >= 2
    status, body, _ = exp("GET", "/admin/orders/20990101-000001/sheet", site_id)
    assert status == 404 and body["code"] == "ORDERS_NOT_FOUND"
    status, body, _ = exp("GET", f"/admin/orders/{a}/sheet", site_id, query={"format": "docx"})
    assert status == 400 and body["errors"][0]["field"] == "format"


def test_admin_identity_required(site_id: str) -> None:
    from exports_fn.app import lambda_handler

    status, body, _ = call(lambda_handler, http_event("GET", "/admin/exports/templates",
                                                      claims={"sub": "b", "site_id": site_id, "role": "buyer"}))
    assert status == 403 and body["code"] == "FORBIDDEN"
