"""Order sheets as one HTML document with print CSS: one order per printed page (the console
opens it and prints; the browser's own Korean fonts render it)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from oms.printing.sheet import Sheet, won

CSS = """
@page { size: A4; margin: 12mm; }
* { box-sizing: border-box; }
body { font-family: "Nanum Gothic", "NanumGothic", "Noto Sans KR", "Malgun Gothic", "Apple SD Gothic Neo",
       sans-serif; font-size: 10pt; color: #111; margin: 0; }
.sheet { padding: 4mm 0; }
.sheet + .sheet { break-before: page; page-break-before: always; }
h1 { font-size: 16pt; margin: 0 0 2mm; }
.shop { font-size: 11pt; color: #444; }
.meta, .party { width: 100%; border-collapse: collapse; margin: 3mm 0; }
.meta th, .party th { text-align: left; width: 22mm; background: #f2f2f2; }
th, td { border: 1px solid #999; padding: 1.5mm 2mm; vertical-align: top; }
.lines { width: 100%; border-collapse: collapse; margin-top: 3mm; }
.lines th { background: #f2f2f2; }
.lines td.num { text-align: right; white-space: nowrap; }
.opt { color: #333; font-size: 9pt; }
.total td { font-weight: bold; }
@media screen { body { background: #ddd; } .sheet { background: #fff; width: 210mm; margin: 5mm auto;
                padding: 12mm; } }
@media print { .sheet { page-break-inside: avoid; } }
"""


def _e(value: object) -> str:
    return escape("" if value is None else str(value))


def _sheet(s: Sheet) -> str:
    lines = "".join(
        f"<tr><td>{_e(li.name)}<div class=\"opt\">"
        + "".join(f"<div>{_e(o)}</div>" for o in li.options)
        + f"</div></td><td>{_e(li.code)}</td><td class=\"num\">{li.quantity}</td><td>{_e(li.status)}</td>"
        f"<td class=\"num\">{_e(won(li.paid_amount))}</td></tr>"
        for li in s.lines)
    return (
        f"<section class=\"sheet\" data-order-id=\"{_e(s.order_id)}\">"
        f"<div class=\"shop\">{_e(s.shop_name)}</div><h1>주문서 {_e(s.order_id)}</h1>"
        f"<table class=\"meta\"><tr><th>주문일시</th><td>{_e(s.ordered_at)}</td><th>판매채널</th>"
        f"<td>{_e(s.channel)}</td></tr><tr><th>결제수단</th><td>{_e(s.payment)}</td><th>배송방법</th>"
        f"<td>{_e(s.shipping)}</td></tr><tr><th>주문자</th><td colspan=\"3\">{_e(s.buyer[0])} "
        f"({_e(s.buyer[1])})</td></tr></table>"
        f"<table class=\"party\"><tr><th>수령인</th><td>{_e(s.recipient_name)}</td><th>연락처</th>"
        f"<td>{_e(s.recipient_phone)}</td></tr><tr><th>주소</th><td colspan=\"3\">[{_e(s.postal_code)}] "
        f"{_e(s.address1)} {_e(s.address2)}</td></tr><tr><th>배송 메시지</th><td colspan=\"3\">{_e(s.message)}"
        f"</td></tr></table>"
        f"<table class=\"lines\"><thead><tr><th>상품명 / 옵션</th><th>상품코드</th><th>수량</th><th>상태</th>"
        f"<th>실결제가</th></tr></thead><tbody>{lines}</tbody>"
        f"<tfoot><tr class=\"total\"><td colspan=\"2\">합계 (배송비 {_e(won(s.shipping_fee))} 포함)</td>"
        f"<td class=\"num\">{s.total_quantity}</td><td></td><td class=\"num\">{_e(won(s.order_amount))}</td></tr>"
        f"</tfoot></table>"
        + (f"<p>메모: {_e(s.memo)}</p>" if s.memo else "")
        + "</section>")


def render(sheets: Sequence[Sheet]) -> str:
    title = f"주문서 {sheets[0].order_id}" + (f" 외 {len(sheets) - 1}건" if len(sheets) > 1 else "")
    return ("<!doctype html><html lang=\"ko\"><head><meta charset=\"utf-8\"><title>" + _e(title) + "</title><style>"
            + CSS + "</style></head><body>" + "".join(_sheet(s) for s in sheets) + "</body></html>")
