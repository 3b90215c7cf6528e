"""The Naver sandbox's page (:mod:`oms_local.naver_sandbox`): product orders with their status and
forms for the buyer's and Naver's moves. Every value shown is HTML-escaped."""

from __future__ import annotations

from html import escape

from oms_local.naver_sandbox_model import KST, Order, ProductOrder

STATUS_KO = {"PAYMENT_WAITING": "결제 대기", "PAYED": "결제 완료", "DELIVERING": "배송 중", "DELIVERED": "배송 완료",
             "PURCHASE_DECIDED": "구매 확정", "EXCHANGED": "교환", "CANCELED": "취소", "RETURNED": "반품"}
CLAIM_KO = {"CANCEL_REQUEST": "취소 요청", "CANCEL_DONE": "취소 완료", "CANCEL_REJECT": "취소 철회",
            "RETURN_REQUEST": "반품 요청", "COLLECT_DONE": "수거 완료", "RETURN_DONE": "반품 완료",
            "RETURN_REJECT": "반품 철회", "EXCHANGE_REQUEST": "교환 요청", "EXCHANGE_REJECT": "교환 철회"}
#: (control, label, the statuses it applies to)
MOVES = (("cancel-request", "취소 요청", ("PAYED",)), ("return-request", "반품 요청", ("DELIVERING", "DELIVERED")),
         ("delivered", "배송 완료", ("DELIVERING",)), ("decide", "구매 확정", ("DELIVERING", "DELIVERED")))


def _button(control: str, label: str, pid: str) -> str:
    return (f"<form method='post' action='/_sandbox/{escape(control)}' style='display:inline'>"
            f"<input type='hidden' name='productOrderId' value='{escape(pid)}'><button>{escape(label)}</button></form>")


def render(orders: list[Order], pos: list[ProductOrder], rows: int) -> str:
    by_id = {o.order_id: o for o in orders}
    parts = ["<!doctype html><meta charset='utf-8'><title>Naver Commerce sandbox</title>",
             "<style>body{font-family:sans-serif;margin:2em}td,th{border:1px solid #ccc;padding:4px 8px}"
             "table{border-collapse:collapse;margin-bottom:2em}</style>",
             f"<h1>네이버 커머스 샌드박스: 상품주문 {len(pos)}건, 변경 내역 {rows}건</h1>",
             "<form method='post' action='/_sandbox/orders'><button>데모 주문 넣기</button></form>",
             "<h2>상품주문</h2><table><tr><th>상품주문번호</th><th>주문번호</th><th>주문일시 (KST)</th><th>주문자</th>"
             "<th>상품</th><th>옵션</th><th>수량</th><th>결제금액</th><th>상태</th><th>클레임</th><th>송장</th>"
             "<th>처리</th></tr>"]
    for po in pos:
        order = by_id.get(po.order_id)
        when = f"{order.ordered_at.astimezone(KST):%Y-%m-%d %H:%M:%S}" if order else ""
        claim = f"{CLAIM_KO.get(po.claim.status, po.claim.status)} ({po.claim.status})" if po.claim else ""
        if po.claim and po.claim.holdback == "HOLDBACK":
            claim += " (보류)"
        parcel = f"{po.courier} {po.tracking_no}" if po.courier else ""
        buttons = "".join(_button(c, label, po.product_order_id) for c, label, states in MOVES
                          if po.status in states and not (po.open_claim() and c != "delivered"))
        parts.append(
            f"<tr><td>{escape(po.product_order_id)}</td><td>{escape(po.order_id)}</td><td>{when}</td>"
            f"<td>{escape(order.buyer_name if order else '')}</td><td>{escape(po.product_name)}</td>"
            f"<td>{escape(po.option_text)}</td><td>{po.quantity}</td><td>{po.total_payment:,}원</td>"
            f"<td>{escape(STATUS_KO.get(po.status, po.status))}</td><td>{escape(claim)}</td>"
            f"<td>{escape(parcel)}</td><td>{buttons}</td></tr>")
    parts.append("</table>")
    return "".join(parts)
