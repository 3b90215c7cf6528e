"""The export workbook opened with openpyxl: no cell is a formula, options one per line (wrapped),
numbers are numbers with the 원 format, times KST, combined vs split address as the template says."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from oms.services import exports
from tests.exports_support import PAYMENTS, order_with_options, template


def _write(tmp_path: Path, tpl: dict[str, Any], orders: list[Any] | None = None) -> Any:
    path = str(tmp_path / "out.xlsx")
    loaded = [(o, PAYMENTS) for o in (orders or [order_with_options()])]
    n = exports.write_workbook(tpl, loaded, path)
    ws = openpyxl.load_workbook(path).active
    assert ws is not None and ws.max_row == n + 1
    return ws


def _by_header(ws: Any, row: int = 2) -> dict[str, Any]:
    return {h.value: c for h, c in zip(ws[1], ws[row], strict=True)}


def test_formula_text_stays_text(tmp_path: Path) -> None:
    ws = _write(tmp_path, template())
    cells = _by_header(ws)
    msg = cells["배송 메시지"]
    assert msg.value == "=1+1" and msg.data_type == "s" and msg.quotePrefix
    name = cells["상품명"]
    assert name.value == "@오버핏 티셔츠" and name.data_type == "s" and name.quotePrefix
    assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)
    # ordinary text carries no quote prefix
    assert cells["주문번호"].value == "20260302-000001" and not cells["주문번호"].quotePrefix


@pytest.mark.parametrize("text", ["+82-10", "-3", "\tx", "\rx", "@SUM(A1)", "=HYPERLINK(\"http://x\")"])
def test_every_dangerous_start_is_quoted(tmp_path: Path, text: str) -> None:
    order = order_with_options(message=text)
    cell = _by_header(_write(tmp_path, template(), [order]))["배송 메시지"]
    # a CR is stored as the OOXML escape _x000D_, which openpyxl reads back as written
    assert cell.value in (text, text.replace("\r", "_x000D_"))
    assert cell.data_type == "s" and cell.quotePrefix


def test_options_one_per_line_wrapped(tmp_path: Path) -> None:
    cell = _by_header(_write(tmp_path, template()))["옵션"]
    assert cell.value == "색상: 블랙\n사이즈: L"
    assert cell.alignment.wrap_text


def test_inline_options_layout(tmp_path: Path) -> None:
    cell = _by_header(_write(tmp_path, template(options_layout="inline")))["옵션"]
    assert cell.value == "색상: 블랙 / 사이즈: L"


def test_numbers_money_and_kst_times(tmp_path: Path) -> None:
    cells = _by_header(_write(tmp_path, template()))
    assert cells["수량"].value == 3 and cells["수량"].data_type == "n"
    assert cells["품목별 실결제가"].value == 59700 and cells["품목별 실결제가"].number_format == '#,##0"원"'
    assert cells["판매가"].value == 59700  # 19,900 × 3: the columns add up to 품목별 실결제가
    assert cells["주문일시"].value == datetime(2026, 3, 2, 10, 0)  # stored 01:00Z
    assert cells["결제일시"].value == datetime(2026, 3, 2, 10, 5)
    assert cells["결제수단"].value == "신용카드"
    assert cells["자체상품코드"].value == "TEE-01"
    assert cells["우편번호"].value == "04524" and cells["우편번호"].data_type == "s"  # leading zero kept


def test_combined_address(tmp_path: Path) -> None:
    ws = _write(tmp_path, template(address="combined"))
    headers = [c.value for c in ws[1]]
    assert "상세주소" not in headers
    assert _by_header(ws)["주소"].value == "서울특별시 중구 세종대로 110 3층"


def test_split_address(tmp_path: Path) -> None:
    ws = _write(tmp_path, template(address="split"))
    headers = [c.value for c in ws[1]]
    assert headers.index("상세주소") == headers.index("주소") + 1
    cells = _by_header(ws)
    assert cells["주소"].value == "서울특별시 중구 세종대로 110" and cells["상세주소"].value == "3층"


def test_row_grain_line_vs_order(tmp_path: Path) -> None:
    orders = [order_with_options("20260302-000001"), order_with_options("20260302-000002")]
    per_line = _write(tmp_path, template(), orders)
    assert per_line.max_row == 1 + 4
    per_order = _write(tmp_path, template(row_grain="order"), orders)
    assert per_order.max_row == 1 + 2
    cells = _by_header(per_order)
    assert cells["상품명"].value == "@오버핏 티셔츠\n볼캡" and cells["상품명"].alignment.wrap_text
    assert cells["수량"].value == 4 and cells["품목별 실결제가"].value == 74700
    assert cells["옵션"].value == "색상: 블랙 / 사이즈: L\n"


def test_custom_headers_and_column_order(tmp_path: Path) -> None:
    cols = [{"field": "tracking_no", "header": "운송장"}, {"field": "order_id", "header": "주문번호"},
            {"field": "payment_method", "header": "결제수단"}]
    ws = _write(tmp_path, template(columns=cols))
    assert [c.value for c in ws[1]] == ["운송장", "주문번호", "결제수단"]
    assert ws["B2"].value == "20260302-000001" and ws["A2"].value is None


def test_courier_template_is_split_per_order(tmp_path: Path) -> None:
    ws = _write(tmp_path, exports.get_template("any-site", "courier"))
    headers = [c.value for c in ws[1]]
    assert headers[:6] == ["주문번호", "수령인명", "수령인 연락처", "우편번호", "주소", "상세주소"]
    assert ws.max_row == 2
