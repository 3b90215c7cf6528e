"""Writing an export workbook with xlsxwriter in ``constant_memory`` mode: each row goes to the
sheet's temporary file as it is written (inline strings, no shared-string table), so memory does
not grow with the rows (bench/exports.py measures it against openpyxl's ``write_only``).

Cell rules:
- text is always written as a string, never parsed: a value starting with ``= + - @`` tab or CR is
  written with the ``quotePrefix`` style (Excel shows it as typed and never runs it; read back it
  is the same text), every workbook option that turns strings into formulas, numbers or links is off;
- multi-line text (options, one per line) has ``\\n`` in the string *and* the wrap style;
- quantities are numbers, money integer KRW with a ``#,##0"원"`` number format, times KST.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import xlsxwriter

from oms.excel.export_fields import Kind

DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")
MONEY_FORMAT = '#,##0"원"'
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
DATE_FORMAT = "yyyy-mm-dd"
_WIDTH = {"text": 16, "multiline": 28, "int": 8, "money": 12, "datetime": 19, "date": 11}

WORKBOOK_OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
    "in_memory": False,
}


@dataclass(frozen=True)
class OutColumn:
    header: str
    kind: Kind


class SheetWriter:
    """Rows in, a workbook on disk out. ``with SheetWriter(path, sheet, columns) as w: w.row(...)``."""

    def __init__(self, path: str, sheet_name: str, columns: Sequence[OutColumn], tmpdir: str | None = None) -> None:
        options: dict[str, Any] = dict(WORKBOOK_OPTIONS)
        if tmpdir:
            options["tmpdir"] = tmpdir
        self.book = xlsxwriter.Workbook(path, options)
        self.sheet = self.book.add_worksheet(sheet_name[:31])
        self.kinds = [c.kind for c in columns]
        f = self.book.add_format
        self.quoted = f({"quote_prefix": True})
        self.wrap = f({"text_wrap": True, "valign": "top"})
        self.wrap_quoted = f({"text_wrap": True, "valign": "top", "quote_prefix": True})
        self.money = f({"num_format": MONEY_FORMAT})
        self.datetime = f({"num_format": DATETIME_FORMAT})
        self.date = f({"num_format": DATE_FORMAT})
        head = f({"bold": True, "bg_color": "#F2F2F2", "border": 1})
        self.rows = 0
        self.writers = [self._writer(c.kind) for c in columns]
        for i, c in enumerate(columns):
            self.sheet.set_column(i, i, _WIDTH[c.kind])
            self._text(0, i, c.header, head)
        self.sheet.freeze_panes(1, 0)
        self.rows = 1

    def _text(self, r: int, c: int, value: str, base: Any = None) -> None:
        if value.startswith(DANGEROUS_START):
            self.sheet.write_string(r, c, value, self.quoted if base is None else base)
        else:
            self.sheet.write_string(r, c, value, base)

    def _writer(self, kind: Kind) -> Callable[[int, int, Any], Any]:
        """One writer per column, chosen once (the row loop is the export's hot path)."""
        sheet = self.sheet
        string, number, when = sheet.write_string, sheet.write_number, sheet.write_datetime
        quoted, wrap, wrap_quoted = self.quoted, self.wrap, self.wrap_quoted
        money, datetime_fmt, date_fmt = self.money, self.datetime, self.date

        if kind == "money":
            return lambda r, c, v: number(r, c, int(v), money)
        if kind == "int":
            return lambda r, c, v: number(r, c, int(v))
        if kind in ("datetime", "date"):
            fmt = datetime_fmt if kind == "datetime" else date_fmt
            return lambda r, c, v: when(r, c, v, fmt) if isinstance(v, datetime) else string(r, c, str(v))
        if kind == "multiline":
            return lambda r, c, v: string(r, c, s := str(v), wrap_quoted if s.startswith(DANGEROUS_START) else wrap)

        def text(r: int, c: int, v: Any) -> Any:
            s = v if type(v) is str else str(v)
            return string(r, c, s, quoted) if s.startswith(DANGEROUS_START) else string(r, c, s)

        return text

    def row(self, values: Sequence[Any]) -> None:
        r = self.rows
        for c, v in enumerate(values):
            if v is not None and v != "":
                self.writers[c](r, c, v)
        self.rows = r + 1

    def close(self) -> None:
        self.book.close()

    def __enter__(self) -> SheetWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
