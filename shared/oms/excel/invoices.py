"""The invoice workbook: template (write), guarded streaming read, result workbook (write-only).

Guards refuse the whole file before a single row is applied: not an xlsx, > 10 MB, a declared
uncompressed size beyond a bound (zip bomb), DTD/entity declarations (XML entity tricks; openpyxl
also parses through defusedxml), wrong or missing headers, more than 50,000 rows.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
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
from oms.domain.errors import DomainError

HEADERS: tuple[str, ...] = ("주문번호", "품목번호", "상품명", "옵션", "수량", "수령인", "택배사", "송장번호")
FIELDS: tuple[str, ...] = ("order_id", "line_id", "product_name", "options", "quantity", "recipient", "courier",
                           "tracking_no")
RESULT_HEADERS: tuple[str, ...] = ("결과", "코드", "사유")
SHEET = "송장등록"
COURIER_SHEET = "택배사목록"

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 50_000
MAX_UNCOMPRESSED = 256 * 1024 * 1024
MAX_MEMBERS = 2_000
_SNIFF = 8192
_FORBIDDEN = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.I)
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


class FileRefused(DomainError):
    """The whole file is refused; nothing was applied."""

    status = 422


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


def _refuse(code: str, message_ko: str, **extra: Any) -> FileRefused:
    return FileRefused(code, message_ko, extra=extra)


def check_package(path: str, size: int) -> None:
    """Refuse a file that is not a sane xlsx package before any XML parser sees it."""
    if size > MAX_BYTES:
        raise _refuse("FILE_TOO_LARGE", f"파일이 너무 큽니다 ({size:,}바이트). 10MB 이하로 나눠 올려 주세요.",
                      size=size, limit=MAX_BYTES)
    if not zipfile.is_zipfile(path):
        raise _refuse("NOT_XLSX", "엑셀(.xlsx) 파일이 아닙니다. 내려받은 양식에 입력해 올려 주세요.")
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            names = {i.filename for i in infos}
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                raise _refuse("NOT_XLSX", "엑셀(.xlsx) 파일이 아닙니다. 내려받은 양식에 입력해 올려 주세요.")
            declared = sum(i.file_size for i in infos)
            if len(infos) > MAX_MEMBERS or declared > MAX_UNCOMPRESSED:
                raise _refuse("ZIP_BOMB", "압축을 풀면 지나치게 커지는 파일입니다. 처리하지 않았습니다.",
                              declared_size=declared, limit=MAX_UNCOMPRESSED)
            for info in infos:
                if info.filename.endswith((".xml", ".rels", ".vml")):
                    # ZipExtFile never yields more than the declared size, so this read is bounded
                    with z.open(info) as f:
                        head = f.read(_SNIFF)
                    if _FORBIDDEN.search(head):
                        raise _refuse("XML_FORBIDDEN",
                                      "파일에 허용되지 않는 XML 선언(DTD/엔티티)이 있습니다. 처리하지 않았습니다.",
                                      part=info.filename)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError) as exc:
        raise _refuse("NOT_XLSX", "손상되었거나 지원하지 않는 엑셀 파일입니다.") from exc


def _header_text(value: Any) -> str:
    return "".join(str(value).split()) if value is not None else ""


def iter_rows(path: str) -> Iterator[tuple[int, dict[str, Any], bool]]:
    """(row number, {field: value}, has formula) for each non-empty data row, streaming.

    Raises :class:`FileRefused` for wrong headers or too many rows (before the caller applies
    anything: callers read the whole file first)."""
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=False, keep_links=False)
    except DefusedXmlException as exc:
        raise _refuse("XML_FORBIDDEN", "파일에 허용되지 않는 XML 선언(DTD/엔티티)이 있습니다.") from exc
    except Exception as exc:
        raise _refuse("NOT_XLSX", "엑셀 파일을 읽을 수 없습니다. 내려받은 양식에 입력해 올려 주세요.") from exc
    try:
        ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
        rows = ws.iter_rows()
        try:
            header = next(rows, ())
        except DefusedXmlException as exc:
            raise _refuse("XML_FORBIDDEN", "파일에 허용되지 않는 XML 선언(DTD/엔티티)이 있습니다.") from exc
        found = [_header_text(c.value) for c in header][: len(HEADERS)]
        if found != list(HEADERS):
            missing = [h for h in HEADERS if h not in found]
            raise _refuse("HEADERS_INVALID",
                          "양식의 머리글이 다릅니다. 내려받은 양식의 머리글("
                          + ", ".join(HEADERS) + ")을 그대로 쓰세요.",
                          expected=list(HEADERS), found=found, missing=missing)
        count = 0
        for n, row in enumerate(rows, start=2):
            cells = row[: len(FIELDS)]
            values = [c.value for c in cells]
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            count += 1
            if count > MAX_ROWS:
                raise _refuse("TOO_MANY_ROWS", f"한 파일은 {MAX_ROWS:,}행까지 올릴 수 있습니다. 나눠서 올려 주세요.",
                              limit=MAX_ROWS)
            values += [None] * (len(FIELDS) - len(values))
            formula = any(getattr(c, "data_type", None) == "f" for c in cells)
            yield n, dict(zip(FIELDS, values, strict=True)), formula
    except DefusedXmlException as exc:
        raise _refuse("XML_FORBIDDEN", "파일에 허용되지 않는 XML 선언(DTD/엔티티)이 있습니다.") from exc
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
