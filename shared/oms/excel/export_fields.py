"""The export field catalog: every column an export template may name, its Korean header, its
group and how its value comes out of an order (pure: no spreadsheet library here).

A value is taken per *row*: in a per-line export a row is one line of an order (order fields repeat
on every row, like Shopify's and Naver's exports); in a per-order export it is the whole order, and
line fields are combined: texts one line of the cell per order line, amounts and quantities summed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from oms.domain.clock import KST, parse_iso
from oms.domain.order import Line, Order
from oms.domain.shipping import METHOD_KO
from oms.domain.statuses import Status

Kind = Literal["text", "multiline", "int", "money", "datetime", "date"]
Group = Literal["order", "line", "payment", "buyer", "recipient", "shipping", "memo"]

CHANNEL_KO = {"store": "쇼핑몰", "naverpay_order": "네이버페이 주문형", "kakao_checkout": "카카오 체크아웃"}
PAYMENT_KO = {"card": "신용카드", "bank_transfer": "무통장입금", "virtual_account": "가상계좌", "easy_pay": "간편결제",
              "points": "적립금 전액결제", "mobile": "휴대폰결제"}
SCOPE_KO = {"domestic": "국내", "overseas": "해외"}
SHIPPED = frozenset({Status.SHIPPING})


@dataclass(frozen=True)
class Row:
    """What one spreadsheet row is made of: the order, its payments and the line (None: per order)."""

    order: Order
    payments: Sequence[dict[str, Any]]
    line: Line | None
    options_inline: bool = False

    @property
    def lines(self) -> list[Line]:
        return [self.line] if self.line is not None else list(self.order.lines)


@dataclass(frozen=True)
class Field:
    key: str
    header: str
    group: Group
    kind: Kind
    get: Callable[[Row], Any]

    @property
    def per_line(self) -> bool:
        """The value depends on the row's line (else it is the same on every row of an order)."""
        return self.group in ("line", "shipping") or self.key == "status"


def kst(value: str | None) -> datetime | None:
    """A stored UTC instant as a naive KST datetime (a spreadsheet has no time zones)."""
    if not value:
        return None
    return parse_iso(value).astimezone(KST).replace(tzinfo=None, microsecond=0)


def _per_line(fn: Callable[[Line, Row], Any], how: Literal["join", "sum", "distinct"] = "join"
              ) -> Callable[[Row], Any]:
    def get(row: Row) -> Any:
        values = [fn(line, row) for line in row.lines]
        if row.line is not None:
            return values[0]
        if how == "sum":
            return sum(v or 0 for v in values)
        if how == "distinct":
            return ", ".join(dict.fromkeys(str(v) for v in values if v))
        return "\n".join("" if v is None else str(v) for v in values) or None

    return get


def _options(line: Line, row: Row) -> str | None:
    if not line.options:
        return None
    sep = " / " if row.options_inline or row.line is None else "\n"
    return sep.join(f"{o.name}: {o.value}" for o in line.options)


def _shipment(row: Row, line: Line) -> Any:
    return row.order.shipments.get(line.shipment_id) if line.shipment_id else None


def _courier(line: Line, row: Row) -> str | None:
    from oms.domain import couriers

    s = _shipment(row, line)
    if s is None or not s.courier:
        return None
    c = couriers.resolve(s.courier)
    return c.name_ko if c else s.courier


def _shipped_on(line: Line, row: Row) -> datetime | None:
    if line.status in SHIPPED:
        return kst(line.status_changed_at)
    return None


def _method(line: Line, row: Row) -> str:
    s = _shipment(row, line)
    return METHOD_KO.get(s.method if s else row.order.shipping_method, "")


def _first_paid_at(row: Row) -> datetime | None:
    times = sorted(str(p["paid_at"]) for p in row.payments if p.get("paid_at"))
    return kst(times[0]) if times else None


def _payment_methods(row: Row) -> str:
    methods = [str(p.get("method")) for p in row.payments if p.get("method")] or [row.order.payment_method.value]
    return ", ".join(PAYMENT_KO.get(m, m) for m in dict.fromkeys(methods))


def _address(row: Row) -> str:
    r = row.order.recipient
    return " ".join(p for p in (r.address1, r.address2) if p)


def _date_only(value: datetime | None) -> datetime | None:
    return value.replace(hour=0, minute=0, second=0, microsecond=0) if value else None


_FIELDS: tuple[Field, ...] = (
    # order
    Field("order_id", "주문번호", "order", "text", lambda r: r.order.order_id),
    Field("created_at", "주문일시", "order", "datetime", lambda r: kst(r.order.created_at)),
    Field("status", "주문상태", "order", "text", _per_line(lambda li, r: li.status.ko, "distinct")),
    Field("channel", "판매채널", "order", "text", lambda r: CHANNEL_KO.get(r.order.channel.value)),
    Field("scope", "배송지역", "order", "text", lambda r: SCOPE_KO.get(r.order.scope.value)),
    Field("buyer_type", "회원구분", "order", "text", lambda r: "회원" if r.order.buyer.is_member else "비회원"),
    Field("order_amount", "주문금액", "order", "money", lambda r: r.order.order_amount),
    Field("shipping_fee", "배송비", "order", "money", lambda r: r.order.shipping_fee),
    # line
    Field("line_id", "품목번호", "line", "text", _per_line(lambda li, r: li.line_id)),
    Field("product_name", "상품명", "line", "multiline", _per_line(lambda li, r: li.product_name)),
    Field("product_code", "자체상품코드", "line", "multiline", _per_line(lambda li, r: li.product_code)),
    Field("options", "옵션", "line", "multiline", _per_line(_options)),
    Field("quantity", "수량", "line", "int", _per_line(lambda li, r: li.quantity, "sum")),
    Field("unit_price", "판매가", "line", "money", _per_line(lambda li, r: li.unit_price * li.quantity, "sum")),
    Field("option_price", "옵션가", "line", "money", _per_line(lambda li, r: li.option_price * li.quantity, "sum")),
    Field("product_discount", "상품할인", "line", "money", _per_line(lambda li, r: li.product_discount, "sum")),
    Field("coupon_discount", "쿠폰할인", "line", "money", _per_line(lambda li, r: li.coupon_discount, "sum")),
    Field("points_used", "적립금 사용", "line", "money", _per_line(lambda li, r: li.points_used, "sum")),
    Field("paid_amount", "품목별 실결제가", "line", "money", _per_line(lambda li, r: li.paid_amount, "sum")),
    # payment
    Field("payment_method", "결제수단", "payment", "text", _payment_methods),
    Field("paid_at", "결제일시", "payment", "datetime", _first_paid_at),
    Field("paid_total", "결제금액", "payment", "money", lambda r: r.order.paid_total),
    Field("outstanding", "미결금액", "payment", "money", lambda r: r.order.outstanding),
    # buyer
    Field("buyer_name", "주문자명", "buyer", "text", lambda r: r.order.buyer.name),
    Field("buyer_phone", "주문자 연락처", "buyer", "text", lambda r: r.order.buyer.phone),
    Field("buyer_email", "주문자 이메일", "buyer", "text", lambda r: r.order.buyer.email),
    # recipient
    Field("recipient_name", "수령인명", "recipient", "text", lambda r: r.order.recipient.name),
    Field("recipient_phone", "수령인 연락처", "recipient", "text", lambda r: r.order.recipient.phone),
    Field("postal_code", "우편번호", "recipient", "text", lambda r: r.order.recipient.postal_code),
    Field("address", "주소", "recipient", "text", _address),
    Field("message", "배송 메시지", "recipient", "text", lambda r: r.order.recipient.message),
    # shipping
    Field("shipping_method", "배송방법", "shipping", "text", _per_line(_method, "distinct")),
    Field("courier", "택배사", "shipping", "text", _per_line(_courier, "distinct")),
    Field("tracking_no", "송장번호", "shipping", "text",
          _per_line(lambda li, r: r.order.tracking_of(li), "distinct")),
    Field("shipped_on", "발송일", "shipping", "date",
          lambda r: _date_only(max((d for d in (_shipped_on(li, r) for li in r.lines) if d), default=None))),
    # memo
    Field("memo", "메모", "memo", "multiline", lambda r: r.order.last_memo.text if r.order.last_memo else None),
)

FIELDS: dict[str, Field] = {f.key: f for f in _FIELDS}

#: In a split-address template the ``address`` column becomes two: 주소 and this one.
ADDRESS_DETAIL_HEADER = "상세주소"


def address_parts(row: Row) -> tuple[str, str]:
    r = row.order.recipient
    return r.address1, r.address2


def catalog() -> list[dict[str, str]]:
    """The catalog as the API lists it."""
    return [{"field": f.key, "header": f.header, "group": f.group, "kind": f.kind} for f in _FIELDS]
