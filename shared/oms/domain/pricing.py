"""Building an order at intake: lines priced, order-level coupon and points allocated (docs/domain.md, "Pricing")."""

from __future__ import annotations

from dataclasses import dataclass, field

from oms.domain.errors import DomainError
from oms.domain.money import allocate
from oms.domain.moves import mark_paid
from oms.domain.order import MAX_INTAKE_LINES, SYSTEM, Buyer, Line, Option, Order, Recipient
from oms.domain.statuses import Channel, DeliveryScope, PaymentMethod, ProductKind, Status


@dataclass
class LineInput:
    product_code: str
    product_name: str
    kind: ProductKind
    quantity: int
    unit_price: int
    options: list[Option] = field(default_factory=list)
    combination: bool = False
    product_discount: int = 0
    points_eligible: bool = True
    membership_days: int | None = None

    @property
    def option_price(self) -> int:
        return sum(o.price for o in self.options)


def stock_keys_for(line: LineInput) -> list[str]:
    """Stock keeping units a line draws from (docs/domain.md, "Stock").

    A combination option (조합형) is one SKU per combination; non-combination options (비조합)
    draw from each chosen value separately; a product without options from the product itself.
    """
    if not line.options:
        return [line.product_code]
    if line.combination:
        return [line.product_code + "|" + "|".join(f"{o.name}={o.value}" for o in line.options)]
    return [f"{line.product_code}|{o.name}={o.value}" for o in line.options]


def price_lines(
    inputs: list[LineInput], coupon_total: int, points_total: int
) -> list[tuple[int, int]]:
    """Allocate order-level coupon and points to lines by largest remainder (docs/domain.md, "Pricing").

    Returns (coupon, points) per line; the parts sum to the totals exactly and no line is
    discounted below zero. Points go only on lines with ``points_eligible`` (a product marked "no
    points" never carries any); more points than those lines can take is refused.
    """
    base = [(li.unit_price + li.option_price) * li.quantity - li.product_discount for li in inputs]
    for i, amount in enumerate(base):
        if amount < 0:
            raise DomainError(
                "DISCOUNT_EXCEEDS_LINE_AMOUNT",
                "상품 할인금액이 품목 금액보다 클 수 없습니다.",
                field=f"lines[{i}].product_discount",
            )
    if coupon_total + points_total > sum(base):
        raise DomainError(
            "DISCOUNT_EXCEEDS_ORDER_AMOUNT",
            "쿠폰과 적립금 사용액의 합이 상품 금액을 넘을 수 없습니다.",
            field="coupon_discount",
        )
    coupons = allocate(coupon_total, base)
    # points go only on lines whose product allows using points (docs/domain.md, "Points and purchase
    # confirmation": "no points" blocks using them)
    room = [b - c if li.points_eligible else 0 for li, b, c in zip(inputs, base, coupons, strict=True)]
    if points_total > sum(room):
        raise DomainError(
            "POINTS_EXCEED_ELIGIBLE_AMOUNT",
            "적립금은 적립금 사용이 가능한 상품 금액까지만 사용할 수 있습니다.",
            field="points_used",
            extra={"points_used": points_total, "eligible_amount": sum(room)},
        )
    points = allocate(points_total, room) if points_total else [0] * len(inputs)
    return list(zip(coupons, points, strict=True))


def build_order(
    *,
    site_id: str,
    order_id: str,
    created_at: str,
    channel: Channel,
    payment_method: PaymentMethod,
    scope: DeliveryScope,
    buyer: Buyer,
    recipient: Recipient,
    lines: list[LineInput],
    shipping_fee: int,
    shipping_fee_cod: bool,
    coupon_total: int,
    points_total: int,
    paid: bool,
    checkout_id: str | None = None,
    payment_due_at: str | None = None,
    payment_id: str = "P000000000000",
) -> Order:
    """A new order. Paid orders start in `preparing`, unpaid (virtual account) in `payment_pending`;
    digital goods and membership passes of a paid order are confirmed at once and close it (§2)."""
    if not lines:
        raise DomainError("ORDER_HAS_NO_LINES", "주문에 품목이 없습니다.", field="lines")
    if len(lines) > MAX_INTAKE_LINES:
        raise DomainError("ORDER_TOO_MANY_LINES",
                          f"한 주문의 품목은 최대 {MAX_INTAKE_LINES:,}개까지 접수할 수 있습니다.",
                          field="lines", extra={"limit": MAX_INTAKE_LINES, "lines": len(lines)})
    allocations = price_lines(lines, coupon_total, points_total)
    order = Order(
        site_id=site_id,
        order_id=order_id,
        created_at=created_at,
        channel=channel,
        payment_method=payment_method,
        scope=scope,
        buyer=buyer,
        recipient=recipient,
        lines=[],
        shipping_fee=shipping_fee,
        shipping_fee_cod=shipping_fee_cod,
        coupon_total=coupon_total,
        points_total=points_total,
        checkout_id=checkout_id,
        payment_due_at=payment_due_at,
    )
    for li, (coupon, points) in zip(lines, allocations, strict=True):
        order.lines.append(
            Line(
                line_id=order.new_line_id(),
                product_code=li.product_code,
                product_name=li.product_name,
                kind=li.kind,
                options=list(li.options),
                combination=li.combination,
                quantity=li.quantity,
                status=Status.PAYMENT_PENDING,
                unit_price=li.unit_price,
                option_price=li.option_price,
                product_discount=li.product_discount,
                coupon_discount=coupon,
                points_used=points,
                points_eligible=li.points_eligible,
                stock_keys=stock_keys_for(li),
                status_changed_at=created_at,
                membership_days=li.membership_days,
            )
        )
    if paid:  # paid in full at checkout (by ``payment_id``)
        from oms.domain.payments import Payment

        order.payments[payment_id] = Payment(payment_id=payment_id, method=payment_method.value,
                                             amount=order.order_amount, status="paid", paid_at=created_at,
                                             requested_at=created_at)
        mark_paid(order, at=created_at, actor=SYSTEM)
    return order


