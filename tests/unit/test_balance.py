"""The balance (docs/domain.md, "Balance"): charges, added lines and address changes, derived, never typed in."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from oms.domain.balance import add_line, change_address, charges_total, new_charge, outstanding
from oms.domain.errors import DomainError
from oms.domain.order import Option, Order
from oms.domain.pricing import LineInput
from oms.domain.statuses import Channel, ProductKind, Status
from tests.claims_support import (
    ADMIN,
    AT,
    BUYER,
    JEJU,
    SEOUL,
    claimed,
    coat,
    delivered,
    ebook,
    order_of,
    standard,
    walk,
)
from tests.money_support import add_payment


def refused(fn: Callable[[], object], order: Order) -> str:
    before = order.clone()
    with pytest.raises(DomainError) as err:
        fn()
    assert order == before
    return err.value.code


def test_outstanding_is_counted_lines_plus_shipping_plus_charges_minus_net_payments() -> None:
    order = standard()
    assert (order.order_amount, order.net_paid, outstanding(order)) == (47000, 47000, 0)
    o = order.clone()
    new_charge(o, "adjustment", -700, "보상", "adjustment.admin", None, AT, "admin-1")
    new_charge(o, "remote_area", 3000, "제주", "remote_area.address_change", None, AT, "admin-1")
    assert charges_total(o) == o.extra_fees == 2300
    assert o.outstanding == 44000 + 3000 + 2300 - 47000
    # a fully cancelled order owes no shipping fee (the existing rule stays)
    cancelled, _ = claimed(standard(), "cancel", [("L001", 2), ("L002", 1)])
    assert cancelled.order_amount == 0 and cancelled.outstanding == -47000


def test_add_line_is_priced_like_intake_and_owed_at_once() -> None:
    order = delivered(standard())
    sweater = LineInput("SWEATER", "니트", ProductKind.PHYSICAL, 2, 20000, options=[Option("색상", "회색", 1000)],
                        product_discount=2000)
    change = add_line(order, sweater, ADMIN, AT, shipping_fee=3000)
    o = change.order
    line = o.line("L003")
    # (20,000 + 1,000) × 2 − 2,000 = 40,000, plus a 3,000 fee: 43,000 outstanding
    assert (line.status, line.paid_amount, line.added_at, line.stock_keys) == (
        Status.PREPARING, 40000, AT, ["SWEATER|색상=회색"])
    assert (line.coupon_discount, line.points_used) == (0, 0)
    assert o.outstanding == 43000 and [c.kind for c in o.charges] == ["added_line_fee"]
    assert change.touched_lines == {"L003"} and "43,000원" in change.events[-1].data["text_ko"]


def test_add_line_refusals() -> None:
    order = delivered(standard())
    assert refused(lambda: add_line(order, coat(), BUYER, AT), order) == "LINE_ADD_ADMIN_ONLY"
    assert refused(lambda: add_line(order, ebook(), ADMIN, AT), order) == "LINE_ADD_PHYSICAL_ONLY"
    assert refused(lambda: add_line(order, LineInput("X", "X", ProductKind.PHYSICAL, 0, 1000), ADMIN, AT),
                   order) == "QUANTITY_OUT_OF_RANGE"
    assert refused(lambda: add_line(order, LineInput("X", "X", ProductKind.PHYSICAL, 1, 1000, product_discount=1001),
                                    ADMIN, AT), order) == "DISCOUNT_EXCEEDS_LINE_AMOUNT"
    assert refused(lambda: add_line(order, coat(), ADMIN, AT, shipping_fee=-1), order) == "SHIPPING_FEE_INVALID"
    unpaid = order_of(coat(), paid=False)
    assert refused(lambda: add_line(unpaid, coat(), ADMIN, AT), unpaid) == "LINE_ADD_BEFORE_PAYMENT"
    naver = order_of(coat(), channel=Channel.NAVERPAY_ORDER)
    assert refused(lambda: add_line(naver, coat(), ADMIN, AT), naver) == "LINE_ADD_NOT_ALLOWED_EXTERNAL_CHANNEL"
    closed = walk(delivered(order_of(coat())), "L001", Status.CONFIRMED)
    assert closed.closed and refused(lambda: add_line(closed, coat(), ADMIN, AT), closed) == "ORDER_CLOSED"


def test_address_change_posts_the_remote_fee_difference() -> None:
    order = standard()
    to_jeju = change_address(order, JEJU, 3000, ADMIN, AT)
    o = to_jeju.order
    assert o.recipient == JEJU and o.outstanding == 3000
    assert [e.kind for e in to_jeju.events] == ["recipient_changed", "charge_added"]
    # 제주 → 울릉 (5,000): +2,000 more; → 서울: −5,000 (the fee comes off); a change without a fee difference
    # posts no charge
    o = change_address(o, JEJU, 5000, ADMIN, AT).order
    assert [c.amount for c in o.charges] == [3000, 2000] and o.outstanding == 5000
    o = change_address(o, SEOUL, 0, ADMIN, AT).order
    assert [c.amount for c in o.charges] == [3000, 2000, -5000] and o.outstanding == 0
    same = change_address(o, SEOUL, 0, ADMIN, AT)
    assert [e.kind for e in same.events] == ["recipient_changed"] and len(same.order.charges) == 3


def test_address_change_refusals() -> None:
    order = standard()
    assert refused(lambda: change_address(order, JEJU, 3000, BUYER, AT), order) == "ADDRESS_CHANGE_ADMIN_ONLY"
    assert refused(lambda: change_address(order, JEJU, -1, ADMIN, AT), order) == "REMOTE_FEE_INVALID"
    shipping = walk(standard(), "L002", Status.READY_TO_SHIP, Status.SHIPPING)
    assert refused(lambda: change_address(shipping, JEJU, 3000, ADMIN, AT), shipping) == "ADDRESS_CHANGE_AFTER_SHIPPING"
    # ready to ship is still before shipping; a tracking number already printed is not
    ready = walk(standard(), "L002", Status.READY_TO_SHIP)
    assert change_address(ready, JEJU, 3000, ADMIN, AT).order.outstanding == 3000
    from oms.domain.order import Shipment

    labelled = ready.clone()
    labelled.shipments["SH1"] = Shipment("SH1", "parcel", courier="CJ", tracking_no="1")
    labelled.line("L002").shipment_id = "SH1"
    assert refused(lambda: change_address(labelled, JEJU, 3000, ADMIN, AT), labelled) == (
        "ADDRESS_CHANGE_AFTER_SHIPPING")


def test_charge_limit() -> None:
    from oms.domain.balance import MAX_CHARGES

    o = standard()
    for _ in range(MAX_CHARGES):
        new_charge(o, "adjustment", 1, "x", "adjustment.admin", None, AT, "a")
    with pytest.raises(DomainError) as err:
        new_charge(o, "adjustment", 1, "x", "adjustment.admin", None, AT, "a")
    assert err.value.code == "ORDER_CHARGE_LIMIT"


def test_a_full_cancel_gives_back_remote_fees_with_the_shipping_fee() -> None:
    from oms.domain.refunds import RefundSettings, calculate, settle

    order = change_address(standard(), JEJU, 3000, ADMIN, AT).order
    add_payment(order, 3000)  # the buyer paid the remote fee
    order, cid = claimed(order, "cancel", [("L001", 2), ("L002", 1)])
    calc = calculate(order, cid, "paid", RefundSettings())
    # 44,000 + shipping 3,000 + remote 3,000 = 50,000: everything paid comes back
    assert (calc.shipping_refunded.amount, calc.total) == (6000, 50000)
    assert settle(order, calc, "refund", ADMIN, AT).order.outstanding == -50000
