"""A corpus of invoice workbooks, good and bad, built in code so every case states its intent.

Each builder returns the bytes of a file an operator (or an attacker) could upload; no binary
workbook is kept in the repository. ``python -m tests.invoice_corpus <dir>`` writes the bad
workbooks to a directory (to open them in a spreadsheet, or to upload them by hand on the local
stack).
"""

from __future__ import annotations

import io
import re
import struct
import sys
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl

from oms.excel.invoices import HEADERS


def workbook(rows: Sequence[Sequence[Any]], headers: Sequence[str] = HEADERS) -> bytes:
    """A workbook with ``headers`` and ``rows`` (order, line, product, options, qty, recipient, courier, no)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "송장등록"
    if headers:
        ws.append(list(headers))
    for r in rows:
        ws.append(list(r))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def fill(template: bytes, numbers: dict[tuple[str, str], tuple[str, str]]) -> bytes:
    """Fill a downloaded template: {(order, line): (courier, tracking number)}."""
    wb = openpyxl.load_workbook(io.BytesIO(template))
    ws = wb["송장등록"]
    for row in ws.iter_rows(min_row=2):
        key = (str(row[0].value), str(row[1].value))
        if key in numbers:
            row[6].value, row[7].value = numbers[key]
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def not_xlsx() -> bytes:
    return "주문번호,품목번호\n20260101-000001,L001\n".encode()


def zip_not_xlsx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    return buf.getvalue()


def too_large(size: int = 10 * 1024 * 1024 + 1) -> bytes:
    return b"PK" + b"\0" * (size - 2)


def zip_bomb(declared: int = 300 * 1024 * 1024) -> bytes:
    """A valid workbook whose central directory declares a huge uncompressed member."""
    data = bytearray(workbook([]))
    i = data.find(b"PK\x01\x02")
    struct.pack_into("<I", data, i + 24, declared)
    return bytes(data)


def xml_entities(base: bytes) -> bytes:
    """The same workbook with a DTD and an entity expansion in the sheet XML (billion laughs style)."""
    src = zipfile.ZipFile(io.BytesIO(base))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                decl_end = text.index("?>") + 2 if text.startswith("<?xml") else 0
                dtd = '<!DOCTYPE worksheet [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>'
                data = (text[:decl_end] + dtd + text[decl_end:]).encode()
            out.writestr(info, data)
    return buf.getvalue()


def _rewrite(base: bytes, part: str, edit: Any) -> bytes:
    """``base`` with one part's XML text replaced by ``edit(text)``."""
    src = zipfile.ZipFile(io.BytesIO(base))
    assert part in src.namelist(), f"{part} is not in the workbook"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == part:
                data = edit(data.decode()).encode()
            out.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def rows_for(order_id: str, numbers: Sequence[Any], courier: str = "CJ대한통운") -> list[tuple[Any, ...]]:
    """One row per line L001, L002 ... of an order (quantities of tests.shipping_support orders)."""
    qty = (3, 1)
    return [(order_id, f"L{i + 1:03d}", "", "", qty[i % 2], "", courier, no) for i, no in enumerate(numbers)]


def tracking_typed_as_number(order_id: str) -> bytes:
    """``012345678901`` typed into a General (number) cell: the file holds the number 12345678901."""
    return workbook(rows_for(order_id, [12345678901, "631234567890"]))


def tracking_as_float(order_id: str) -> bytes:
    """A 20-digit number stored as a float (``6.31234567890123E+19``): its digits are gone."""
    return workbook(rows_for(order_id, [63123456789012299776.0, "631234567890"]))


def hidden_template_sheet(visible_rows: Sequence[Sequence[Any]], hidden_rows: Sequence[Sequence[Any]]) -> bytes:
    """The operator's visible sheet plus a hidden sheet named like the template's, holding other rows."""
    wb = openpyxl.Workbook()
    seen = wb.active
    assert seen is not None
    seen.title = "송장등록 (수정)"
    seen.append(list(HEADERS))
    for r in visible_rows:
        seen.append(list(r))
    hidden = wb.create_sheet("송장등록")
    hidden.append(list(HEADERS))
    for r in hidden_rows:
        hidden.append(list(r))
    hidden.sheet_state = "hidden"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def two_template_sheets(first: Sequence[Sequence[Any]], second: Sequence[Sequence[Any]]) -> bytes:
    """Two visible sheets that both look like the template (which one did the operator mean?)."""
    wb = openpyxl.Workbook()
    a = wb.active
    assert a is not None
    a.title = "송장등록"
    b = wb.create_sheet("Sheet2")
    for ws, rows in ((a, first), (b, second)):
        ws.append(list(HEADERS))
        for r in rows:
            ws.append(list(r))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def merged_order_cell(order_id: str) -> bytes:
    """The order-number cell merged over the order's two rows (A2:A3): row 3 shows the order number
    on screen, but the file holds it only in A2."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "송장등록"
    ws.append(list(HEADERS))
    for r in rows_for(order_id, ["631234567890", "631234567890"]):
        ws.append(list(r))
    ws.merge_cells("A2:A3")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def late_xml_bomb(base: bytes, part: str = "xl/worksheets/sheet1.xml", pad: int = 9000) -> bytes:
    """A DTD with an entity, pushed past the first ``pad`` bytes of the part by a comment in its prolog."""
    def edit(text: str) -> str:
        body = re.sub(r"^<\?xml[^>]*\?>", "", text)
        return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<!--' + "x" * pad + "-->"
                + '<!DOCTYPE root [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
                + body)
    return _rewrite(base, part, edit)


def empty_row_bomb(order_id: str, empty_rows: int) -> bytes:
    """The header, ``empty_rows`` empty ``<row/>`` elements, then one real row: tiny on disk, and
    reading it costs a parse per row. (The measured bomb had 40 M rows in 351 KB; tests use a few
    thousand against a lowered row limit.)"""
    base = workbook(rows_for(order_id, ["631234567890"]))

    def edit(text: str) -> str:
        start = text.index("<sheetData>") + len("<sheetData>")
        first_end = text.index("</row>", start) + len("</row>")
        rest = text[first_end:]
        real = rest[: rest.index("</sheetData>")]
        real = re.sub(r'(<row r=")2(")', lambda m: m.group(1) + str(empty_rows + 2) + m.group(2), real)
        real = re.sub(r'r="([A-Z]+)2"', lambda m: f'r="{m.group(1)}{empty_rows + 2}"', real)
        return text[:first_end] + "<row/>" * empty_rows + real + rest[rest.index("</sheetData>"):]
    return _rewrite(base, "xl/worksheets/sheet1.xml", edit)


#: every bad workbook of the corpus, for writing them out (order number of a demo order)
def bad_workbooks(order_id: str = "20260101-000001") -> dict[str, bytes]:
    good = workbook(rows_for(order_id, ["631234567890", "631234567890"]))
    return {
        "not-xlsx.xlsx": not_xlsx(), "zip-not-xlsx.xlsx": zip_not_xlsx(), "zip-bomb.xlsx": zip_bomb(),
        "xml-entities.xlsx": xml_entities(good), "late-xml-bomb.xlsx": late_xml_bomb(good),
        "tracking-typed-as-number.xlsx": tracking_typed_as_number(order_id),
        "tracking-as-float.xlsx": tracking_as_float(order_id),
        "hidden-template-sheet.xlsx": hidden_template_sheet(rows_for(order_id, ["631234567890"] * 2),
                                                            rows_for(order_id, ["999999999999"] * 2)),
        "two-template-sheets.xlsx": two_template_sheets(rows_for(order_id, ["631234567890"]),
                                                        rows_for(order_id, ["999999999999"])),
        "merged-order-cell.xlsx": merged_order_cell(order_id),
        "empty-row-bomb.xlsx": empty_row_bomb(order_id, 60_000),
    }


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m tests.invoice_corpus <output dir>", file=sys.stderr)
        return 2
    out = Path(argv[0])
    out.mkdir(parents=True, exist_ok=True)
    for name, data in bad_workbooks().items():
        (out / name).write_bytes(data)
        print(f"{out / name}  {len(data):,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
