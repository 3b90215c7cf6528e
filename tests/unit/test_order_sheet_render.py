"""Order sheets: the PDF embeds the Korean font (pdffonts), its text comes back as Hangul with the
options on lines of their own (pdftotext), each order is one page (pdftoppm renders one PNG per
order); the HTML escapes what it shows and breaks the page between orders."""

from __future__ import annotations

import subprocess
from pathlib import Path

from oms.printing import html, pdf, sheet
from tests.exports_support import PAYMENTS, order_with_options


def _sheets(n: int = 2) -> list[sheet.Sheet]:
    orders = [order_with_options(f"20260302-00000{i + 1}", message="문 앞에 놓아 주세요 <b>") for i in range(n)]
    return [sheet.build(o, PAYMENTS, "하늘상점") for o in orders]


def _pdf(tmp_path: Path, n: int = 2) -> Path:
    path = tmp_path / "sheets.pdf"
    path.write_bytes(pdf.render(_sheets(n)))
    return path


def test_pdf_embeds_the_korean_font(tmp_path: Path) -> None:
    out = subprocess.run(["pdffonts", str(_pdf(tmp_path))], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in out.splitlines()[2:]]
    nanum = [r for r in rows if "NanumGothic" in r[0]]
    assert nanum, out
    # name, type, encoding, emb, sub, uni: embedded and subset
    assert nanum[0][-5:-2] == ["yes", "yes", "yes"], out
    assert nanum[0][0].split("+")[0].isupper()  # ABCDEF+NanumGothic: a subset tag


def test_pdf_text_is_hangul_with_options_on_their_own_lines(tmp_path: Path) -> None:
    text = subprocess.run(["pdftotext", "-layout", str(_pdf(tmp_path, 1)), "-"], capture_output=True, text=True,
                          check=True).stdout
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    assert "하늘상점" in lines and any(line.startswith("주문서 20260302-000001") for line in lines)
    assert "색상: 블랙" in lines and "사이즈: L" in lines  # each option its own line
    assert any("서울특별시 중구 세종대로 110 3층" in line for line in lines)
    assert any("문 앞에 놓아 주세요 <b>" in line for line in lines)
    assert any("77,700원" in line for line in lines)
    assert "\ufffd" not in text


def test_pdf_is_one_page_per_order_and_renders(tmp_path: Path) -> None:
    path = _pdf(tmp_path, 3)
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(path), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == 3
    assert all(p.stat().st_size > 1000 for p in pages)


def test_html_one_order_per_page_escaped() -> None:
    doc = html.render(_sheets(2))
    assert doc.count('<section class="sheet"') == 2
    assert "break-before: page" in doc and "@media print" in doc
    assert "&lt;b&gt;" in doc and "<b>" not in doc
    assert "<div>색상: 블랙</div><div>사이즈: L</div>" in doc
    assert "하늘상점" in doc and "[04524] 서울특별시 중구 세종대로 110 3층" in doc
