"""The order sheet's content, independent of the output format (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from oms.domain.order import Order
from oms.domain.shipping import METHOD_KO
from oms.excel.export_fields import CHANNEL_KO, PAYMENT_KO, kst


@dataclass(frozen=True)
class SheetLine:
    name: str
    code: str
    options: list[str]
    quantity: int
    status: str
    paid_amount: int


@dataclass(frozen=True)
class Sheet:
    shop_name: str
    order_id: str
    ordered_at: str
    channel: str
    payment: str
    buyer: tuple[str, str]
    recipient_name: str
    recipient_phone: str
    postal_code: str
    address1: str
    address2: str
    message: str | None
    shipping: str
    lines: list[SheetLine]
    total_quantity: int
    order_amount: int
    shipping_fee: int
    memo: str | None


def won(amount: int) -> str:
    return f"{amount:,}원"


def build(order: Order, payments: Sequence[dict[str, Any]], shop_name: str) -> Sheet:
    at = kst(order.created_at)
    methods = [str(p.get("method")) for p in payments if p.get("method")] or [order.payment_method.value]
    r = order.recipient
    return Sheet(
        shop_name=shop_name,
        order_id=order.order_id,
        ordered_at=at.strftime("%Y-%m-%d %H:%M") if at else "",
        channel=CHANNEL_KO.get(order.channel.value, order.channel.value),
        payment=", ".join(PAYMENT_KO.get(m, m) for m in dict.fromkeys(methods)),
        buyer=(order.buyer.name, order.buyer.phone),
        recipient_name=r.name, recipient_phone=r.phone, postal_code=r.postal_code,
        address1=r.address1, address2=r.address2, message=r.message,
        shipping=METHOD_KO.get(order.shipping_method, order.shipping_method),
        lines=[SheetLine(name=li.product_name, code=li.product_code,
                         options=[f"{o.name}: {o.value}" for o in li.options], quantity=li.quantity,
                         status=li.status.ko, paid_amount=li.paid_amount) for li in order.lines],
        total_quantity=order.total_quantity,
        order_amount=order.order_amount,
        shipping_fee=0 if order.shipping_fee_cod else order.shipping_fee,
        memo=order.last_memo.text if order.last_memo else None,
    )
