"""Claims, charges and added lines persist through the order store on DynamoDB Local: each change
is written by ``orders.save`` (the order's one transaction) and read back by ``load_order``."""

from __future__ import annotations

import uuid

from oms.domain.balance import add_line, change_address
from oms.domain.claims import Collection, Hold, Reason, advance_claim, complete_claim, request_claim
from oms.domain.order import Change, Order
from oms.domain.refunds import RefundSettings, calculate, settle
from oms.store import orders as store
from oms.store import payments as pay_store
from tests.claims_support import ADMIN, AT, BUYER, JEJU, LATER, coat, delivered, order_of, pants, shirt
from tests.money_support import add_payment


def _placed(site_id: str) -> Order:
    order = order_of(shirt(), pants(), coupon=5000, points=1000)
    order.site_id, order.order_id = site_id, f"20240501-{uuid.uuid4().int % 10**6:06d}"
    store.create(order, [])
    return store.load_order(site_id, order.order_id)[0]


def _commit(before: Order, change: Change, extra: store.Write | None = None) -> Order:
    store.save(before, change.order, change.events, change.touched_lines, extra)
    loaded, _ = store.load_order(before.site_id, before.order_id)
    assert loaded == change.order  # every field of every claim and charge, as written
    return loaded


def test_a_claims_history_round_trips_through_the_store(site_id: str) -> None:
    order = _placed(site_id)
    order = _commit(order, change_address(order, JEJU, 3000, ADMIN, AT))
    paid = order.clone()  # the service records the payment of the remote fee, in the order's transaction
    write = store.Write()
    pay_store.record_new_payment(write, site_id, order.order_id, add_payment(paid, 3000))
    order = _commit(order, Change(paid, [], set()), write)
    shipped = delivered(order)
    order = _commit(order, Change(shipped, [], {li.line_id for li in shipped.lines}))
    order = _commit(order, request_claim(order, "return", [("L001", 1)], Reason.COLOR_AND_SIZE, BUYER, AT,
                                         note="작아요"))
    order = _commit(order, advance_claim(order, "C001", "collecting", ADMIN, AT,
                                         collection=Collection("courier", "CJ", "555")))
    order = _commit(order, advance_claim(order, "C001", "collected", ADMIN, AT))
    order = _commit(order, advance_claim(order, "C001", "on_hold", ADMIN, AT, hold=Hold(3000, "반품비 확인")))
    assert order.claims["C001"].hold == Hold(3000, "반품비 확인")
    order = _commit(order, advance_claim(order, "C001", "release", ADMIN, AT))
    order = _commit(order, complete_claim(order, "C001", ADMIN, LATER))
    calc = calculate(order, "C001", "original", RefundSettings(return_shipping_fee=3000, remote_return_surcharge=3000,
                                                               coupon_recovery="pro_rata"))
    # 셔츠 unit: 10,000 − points 200 = 9,800; coupon share 1,000; fee (3,000 + 3,000 제주) = 6,000: 2,800
    assert calc.total == 2800
    order = _commit(order, settle(order, calc, "refund", ADMIN, LATER))
    assert order.outstanding == -2800 and order.claims["C001"].settlement_id
    order = _commit(order, add_line(order, coat(), ADMIN, LATER, shipping_fee=2500))
    assert order.outstanding == -2800 + 35000 + 2500
    assert [c.kind for c in order.charges] == [
        "remote_area", "basis_difference", "coupon_recovery", "return_fee", "added_line_fee"]
    header = store.get_header(site_id, order.order_id, consistent=True)
    assert header["outstanding"] == order.outstanding and len(header["claims"]) == 1
