"""Workbooks are read as the operator sees them: tracking numbers stored as numbers, hidden or
competing sheets, merged cells, late XML bombs, empty-row bombs and slow reads (the corpus is
built by tests/invoice_corpus.py)."""

from __future__ import annotations

import io

import openpyxl
import pytest

from oms.excel import invoices as xl
from oms.services import invoices
from oms.store import orders
from tests import invoice_corpus as corpus
from tests.integration.test_invoice_ingest import bucket, result_rows, statuses, upload_and_ingest
from tests.shipping_support import api_order

pytestmark = pytest.mark.usefixtures("standard_buyer_points")

__all__ = ["bucket"]  # the fixture, shared with the ingestion tests

READY = {"L001": "ready_to_ship", "L002": "ready_to_ship"}


def _tracking_numbers(site_id: str, oid: str) -> set[str | None]:
    order, _ = orders.load_order(site_id, oid)
    return {s.tracking_no for s in order.shipments.values()}


def test_template_formats_the_tracking_column_as_text() -> None:
    buf = io.BytesIO()
    xl.write_template([{"order_id": "20260101-000001", "line_id": "L001", "quantity": 1}], buf)
    ws = openpyxl.load_workbook(io.BytesIO(buf.getvalue()))[xl.SHEET]
    assert ws["H2"].number_format == "@"
    assert ws.column_dimensions["H"].number_format == "@"  # rows the operator adds stay text too


@pytest.mark.parametrize("build,value", [
    (corpus.tracking_typed_as_number, 12345678901),     # typed 012345678901: the leading zero is gone
    (corpus.tracking_as_float, 63123456789012299776.0),  # 20 digits as a float: digits are gone
])
def test_a_tracking_number_stored_as_a_number_refuses_its_order(site_id: str, bucket: str, build: object,
                                                                value: object) -> None:
    oid = api_order(site_id)
    import_id, out = upload_and_ingest(site_id, build(oid))  # type: ignore[operator]
    assert out["status"] == "done" and out["applied"] == 0
    rows = result_rows(site_id, import_id)
    assert [(r["결과"], r["코드"]) for r in rows] == [("refused", "TRACKING_NO_NOT_TEXT"),
                                                  ("refused", "ORDER_NOT_APPLIED")]
    assert "0" in rows[0]["사유"] and "텍스트" in rows[0]["사유"]
    assert rows[0]["송장번호"] == value  # echoed as the file holds it
    assert statuses(site_id, oid) == READY
    assert _tracking_numbers(site_id, oid) <= {None}  # never 12345678901 nor 63123456789012299776


def test_a_hidden_sheet_named_like_the_template_refuses_the_file(site_id: str, bucket: str) -> None:
    oid = api_order(site_id)
    data = corpus.hidden_template_sheet(visible_rows=corpus.rows_for(oid, ["631234567890"] * 2),
                                        hidden_rows=corpus.rows_for(oid, ["999999999999"] * 2))
    import_id, out = upload_and_ingest(site_id, data)
    assert out["code"] == "HIDDEN_SHEET" and out["status"] == "refused"
    record = invoices.get_import(site_id, import_id)
    assert "숨겨진 시트" in record["message_ko"]
    assert statuses(site_id, oid) == READY


def test_two_candidate_sheets_refuse_the_file(site_id: str, bucket: str) -> None:
    oid = api_order(site_id)
    data = corpus.two_template_sheets(corpus.rows_for(oid, ["631234567890"] * 2),
                                      corpus.rows_for(oid, ["999999999999"] * 2))
    _, out = upload_and_ingest(site_id, data)
    assert out["code"] == "SHEET_AMBIGUOUS"
    assert statuses(site_id, oid) == READY


def test_the_template_itself_is_read_past_its_hidden_courier_list(site_id: str, bucket: str) -> None:
    oid = api_order(site_id)
    template = invoices.build_template(site_id, [oid])
    filled = corpus.fill(template, {(oid, "L001"): ("CJ대한통운", "631234567890"),
                                    (oid, "L002"): ("CJ대한통운", "631234567890")})
    _, out = upload_and_ingest(site_id, filled)
    assert out["status"] == "done" and out["applied"] == 2
    assert statuses(site_id, oid) == {"L001": "shipping", "L002": "shipping"}


def test_merged_order_cell_refuses_every_row_it_covers_and_the_order(site_id: str, bucket: str) -> None:
    oid = api_order(site_id)
    import_id, out = upload_and_ingest(site_id, corpus.merged_order_cell(oid))
    assert out["applied"] == 0
    rows = result_rows(site_id, import_id)
    assert [(r["결과"], r["코드"]) for r in rows] == [("refused", "MERGED_CELLS")] * 2
    assert statuses(site_id, oid) == READY  # not one line shipped and the other left behind


def test_a_refused_result_row_always_means_its_order_was_not_applied(site_id: str, bucket: str) -> None:
    ok, bad = api_order(site_id), api_order(site_id)
    rows = [*corpus.rows_for(ok, ["631234567890", "631234567890"]),
            (bad, "L001", "", "", 3, "", "CJ대한통운", "631234567891"),
            (bad, "L002", "", "", "많이", "", "CJ대한통운", "631234567891")]  # quantity is not a number
    import_id, _ = upload_and_ingest(site_id, corpus.workbook(rows))
    result = result_rows(site_id, import_id)
    by_order: dict[str, set[str]] = {}
    for r in result:
        by_order.setdefault(r["주문번호"], set()).add(r["결과"])
    assert by_order == {ok: {"applied"}, bad: {"refused"}}
    assert statuses(site_id, bad) == READY and statuses(site_id, ok) == {"L001": "shipping", "L002": "shipping"}


@pytest.mark.parametrize("part", ["xl/worksheets/sheet1.xml", "xl/workbook.xml", "xl/styles.xml",
                                  "xl/_rels/workbook.xml.rels", "[Content_Types].xml"])
def test_an_xml_bomb_after_the_first_8kb_is_xml_forbidden(site_id: str, bucket: str, part: str) -> None:
    oid = api_order(site_id)
    good = corpus.workbook(corpus.rows_for(oid, ["631234567890", "631234567890"]))
    _, out = upload_and_ingest(site_id, corpus.late_xml_bomb(good, part=part, pad=9000))
    assert out["code"] == "XML_FORBIDDEN"
    assert statuses(site_id, oid) == READY


def test_empty_rows_count_against_the_row_limit(site_id: str, bucket: str, monkeypatch: pytest.MonkeyPatch) -> None:
    oid = api_order(site_id)
    monkeypatch.setattr(xl, "MAX_ROWS", 1000)
    data = corpus.empty_row_bomb(oid, 3000)  # one real row after 3,000 empty ones
    assert len(data) < 10_000
    import_id, out = upload_and_ingest(site_id, data)
    assert out["code"] == "TOO_MANY_ROWS"
    assert "빈 행 포함" in invoices.get_import(site_id, import_id)["message_ko"]
    assert statuses(site_id, oid) == READY
    # under the limit the real row is found wherever it is (the sheet's <dimension> is not trusted)
    monkeypatch.setattr(xl, "MAX_ROWS", 5000)
    _, out = upload_and_ingest(site_id, data)
    assert out["status"] == "done" and out["applied"] == 1


def test_reading_stops_when_the_function_runs_out_of_time(site_id: str, bucket: str) -> None:
    oid = api_order(site_id)
    calls: list[int] = []

    def remaining() -> int:
        calls.append(1)
        return 10_000  # below the 30 s margin

    import_id, out = upload_and_ingest(site_id, corpus.empty_row_bomb(oid, 2500), remaining_ms=remaining)
    assert out["code"] == "READ_TIME_EXCEEDED" and calls  # refused while reading, not after
    assert invoices.get_import(site_id, import_id)["status"] == "refused"
    assert statuses(site_id, oid) == READY
