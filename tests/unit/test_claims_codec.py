"""Claims, charges and added lines round-trip through the order's items (store/codec.py), as
DynamoDB would give them back (numbers as Decimal)."""

from __future__ import annotations

from oms.domain.balance import add_line, change_address
from oms.domain.claims import Collection, Hold, Reason, advance_claim, request_claim
from oms.domain.order import Order
from oms.domain.refunds import RefundSettings, calculate, settle
from oms.store import codec
from oms.store.table import dump, load
from tests.claims_support import ADMIN, AT, BUYER, JEJU, LATER, claimed, coat, delivered, standard


def through_items(order: Order) -> Order:
    items = [codec.header_item(order)]
    items += [codec.lines_item(order, c, lines) for c, lines in codec.line_chunks(order).items()]
    items += [codec.payment_item(order, p) for p in order.payments.values()]
    return codec.order_from_items([load(dump(i)) for i in items])


def busy_order() -> Order:
    order, c1 = claimed(delivered(standard()), "return", [("L001", 1)])
    calc = calculate(order, c1, "original", RefundSettings(coupon_recovery="pro_rata"), adjustment=-500,
                     adjustment_reason="포장 훼손")
    order = settle(order, calc, "refund", ADMIN, LATER).order
    order = request_claim(order, "exchange", [("L002", 1)], Reason.COLOR_AND_SIZE, BUYER, AT, note="L로 교환").order
    order = advance_claim(order, "C002", "collecting", ADMIN, AT, collection=Collection("courier", "CJ", "555")).order
    order = advance_claim(order, "C002", "collected", ADMIN, AT).order
    order = advance_claim(order, "C002", "on_hold", ADMIN, AT, hold=Hold(6000, "교환배송비 미입금")).order
    order = add_line(order, coat(), ADMIN, LATER, shipping_fee=2500).order
    return order


def test_claims_charges_and_added_lines_round_trip() -> None:
    order = busy_order()
    assert len(order.claims) == 2 and len(order.charges) == 5
    back = through_items(order)
    assert back == order
    assert back.claims["C002"].hold == Hold(6000, "교환배송비 미입금")
    assert back.claims["C001"].settlement_id and back.claims["C001"].history[-1]["total"] == 5300
    assert type(back.claims["C001"].history[-1]["total"]) is int
    assert back.line("L004").added_at == LATER
    assert (back.outstanding, back.next_claim_no) == (order.outstanding, 3)
    # the header's list-row figures include the charges
    assert codec.header_item(order)["outstanding"] == order.outstanding


def test_an_address_change_charge_round_trips() -> None:
    order = change_address(standard(), JEJU, 3000, ADMIN, AT).order
    back = through_items(order)
    assert back == order and back.outstanding == 3000 and back.recipient.postal_code == "63100"


def test_an_order_written_before_claims_existed_loads_with_none() -> None:
    order = standard()
    header = codec.header_item(order)
    for k in ("claims", "charges", "next_claim_no"):
        header.pop(k)
    header["extra_fees"] = 0  # the old integer field is ignored
    items = [header, *(codec.lines_item(order, c, lines) for c, lines in codec.line_chunks(order).items()),
             *(codec.payment_item(order, p) for p in order.payments.values())]
    back = codec.order_from_items([load(dump(i)) for i in items])
    assert (back.claims, back.charges, back.next_claim_no) == ({}, [], 1)
    assert back == order
