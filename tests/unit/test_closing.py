"""The closing rule: an order closes only when every unit is final, the balance is 0 and no claim is
open or unsettled — and it reopens by itself when money arrives after it closed."""

from __future__ import annotations

from oms.domain.claims import advance_claim
from oms.domain.closing import is_final, unsettled_claims, update_closed
from oms.domain.moves import reopen
from oms.domain.statuses import Status
from tests.claims_support import ADMIN, AT, claimed, order_of, shirt, walk
from tests.money_support import add_payment, refund


def confirmed_shirts():  # type: ignore[no-untyped-def]
    """셔츠 2 × 10,000 + shipping 3,000 = 23,000 paid, delivered and purchase-confirmed: closed."""
    order = walk(order_of(shirt()), "L001", Status.READY_TO_SHIP, Status.SHIPPING, Status.DELIVERED,
                 Status.CONFIRMED)
    assert order.closed and is_final(order) and order.outstanding == 0
    return order


def test_a_confirmed_order_closes_and_money_arriving_later_reopens_it() -> None:
    order = confirmed_shirts()
    late = order.clone()
    add_payment(late, 5000)  # a deposit nobody owed
    events: list = []
    update_closed(late, events, ADMIN, AT)
    assert not late.closed and late.outstanding == -5000
    assert [e.kind for e in events] == ["order_reopened"] and events[0].data["automatic"] is True


def test_a_rejected_or_withdrawn_claim_leaves_the_order_final_and_closed() -> None:
    reopened = reopen(confirmed_shirts(), ADMIN, AT).order  # 거래 재개 to take a return of a confirmed shirt
    for to in ("rejected", "withdrawn"):
        order, cid = claimed(reopened, "return", [("L001", 2)], complete=False)
        assert not order.closed and unsettled_claims(order) == [cid]
        change = advance_claim(order, cid, to, ADMIN, AT, reason="고객 요청")  # type: ignore[arg-type]
        back = change.order
        assert [li.status for li in back.lines] == [Status.CONFIRMED] and back.outstanding == 0
        assert back.closed and change.events[-1].kind == "order_closed"


def test_a_completed_claim_keeps_the_order_open_until_it_is_settled_and_paid_back() -> None:
    delivered = walk(order_of(shirt(1)), "L001", Status.READY_TO_SHIP, Status.SHIPPING, Status.DELIVERED)
    order, cid = claimed(delivered, "return", [("L001", 1)])
    # 10,000 + 3,000 shipping paid; the shirt returned: 10,000 owed back, the claim unsettled
    assert order.line("L001").status is Status.RETURNED and order.outstanding == -10000
    assert unsettled_claims(order) == [cid] and not order.closed
    refunded = order.clone()
    refund(refunded, 10000)
    events: list = []
    update_closed(refunded, events, ADMIN, AT)
    assert not refunded.closed  # the balance is 0, but the claim's money was never settled
    refunded.claims[cid].settlement_id = f"{order.order_id}-{cid}"
    update_closed(refunded, events, ADMIN, AT)
    assert refunded.closed and [e.kind for e in events] == ["order_closed"]
