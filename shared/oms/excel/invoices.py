"""The invoice workbook: template (write), guarded streaming read, result workbook (write-only).

Guards refuse the whole file before a single row is applied (see :mod:`oms.excel.guards`): not an
xlsx, > 10 MB, a zip bomb, DTD/entity declarations (openpyxl also parses through defusedxml), no
single visible template sheet (a hidden sheet named like it, or two candidates), wrong or
missing headers, more than 50,000 rows (every ``<row>`` counts, empty ones too), reading that
runs out of the function's time. Row-level problems the reader sees (a formula, a merged cell, a
tracking number stored as a number) are reported per row and refuse the row's order.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import IO, Any

import defusedxml  # noqa: F401  (openpyxl parses XML through defusedxml when it is installed)
import openpyxl
from defusedxml import DefusedXmlException
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.dimensions import SheetDimension
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse

from oms.domain import couriers
from oms.excel.guards import (
    MAX_BYTES,
    MAX_MEMBERS,
    MAX_UNCOMPRESSED,
    XML_FORBIDDEN_KO,
    FileRefused,
    Merge,
    check_package,
    refuse,
    scan_sheet,
    too_many_rows,
    too_slow,
)

__all__ = ["MAX_BYTES", "MAX_MEMBERS", "MAX_UNCOMPRESSED", "FileRefused", "check_package"]

HEADERS: tuple[str, ...] = ("주문번호", "품목번호", "상품명", "옵션", "수량", "수령인", "택배사", "송장번호")
FIELDS: tuple[str, ...] = ("order_id", "line_id", "product_name", "options", "quantity", "recipient", "courier",
                           "tracking_no")
RESULT_HEADERS: tuple[str, ...] = ("결과", "코드", "사유")
SHEET = "송장등록"
COURIER_SHEET = "택배사목록"

#: data rows per file (every ``<row>`` element counts, empty ones too); INVOICE_MAX_ROWS overrides
MAX_ROWS = int(os.environ.get("INVOICE_MAX_ROWS", "50000"))
#: rows read between two checks of the function's remaining time
TIME_CHECK_EVERY = 1000
_DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")

assert openpyxl.DEFUSEDXML, "defusedxml must be installed so openpyxl refuses XML entity tricks"


def _sheet_size_before_data(self: ReadOnlyWorksheet) -> None:
    """openpyxl's read-only sheet looks for ``<dimension>`` when the workbook is opened, but on a
    sheet without one (any write-only workbook) it parses the whole sheet to find that out,
    keeping an element per row: one extra full pass and memory growing with the rows. The element
    can only come before ``<sheetData>``, so stop there; the outcome is the same."""
    with self._get_source() as src:
        for event, element in iterparse(src, events=("start", "end")):
            if event == "start" and element.tag == _SHEET_DATA:
                return
            if event == "end" and element.tag == _DIMENSION:
                bounds = SheetDimension.from_tree(element).boundaries
                if bounds is not None:
                    self._min_column, self._min_row, self._max_column, self._max_row = bounds
                return


_SHEET_DATA = f"{{{SHEET_MAIN_NS}}}sheetData"
_DIMENSION = f"{{{SHEET_MAIN_NS}}}dimension"
ReadOnlyWorksheet._get_size = _sheet_size_before_data


def safe(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula is written as text (leading ')."""
    if isinstance(value, str) and value.startswith(_DANGEROUS_START):
        return "'" + value
    return value


# ---- template ---------------------------------------------------------------------------------


def write_template(rows: Sequence[Mapping[str, Any]], out: IO[bytes] | str) -> None:
    """One row per line in 배송대기; courier from a dropdown, tracking number as text."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET
    ws.append(list(HEADERS))
    fill = PatternFill("solid", fgColor="FFF2CC")
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws["G1"].fill = fill
    ws["H1"].fill = fill
    for i, width in enumerate((18, 9, 30, 28, 7, 12, 16, 22), start=1):
        ws.column_dimensions[openpyxl.utils.get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    ws.column_dimensions["H"].number_format = "@"  # tracking numbers typed anywhere in H stay text
    for r in rows:
        ws.append([safe(r.get(f)) for f in FIELDS])
        ws.cell(row=ws.max_row, column=8).number_format = "@"
    lists = wb.create_sheet(COURIER_SHEET)
    for c in couriers.COURIERS:
        lists.append([c.name_ko, c.code])
    lists.sheet_state = "hidden"
    last = max(len(rows) + 1, 2)
    dv = DataValidation(type="list", formula1=f"'{COURIER_SHEET}'!$A$1:$A${len(couriers.COURIERS)}",
                        allow_blank=True, showErrorMessage=True, errorTitle="택배사",
                        error="목록에서 택배사를 선택하세요 (없으면 '기타').")
    ws.add_data_validation(dv)
    dv.add(f"G2:G{last}")
    wb.save(out)


# ---- guarded reading --------------------------------------------------------------------------


#: per-row problems the reader sees; each refuses its row and, through it, the row's order
ROW_ISSUES: dict[str, str] = {
    "FORMULA_NOT_ALLOWED": "수식이 들어간 셀은 처리하지 않습니다. 값만 입력하세요.",
    "MERGED_CELLS": "병합된 셀이 있는 행은 처리하지 않습니다. 셀 병합을 풀고 각 행에 값을 입력하세요.",
    "TRACKING_NO_NOT_TEXT": "송장번호가 숫자 셀로 입력되어 처리하지 않았습니다. 숫자 셀은 맨 앞의 0이 사라지고"
                            "(012… → 12…) 긴 번호는 반올림됩니다. 셀 서식을 '텍스트'로 바꾸고 송장번호를 다시 "
                            "입력하세요.",
}
_TRACKING_COL = FIELDS.index("tracking_no")


def _header_text(value: Any) -> str:
    return "".join(str(value).split()) if value is not None else ""


def _is_xml_forbidden(exc: BaseException) -> bool:
    """openpyxl wraps some parser errors; look through the chain for defusedxml's refusal."""
    seen: BaseException | None = exc
    for _ in range(10):
        if seen is None:
            return False
        if isinstance(seen, DefusedXmlException):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _like_template(title: str) -> bool:
    return SHEET in "".join(title.split())


def _has_headers(ws: ReadOnlyWorksheet) -> bool:
    first = next(ws.iter_rows(max_row=1, values_only=True), ())
    return [_header_text(v) for v in first][: len(HEADERS)] == list(HEADERS)


def pick_sheet(wb: Any) -> ReadOnlyWorksheet:
    """The one visible sheet the template made. A hidden sheet named like it or carrying its
    headers (the operator cannot see what would be applied), or two visible candidates, refuse
    the file. A workbook with one visible sheet of another name is read (its headers decide)."""
    sheets: list[ReadOnlyWorksheet] = list(wb.worksheets)
    for ws in sheets:
        if ws.sheet_state != "visible" and ws.title != COURIER_SHEET and (_like_template(ws.title)
                                                                           or _has_headers(ws)):
            raise refuse("HIDDEN_SHEET", f"숨겨진 시트 '{ws.title}'에 송장 양식이 있습니다. 보이는 시트 하나에만 "
                                         "입력하고 숨긴 시트는 지운 뒤 올려 주세요.", sheet=ws.title)
    visible = [ws for ws in sheets if ws.sheet_state == "visible"]
    candidates = [ws for ws in visible if _like_template(ws.title) or _has_headers(ws)]
    if len(candidates) > 1:
        raise refuse("SHEET_AMBIGUOUS", "송장 양식 시트가 여러 개입니다 (" + ", ".join(ws.title for ws in candidates)
                     + "). 한 시트에만 입력해 올려 주세요.", sheets=[ws.title for ws in candidates])
    if candidates:
        return candidates[0]
    if len(visible) == 1:
        return visible[0]
    raise refuse("SHEET_NOT_FOUND", f"'{SHEET}' 시트를 찾을 수 없습니다. 내려받은 양식에 입력해 올려 주세요.")


class _Merges:
    """Merged ranges over the data columns, consulted row by row (rows arrive in order)."""

    def __init__(self, merges: list[Merge]) -> None:
        width = len(FIELDS)
        self.pending = sorted((m for m in merges if m.max_row >= 2 and m.min_col <= width),
                              key=lambda m: m.min_row)
        self.active: list[Merge] = []
        self.top_left: dict[Merge, Any] = {}

    def covering(self, n: int) -> list[Merge]:
        while self.pending and self.pending[0].min_row <= n:
            self.active.append(self.pending.pop(0))
        self.active = [m for m in self.active if m.max_row >= n]
        return self.active

    def fill(self, n: int, values: list[Any]) -> bool:
        """Give the cells a merge covers its top-left value (what the operator sees); True when
        the row is covered by a merge."""
        ranges = self.covering(n)
        for m in ranges:
            if m.min_row == n:
                self.top_left[m] = values[m.min_col - 1]
            value = self.top_left.get(m)
            for col in range(m.min_col, min(m.max_col, len(FIELDS)) + 1):
                values[col - 1] = value
        return bool(ranges)


def _numeric(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def iter_rows(path: str, *, remaining_ms: Callable[[], int] | None = None,
              margin_ms: int = 0) -> Iterator[tuple[int, dict[str, Any], str | None]]:
    """(row number, {field: value}, row issue code or None) for each non-empty data row, streaming.

    Raises :class:`FileRefused` for the file-level guards (before the caller applies anything:
    callers read the whole file first)."""
    max_rows = MAX_ROWS
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=False, keep_links=False)
    except Exception as exc:
        if _is_xml_forbidden(exc):
            raise refuse("XML_FORBIDDEN", XML_FORBIDDEN_KO) from exc
        raise refuse("NOT_XLSX", "엑셀 파일을 읽을 수 없습니다. 내려받은 양식에 입력해 올려 주세요.") from exc
    try:
        ws = pick_sheet(wb)
        merges = _Merges(scan_sheet(path, ws._worksheet_path, max_rows + 1, remaining_ms=remaining_ms,
                                    margin_ms=margin_ms))
        # every row the file holds, whatever its <dimension> claims (a spreadsheet ignores it too);
        # cells past the template's columns are not read at all
        ws.reset_dimensions()
        rows = ws.iter_rows(max_col=len(FIELDS))
        header = next(rows, ())
        found = [_header_text(c.value) for c in header][: len(HEADERS)]
        if found != list(HEADERS):
            missing = [h for h in HEADERS if h not in found]
            raise refuse("HEADERS_INVALID",
                         "양식의 머리글이 다릅니다. 내려받은 양식의 머리글("
                         + ", ".join(HEADERS) + ")을 그대로 쓰세요.",
                         expected=list(HEADERS), found=found, missing=missing)
        for n, row in enumerate(rows, start=2):
            if n > max_rows + 1:  # every row counts, empty ones and gaps too
                raise too_many_rows(max_rows)
            if n % TIME_CHECK_EVERY == 0 and remaining_ms is not None and remaining_ms() < margin_ms:
                raise too_slow()
            cells = row[: len(FIELDS)]
            values = [c.value for c in cells]
            values += [None] * (len(FIELDS) - len(values))
            merged = bool(merges.pending or merges.active) and merges.fill(n, values)
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            issue: str | None = None
            if any(getattr(c, "data_type", None) == "f" for c in cells):
                issue = "FORMULA_NOT_ALLOWED"
            elif merged:
                issue = "MERGED_CELLS"
            elif _numeric(values[_TRACKING_COL]):
                issue = "TRACKING_NO_NOT_TEXT"
            yield n, dict(zip(FIELDS, values, strict=True)), issue
    except FileRefused:
        raise
    except Exception as exc:  # a part the parser cannot read: the file, not the service, is at fault
        if _is_xml_forbidden(exc):
            raise refuse("XML_FORBIDDEN", XML_FORBIDDEN_KO) from exc
        raise refuse("NOT_XLSX", "손상되었거나 지원하지 않는 엑셀 파일입니다.") from exc
    finally:
        wb.close()


# ---- result workbook --------------------------------------------------------------------------


NOT_FILLED = ("skipped", "NOT_FILLED", "택배사·송장번호가 비어 있어 건너뛰었습니다.")
RESULT_KO = {"applied": "적용", "refused": "거절", "skipped": "건너뜀"}


def write_result_rows(rows: Iterable[tuple[Sequence[Any], tuple[str, str | None, str | None]]],
                      out_path: str) -> dict[str, int]:
    """The result workbook from (input cells, outcome) in file order, streaming; returns the count
    of rows per result."""
    out = openpyxl.Workbook(write_only=True)
    ws = out.create_sheet("결과")
    ws.append([*HEADERS, *RESULT_HEADERS])
    counts = dict.fromkeys(RESULT_KO, 0)
    for cells, (result, code, message) in rows:
        counts[result] = counts.get(result, 0) + 1
        ws.append([*(safe(v) for v in cells), result, code, message])
    out.save(out_path)
    return counts


def read_result(path: str) -> list[dict[str, Any]]:
    """Rows of a result workbook (for tests and tools)."""
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        ws = wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        header = [str(h) for h in next(rows)]
        # a write-only sheet declares no dimension: read-only rows end at their last value
        return [dict(zip(header, (*r, *([None] * (len(header) - len(r)))), strict=False)) for r in rows]
    finally:
        wb.close()
