"""The bad-workbook corpus is made by its script, and the reader answers each file as intended
(no storage needed: the package guards and the streaming reader only)."""

from __future__ import annotations

from pathlib import Path

import pytest

from oms.excel import invoices as xl
from tests import invoice_corpus as corpus

EXPECTED = {
    "not-xlsx.xlsx": "NOT_XLSX", "zip-not-xlsx.xlsx": "NOT_XLSX", "zip-bomb.xlsx": "ZIP_BOMB",
    "xml-entities.xlsx": "XML_FORBIDDEN", "late-xml-bomb.xlsx": "XML_FORBIDDEN",
    "hidden-template-sheet.xlsx": "HIDDEN_SHEET", "two-template-sheets.xlsx": "SHEET_AMBIGUOUS",
    "empty-row-bomb.xlsx": "TOO_MANY_ROWS",
    # row level: the file is read, the rows are refused
    "tracking-typed-as-number.xlsx": ["TRACKING_NO_NOT_TEXT", None],
    "tracking-as-float.xlsx": ["TRACKING_NO_NOT_TEXT", None],
    "merged-order-cell.xlsx": ["MERGED_CELLS", "MERGED_CELLS"],
}


def _read(path: Path) -> str | list[str | None]:
    try:
        xl.check_package(str(path), path.stat().st_size)
        return [issue for _, _, issue in xl.iter_rows(str(path))]
    except xl.FileRefused as exc:
        return exc.code


def test_the_script_writes_every_case(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert corpus.main([str(tmp_path)]) == 0
    written = {p.name for p in tmp_path.iterdir()}
    assert written == set(EXPECTED)
    assert len(capsys.readouterr().out.splitlines()) == len(EXPECTED)
    for name, expected in EXPECTED.items():
        assert _read(tmp_path / name) == expected, name


def test_the_empty_row_bomb_is_small_on_disk_and_refused_at_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(corpus.empty_row_bomb("20260101-000001", 400_000))
    assert path.stat().st_size < 20_000  # 400,000 rows in a few KB
    assert _read(path) == "TOO_MANY_ROWS"
