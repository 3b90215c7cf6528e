"""A corpus of invoice workbooks, good and bad, built in code so every case states its intent.

Each builder returns the bytes of a file an operator (or an attacker) could upload.
"""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Sequence
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
