"""Integer KRW arithmetic (docs/domain.md, "Pricing"): allocation by largest remainder, exact splits, line pricing."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from oms.domain.errors import DomainError
from oms.domain.money import allocate, split_amount
from oms.domain.moves import Move, apply_moves
from oms.domain.order import Actor, Buyer, Option, Order, Recipient
from oms.domain.pricing import LineInput, build_order, price_lines
from oms.domain.statuses import Channel, DeliveryScope, PaymentMethod, ProductKind, Status

AT = "2024-05-01T01:00:00.000000Z"
ADMIN = Actor("admin", "admin-1", "관리자")

weights_st = st.lists(st.integers(min_value=0, max_value=10_000_000), min_size=1, max_size=8)


# ---- allocate -------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(total=st.integers(min_value=0, max_value=10**10), weights=weights_st)
def test_allocate_sums_exactly_and_stays_within_one_won_of_the_exact_share(total: int, weights: list[int]) -> None:
    parts = allocate(total, weights)

    assert len(parts) == len(weights)
    assert sum(parts) == total
    assert all(p >= 0 for p in parts)
    weight_sum = sum(weights)
    if weight_sum == 0:
        # spread evenly
        assert max(parts) - min(parts) <= 1
        return
    for part, w in zip(parts, weights, strict=True):
        # |part - total*w/W| < 1, in integers
        assert abs(part * weight_sum - total * w) < weight_sum
        if w == 0:
            assert part == 0


@settings(max_examples=100, deadline=None)
@given(total=st.integers(min_value=1, max_value=10**9), n=st.integers(min_value=1, max_value=8))
def test_allocate_over_all_zero_weights_spreads_the_total(total: int, n: int) -> None:
    parts = allocate(total, [0] * n)
    assert sum(parts) == total
    assert max(parts) - min(parts) <= 1


def test_allocate_gives_leftover_won_to_largest_remainders_then_earliest_index() -> None:
    assert allocate(100, [1, 1, 1]) == [34, 33, 33]
    assert allocate(2, [1, 1, 1]) == [1, 1, 0]
    # 10 * 1/6 = 1.67, 10 * 2/6 = 3.33, 10 * 3/6 = 5: the 1.67 gets the leftover won
    assert allocate(10, [1, 2, 3]) == [2, 3, 5]
    assert allocate(7, [0, 5, 0]) == [0, 7, 0]
    assert allocate(0, [3, 4]) == [0, 0]
    assert allocate(0, []) == []


@pytest.mark.parametrize(
    ("total", "weights"),
    [(-1, [1, 2]), (5, []), (5, [1, -1])],
)
def test_allocate_rejects_impossible_input(total: int, weights: list[int]) -> None:
    with pytest.raises(ValueError):
        allocate(total, weights)


# ---- split_amount ---------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(data=st.data(), amount=st.integers(min_value=0, max_value=10**10), of=st.integers(min_value=1, max_value=9999))
def test_split_amount_conserves_and_is_proportional(data: st.DataObject, amount: int, of: int) -> None:
    moved = data.draw(st.integers(min_value=1, max_value=of))
    part, rest = split_amount(amount, moved, of)

    assert part + rest == amount
    assert 0 <= part <= amount
    assert abs(part * of - amount * moved) < of
    if moved == of:
        assert (part, rest) == (amount, 0)


@pytest.mark.parametrize(("moved", "of"), [(0, 3), (4, 3), (-1, 3)])
def test_split_amount_rejects_quantities_outside_the_line(moved: int, of: int) -> None:
    with pytest.raises(ValueError):
        split_amount(1000, moved, of)


# ---- price_lines ----------------------------------------------------------------------------


@st.composite
def priced_lines(draw: st.DrawFn) -> tuple[list[LineInput], int, int]:
    """1-6 lines with option prices and product discounts, plus a coupon and points that fit."""
    inputs: list[LineInput] = []
    for i in range(draw(st.integers(min_value=1, max_value=6))):
        unit = draw(st.integers(min_value=0, max_value=200_000))
        opt = draw(st.integers(min_value=0, max_value=20_000))
        qty = draw(st.integers(min_value=1, max_value=9))
        gross = (unit + opt) * qty
        discount = draw(st.integers(min_value=0, max_value=gross))
        inputs.append(
            LineInput(
                product_code=f"P{i}",
                product_name=f"상품{i}",
                kind=ProductKind.PHYSICAL,
                quantity=qty,
                unit_price=unit,
                options=[Option("사이즈", "L", opt)] if opt else [],
                product_discount=discount,
            )
        )
    base = sum(base_of(li) for li in inputs)
    coupon = draw(st.integers(min_value=0, max_value=base))
    points = draw(st.integers(min_value=0, max_value=base - coupon))
    return inputs, coupon, points


def base_of(li: LineInput) -> int:
    """The line amount order discounts are allocated over, computed independently of the code under test."""
    return (li.unit_price + sum(o.price for o in li.options)) * li.quantity - li.product_discount


@settings(max_examples=300, deadline=None)
@given(case=priced_lines())
def test_price_lines_allocates_coupon_and_points_exactly_and_never_below_zero(
    case: tuple[list[LineInput], int, int],
) -> None:
    inputs, coupon, points = case
    allocations = price_lines(inputs, coupon, points)

    assert len(allocations) == len(inputs)
    assert sum(c for c, _ in allocations) == coupon
    assert sum(p for _, p in allocations) == points
    for li, (c, p) in zip(inputs, allocations, strict=True):
        assert c >= 0 and p >= 0
        assert base_of(li) - c - p >= 0


def test_price_lines_worked_example() -> None:
    """The typical order of tests/support.order_payload, by hand.

    Bases 62,700 (3 × (19,900 + 1,000)) and 15,000. Coupon 3,000: 2,420.85 / 579.15 → 2,420 / 579,
    the leftover won to the .85 → (2,421, 579). Points 1,000 over 60,279 / 14,421: 806.95 / 193.05
    → (807, 193).
    """
    inputs = [
        LineInput("TEE-01", "오버핏 티셔츠", ProductKind.PHYSICAL, 3, 19900,
                  options=[Option("색상", "블랙"), Option("사이즈", "L", 1000)], combination=True),
        LineInput("CAP-02", "볼캡", ProductKind.PHYSICAL, 1, 15000),
    ]
    assert price_lines(inputs, 3000, 1000) == [(2421, 807), (579, 193)]


def test_price_lines_refuses_discounts_larger_than_the_amount() -> None:
    li = LineInput("P", "상품", ProductKind.PHYSICAL, 2, 1000)
    with pytest.raises(DomainError) as err:
        price_lines([li], 1500, 501)
    assert err.value.code == "DISCOUNT_EXCEEDS_ORDER_AMOUNT"
    assert price_lines([li], 1500, 500) == [(1500, 500)]

    over = LineInput("P", "상품", ProductKind.PHYSICAL, 2, 1000, product_discount=2001)
    with pytest.raises(DomainError) as err:
        price_lines([over], 0, 0)
    assert err.value.code == "DISCOUNT_EXCEEDS_LINE_AMOUNT"
    assert err.value.field == "lines[0].product_discount"


# ---- order amount ---------------------------------------------------------------------------


def _order(inputs: list[LineInput], coupon: int, points: int, shipping_fee: int, cod: bool) -> Order:
    return build_order(
        site_id="s1",
        order_id="20240501-000001",
        created_at=AT,
        channel=Channel.STORE,
        payment_method=PaymentMethod.CARD,
        scope=DeliveryScope.DOMESTIC,
        buyer=Buyer("김민지", "010-1234-5678"),
        recipient=Recipient("김민지", "010-1234-5678", "04524", "서울특별시 중구 세종대로 110"),
        lines=inputs,
        shipping_fee=shipping_fee,
        shipping_fee_cod=cod,
        coupon_total=coupon,
        points_total=points,
        paid=True,
    )


@settings(max_examples=200, deadline=None)
@given(case=priced_lines(), shipping_fee=st.integers(min_value=0, max_value=50_000), cod=st.booleans())
def test_order_amount_is_line_paid_amounts_plus_prepaid_shipping(
    case: tuple[list[LineInput], int, int], shipping_fee: int, cod: bool
) -> None:
    inputs, coupon, points = case
    order = _order(inputs, coupon, points, shipping_fee, cod)

    paid_sum = sum(line.paid_amount for line in order.lines)
    assert all(line.paid_amount >= 0 for line in order.lines)
    assert paid_sum == sum(base_of(li) for li in inputs) - coupon - points
    assert sum(line.coupon_discount for line in order.lines) == coupon
    assert sum(line.points_used for line in order.lines) == points
    # 착불 (cash on delivery) is paid to the courier, not with the order
    assert order.order_amount == paid_sum + (0 if cod else shipping_fee)


def test_order_amount_worked_example_with_and_without_cod() -> None:
    inputs = [
        LineInput("TEE-01", "오버핏 티셔츠", ProductKind.PHYSICAL, 3, 19900,
                  options=[Option("색상", "블랙"), Option("사이즈", "L", 1000)], combination=True),
        LineInput("CAP-02", "볼캡", ProductKind.PHYSICAL, 1, 15000),
    ]
    prepaid = _order(inputs, 3000, 1000, 3000, cod=False)
    assert [line.paid_amount for line in prepaid.lines] == [59472, 14228]
    assert prepaid.order_amount == 76700
    cod = _order(inputs, 3000, 1000, 3000, cod=True)
    assert cod.order_amount == 73700


# ---- splitting a priced line ----------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@example(unit=10000, qty=3, coupon=10001, points=19999, product_discount=0, moved=1)
@given(
    unit=st.integers(min_value=1, max_value=100_000),
    qty=st.integers(min_value=2, max_value=9),
    coupon=st.integers(min_value=0, max_value=900_000),
    points=st.integers(min_value=0, max_value=900_000),
    product_discount=st.integers(min_value=0, max_value=900_000),
    moved=st.integers(min_value=1, max_value=8),
)
def test_splitting_a_line_conserves_amounts_and_keeps_every_paid_amount_non_negative(
    unit: int, qty: int, coupon: int, points: int, product_discount: int, moved: int
) -> None:
    """Partial moves carve a line; each part keeps its share of every amount and 실결제가 stays >= 0.

    The example: 3 × 10,000 won fully paid by a 10,001 coupon and 19,999 points. Splitting one unit
    off must not leave the remaining two units with a paid amount of -1 won.
    """
    gross = unit * qty
    product_discount = min(product_discount, gross)
    coupon = min(coupon, gross - product_discount)
    points = min(points, gross - product_discount - coupon)
    moved = min(moved, qty - 1)
    order = _order([LineInput("P", "상품", ProductKind.PHYSICAL, qty, unit, product_discount=product_discount)],
                   coupon, points, 0, cod=False)
    total_paid = order.lines[0].paid_amount

    after = apply_moves(order, [Move("L001", Status.READY_TO_SHIP, moved)], ADMIN, AT).order

    assert [line.quantity for line in after.lines] == [qty - moved, moved]
    assert sum(line.coupon_discount for line in after.lines) == coupon
    assert sum(line.points_used for line in after.lines) == points
    assert sum(line.product_discount for line in after.lines) == product_discount
    assert sum(line.paid_amount for line in after.lines) == total_paid
    assert [line.paid_amount for line in after.lines if line.paid_amount < 0] == []
