"""Order sheets as a PDF (reportlab platypus): one order per page, Korean text in NanumGothic
embedded as a subset (only the glyphs used), options one per line, a Code 128 barcode of the
order number for the packing scanner."""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import cache
from xml.sax.saxutils import escape

from reportlab.graphics.barcode import code128
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from oms.printing.fonts import FONT_NAME, font_path
from oms.printing.sheet import Sheet, won


@cache
def _styles() -> dict[str, ParagraphStyle]:
    pdfmetrics.registerFont(TTFont(FONT_NAME, font_path()))  # subset-embedded on output
    base = ParagraphStyle("base", fontName=FONT_NAME, fontSize=9.5, leading=13, wordWrap="CJK")
    return {
        "base": base,
        "shop": ParagraphStyle("shop", parent=base, fontSize=10, textColor=colors.HexColor("#444444")),
        "title": ParagraphStyle("title", parent=base, fontSize=16, leading=20),
        "opt": ParagraphStyle("opt", parent=base, fontSize=8.5, leading=11, textColor=colors.HexColor("#333333")),
        "num": ParagraphStyle("num", parent=base, alignment=2),
    }


def _p(text: object, style: str = "base") -> Paragraph:
    return Paragraph(escape("" if text is None else str(text)), _styles()[style])


_GRID = TableStyle([
    ("FONTNAME", (0, 0), (-1, -1), FONT_NAME),
    ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#999999")),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
])


def _info(s: Sheet, width: float) -> Table:
    label = 24 * mm
    rows = [
        [_p("주문일시"), _p(s.ordered_at), _p("판매채널"), _p(s.channel)],
        [_p("결제수단"), _p(s.payment), _p("배송방법"), _p(s.shipping)],
        [_p("주문자"), _p(f"{s.buyer[0]} ({s.buyer[1]})"), "", ""],
        [_p("수령인"), _p(s.recipient_name), _p("연락처"), _p(s.recipient_phone)],
        [_p("주소"), _p(f"[{s.postal_code}] {s.address1} {s.address2}".strip()), "", ""],
        [_p("배송 메시지"), _p(s.message or ""), "", ""],
    ]
    half = (width - 2 * label) / 2
    t = Table(rows, colWidths=[label, half, label, half])
    t.setStyle(TableStyle([*_GRID.getCommands(),
                           ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#F2F2F2")),
                           ("BACKGROUND", (2, 0), (2, 1), colors.HexColor("#F2F2F2")),
                           ("BACKGROUND", (2, 3), (2, 3), colors.HexColor("#F2F2F2")),
                           ("SPAN", (1, 2), (3, 2)), ("SPAN", (1, 4), (3, 4)), ("SPAN", (1, 5), (3, 5))]))
    return t


def _lines(s: Sheet, width: float) -> Table:
    head = [_p("상품명 / 옵션"), _p("상품코드"), _p("수량"), _p("상태"), _p("실결제가")]
    body = []
    for li in s.lines:
        name = escape(li.name) + "".join(
            f"<br/><font size=8.5 color='#333333'>{escape(o)}</font>" for o in li.options)
        body.append([Paragraph(name, _styles()["base"]), _p(li.code), _p(li.quantity, "num"), _p(li.status),
                     _p(won(li.paid_amount), "num")])
    total = [_p(f"합계 (배송비 {won(s.shipping_fee)} 포함)"), "", _p(s.total_quantity, "num"), "",
             _p(won(s.order_amount), "num")]
    t = Table([head, *body, total], colWidths=[width - 112 * mm, 36 * mm, 16 * mm, 24 * mm, 36 * mm],
              repeatRows=1)
    t.setStyle(TableStyle([*_GRID.getCommands(), ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#F2F2F2")),
                           ("SPAN", (0, -1), (1, -1))]))
    return t


def render(sheets: Sequence[Sheet]) -> bytes:
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=12 * mm, rightMargin=12 * mm, topMargin=12 * mm,
                            bottomMargin=12 * mm, title=f"주문서 {sheets[0].order_id}", author=sheets[0].shop_name)
    width = doc.width
    story: list[object] = []
    for i, s in enumerate(sheets):
        if i:
            story.append(PageBreak())
        barcode = code128.Code128(s.order_id, barHeight=10 * mm, barWidth=0.33 * mm, humanReadable=True,
                                   fontName=FONT_NAME, fontSize=8)
        head = Table([[[_p(s.shop_name, "shop"), _p(f"주문서 {s.order_id}", "title")], barcode]],
                     colWidths=[width - 70 * mm, 70 * mm])
        head.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (1, 0), (1, 0), "RIGHT")]))
        story += [head, Spacer(1, 3 * mm), _info(s, width), Spacer(1, 4 * mm), _lines(s, width)]
        if s.memo:
            story += [Spacer(1, 3 * mm), _p(f"메모: {s.memo}")]
    doc.build(story)
    return buf.getvalue()
