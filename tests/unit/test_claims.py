"""Claims as records (docs/domain.md, "Claims"): every step, the units that follow it, and every refusal
(each refusal leaves the order exactly as it was)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from oms.domain.claims import (
    Collection,
    Hold,
    Reason,
    advance_claim,
    claim_of,
    complete_claim,
    open_claim_of_line,
    request_claim,
)
from oms.domain.errors import DomainError
from oms.domain.moves import Move, apply_moves
from oms.domain.order import Order
from oms.domain.refunds import RefundSettings, calculate, settle
from oms.domain.statuses import Channel, Status
from tests.claims_support import (
    ADMIN,
    AT,
    BUYER,
    LATER,
    OTHER_BUYER,
    claimed,
    delivered,
    ebook,
    order_of,
    pants,
    shirt,
    standard,
    walk,
)

S = Status
PICKUP = Collection("courier", "CJ", "123456789012")


def refused(fn: Callable[[], object], order: Order) -> DomainError:
    before = order.clone()
    with pytest.raises(DomainError) as err:
        fn()
    assert order == before
    return err.value


def test_reasons_have_korean_names_and_faults() -> None:
    assert [r.ko for r in Reason] == ["단순변심", "색상/사이즈 변경", "오주문", "상품 불만족", "배송 지연", "품절",
                                      "파손", "오배송", "상품 정보 상이", "기타"]
    buyer = {r for r in Reason if r.fault == "buyer"}
    assert buyer == {Reason.INTENT_CHANGED, Reason.COLOR_AND_SIZE, Reason.WRONG_ORDER, Reason.PRODUCT_UNSATISFIED,
                     Reason.OTHER}


def test_a_partial_return_splits_the_line_and_walks_every_step() -> None:
    order = delivered(standard())
    change = request_claim(order, "return", [("L001", 1)], Reason.COLOR_AND_SIZE, BUYER, AT, note="작아요")
    o = change.order
    claim = claim_of(o, "C001")
    assert (claim.type, claim.step, claim.fault, claim.fee_payment, claim.requested_by) == (
        "return", "requested", "buyer", "deduct", BUYER)
    assert claim.items[0].line_id == "L003" and claim.items[0].quantity == 1
    assert (o.line("L003").status, o.line("L003").quantity, o.line("L001").quantity) == (S.RETURN_REQUESTED, 1, 1)
    assert o.line("L001").status is S.DELIVERED and o.next_claim_no == 2
    assert open_claim_of_line(o, "L003") is claim and open_claim_of_line(o, "L001") is None
    assert change.events[-1].kind == "claim_requested" and "C001" in change.events[-1].data["text_ko"]
    assert order.claims == {}  # the input order is untouched

    o = advance_claim(o, "C001", "collecting", ADMIN, AT, collection=PICKUP).order
    assert o.line("L003").status is S.RETURN_COLLECTING and claim_of(o, "C001").collection == PICKUP
    o = advance_claim(o, "C001", "collected", ADMIN, AT).order
    assert o.line("L003").status is S.RETURN_COLLECTING
    held = advance_claim(o, "C001", "on_hold", ADMIN, AT, hold=Hold(3000, "반품비 미동봉"))
    assert claim_of(held.order, "C001").hold == Hold(3000, "반품비 미동봉")
    assert "3,000원" in held.events[-1].data["text_ko"]
    assert refused(lambda: complete_claim(held.order, "C001", ADMIN, AT), held.order).code == "CLAIM_ON_HOLD"
    o = advance_claim(held.order, "C001", "release", ADMIN, AT).order
    assert claim_of(o, "C001").hold is None
    done = complete_claim(o, "C001", ADMIN, LATER)
    o = done.order
    assert o.line("L003").status is S.RETURNED and claim_of(o, "C001").step == "completed"
    assert done.stock_restore == {"SHIRT": 1}
    assert [h["step"] for h in claim_of(o, "C001").history] == [
        "requested", "collecting", "collected", "on_hold", "collected", "completed"]
    # the balance follows the voided unit at once: its paid amount 8,800 is owed back
    assert o.outstanding == -8800


def test_cancel_claims_complete_from_requested() -> None:
    order, cid = claimed(standard(), "cancel", [("L002", 1)], Reason.SOLD_OUT, complete=False)
    assert claim_of(order, cid).fault == "shop" and claim_of(order, cid).fee_payment is None
    assert refused(lambda: advance_claim(order, cid, "collecting", ADMIN, AT), order).code == "CLAIM_STEP_NOT_ALLOWED"
    done = advance_claim(order, cid, "completed", ADMIN, AT)  # "completed" through advance is complete_claim
    assert done.order.line("L002").status is S.CANCELLED and done.stock_restore == {"PANTS": 1}


def test_exchange_completes_with_replacement_lines_in_preparing() -> None:
    order, cid = claimed(delivered(standard()), "exchange", [("L002", 1)])
    claim = claim_of(order, cid)
    assert claim.exchange_lines == ["L003"]
    new = order.line("L003")
    assert (new.status, new.exchange_of, new.paid_amount) == (S.PREPARING, "L002", 26400)
    assert order.line("L002").status is S.EXCHANGED
    assert order.outstanding == 0  # the replacement is owed as the exchanged unit was


def test_reject_from_collecting_puts_units_back_where_they_came_from() -> None:
    order, cid = claimed(delivered(standard()), "return", [("L001", 1)], complete=False)
    o = advance_claim(order, cid, "collecting", ADMIN, AT).order
    assert refused(lambda: advance_claim(o, cid, "rejected", ADMIN, AT), o).code == "CLAIM_REASON_REQUIRED"
    back = advance_claim(o, cid, "rejected", ADMIN, AT, reason="수거 상품 사용 흔적").order
    assert back.line("L003").status is S.DELIVERED and back.line("L003").claim_origin is None
    assert claim_of(back, cid).step == "rejected" and claim_of(back, cid).closed_reason == "수거 상품 사용 흔적"
    # the units may be claimed again by a new claim
    again = request_claim(back, "return", [("L003", 1)], Reason.BROKEN, ADMIN, AT).order
    assert claim_of(again, "C002").items[0].line_id == "L003"
    assert open_claim_of_line(again, "L003") is claim_of(again, "C002")


def test_withdraw_by_the_buyer_who_asked_or_the_admin() -> None:
    order = request_claim(standard(), "cancel", [("L001", 2)], Reason.WRONG_ORDER, BUYER, AT).order
    err = refused(lambda: advance_claim(order, "C001", "withdrawn", OTHER_BUYER, AT, reason="x"), order)
    assert (err.code, err.status) == ("CLAIM_WITHDRAW_NOT_ALLOWED", 403)
    o = advance_claim(order, "C001", "withdrawn", BUYER, AT, reason="다시 생각해보니 필요해요").order
    assert o.line("L001").status is S.PREPARING and claim_of(o, "C001").step == "withdrawn"
    assert refused(lambda: advance_claim(o, "C001", "rejected", ADMIN, AT, reason="x"), o).code == "CLAIM_CLOSED"
    # an admin may withdraw too; nobody can withdraw once collection started
    r, cid = claimed(delivered(standard()), "return", [("L002", 1)], actor=BUYER, complete=False)
    assert advance_claim(r, cid, "withdrawn", ADMIN, AT, reason="고객 요청").order.line("L002").status is S.DELIVERED
    c = advance_claim(r, cid, "collecting", ADMIN, AT).order
    assert refused(lambda: advance_claim(c, cid, "withdrawn", BUYER, AT, reason="x"), c).code == (
        "CLAIM_WITHDRAW_TOO_LATE")


def test_buyer_rules_come_from_the_status_machine() -> None:
    placed = standard()
    assert refused(lambda: request_claim(placed, "return", [("L001", 1)], Reason.INTENT_CHANGED, BUYER, AT),
                   placed).code == "RETURN_NOT_ALLOWED_BEFORE_SHIPPING"
    shipping = walk(standard(), "L001", S.READY_TO_SHIP, S.SHIPPING)
    assert refused(lambda: request_claim(shipping, "cancel", [("L001", 2)], Reason.INTENT_CHANGED, BUYER, AT),
                   shipping).code == "CANCEL_NOT_ALLOWED_AFTER_SHIPPING"
    # a buyer cannot return units that are only being shipped (after delivery only), an admin can
    assert refused(lambda: request_claim(shipping, "return", [("L001", 2)], Reason.INTENT_CHANGED, BUYER, AT),
                   shipping).code == "BUYER_NOT_ALLOWED"
    assert request_claim(shipping, "return", [("L001", 2)], Reason.INTENT_CHANGED, ADMIN, AT).order.line(
        "L001").status is S.RETURN_REQUESTED
    # steps are the shop's
    order, cid = claimed(delivered(standard()), "return", [("L001", 1)], actor=BUYER, complete=False)
    err = refused(lambda: advance_claim(order, cid, "collecting", BUYER, AT), order)
    assert (err.code, err.status) == ("CLAIM_ADMIN_ONLY", 403)
    assert refused(lambda: complete_claim(order, cid, BUYER, AT), order).code == "CLAIM_ADMIN_ONLY"


def test_non_physical_goods_are_cancelled_by_an_admin_only() -> None:
    order = order_of(ebook(), shipping_fee=0)
    assert order.line("L001").status is S.CONFIRMED and order.closed
    assert refused(lambda: request_claim(order, "cancel", [("L001", 1)], Reason.OTHER, ADMIN, AT),
                   order).code == "ORDER_CLOSED"
    from oms.domain.moves import reopen

    reopened = reopen(order, ADMIN, AT).order
    assert refused(lambda: request_claim(reopened, "cancel", [("L001", 1)], Reason.OTHER, BUYER, AT),
                   reopened).code == "NON_PHYSICAL_ADMIN_CANCEL_ONLY"
    assert refused(lambda: request_claim(reopened, "return", [("L001", 1)], Reason.OTHER, ADMIN, AT),
                   reopened).code == "NON_PHYSICAL_NOT_RETURNABLE"
    o, cid = claimed(reopened, "cancel", [("L001", 1)], Reason.OTHER)
    assert o.line("L001").status is S.CANCELLED and o.outstanding == -12000
    # reopen → cancel → refund: the whole 12,000 back, nothing shipped so no fees
    calc = calculate(o, cid, "paid", RefundSettings(free_shipping_threshold=10000))
    assert (calc.total, calc.return_fee.amount, calc.initial_shipping.amount) == (12000, 0, 0)
    assert settle(o, calc, "refund", ADMIN, AT).order.outstanding == -12000


def test_external_channels_claim_whole_lines_only() -> None:
    order = delivered(order_of(shirt(), pants(), channel=Channel.NAVERPAY_ORDER))
    assert refused(lambda: request_claim(order, "return", [("L001", 1)], Reason.INTENT_CHANGED, ADMIN, AT),
                   order).code == "SPLIT_NOT_ALLOWED_EXTERNAL_CHANNEL"
    assert claim_of(request_claim(order, "return", [("L001", 2)], Reason.INTENT_CHANGED, ADMIN, AT).order,
                    "C001").items[0].line_id == "L001"


def test_request_refusals() -> None:
    order = delivered(standard())
    cases = {
        "CLAIM_TYPE_INVALID": lambda: request_claim(order, "refund", [("L001", 1)], Reason.OTHER, ADMIN, AT),  # type: ignore[arg-type]
        "CLAIM_REASON_INVALID": lambda: request_claim(order, "return", [("L001", 1)], "bored", ADMIN, AT),  # type: ignore[arg-type]
        "CLAIM_HAS_NO_ITEMS": lambda: request_claim(order, "return", [], Reason.OTHER, ADMIN, AT),
        "LINE_NOT_FOUND": lambda: request_claim(order, "return", [("L009", 1)], Reason.OTHER, ADMIN, AT),
        "QUANTITY_OUT_OF_RANGE": lambda: request_claim(order, "return", [("L001", 3)], Reason.OTHER, ADMIN, AT),
        "DUPLICATE_LINE_IN_REQUEST": lambda: request_claim(order, "return", [("L001", 1), ("L001", 1)],
                                                           Reason.OTHER, ADMIN, AT),
        "CLAIM_FAULT_INVALID": lambda: request_claim(order, "return", [("L001", 1)], Reason.OTHER, ADMIN, AT,
                                                     fault="nobody"),  # type: ignore[arg-type]
        "CLAIM_ADMIN_ONLY": lambda: request_claim(order, "return", [("L001", 1)], Reason.OTHER, BUYER, AT,
                                                  fault="shop"),
        "CLAIM_FIELD_NOT_APPLICABLE": lambda: request_claim(standard(), "cancel", [("L001", 1)], Reason.OTHER,
                                                            ADMIN, AT, collection=PICKUP),
        "FEE_PAYMENT_INVALID": lambda: request_claim(order, "return", [("L001", 1)], Reason.OTHER, ADMIN, AT,
                                                     fee_payment="cash"),  # type: ignore[arg-type]
    }
    for code, fn in cases.items():
        assert refused(fn, order).code == code, code
    # a line already in an open claim cannot be claimed again
    o = request_claim(order, "return", [("L002", 1)], Reason.OTHER, ADMIN, AT).order
    err = refused(lambda: request_claim(o, "exchange", [("L002", 1)], Reason.OTHER, ADMIN, AT), o)
    assert (err.code, err.status, err.extra["claim_id"]) == ("LINE_IN_CLAIM", 409, "C001")
    # ... not even one that the status machine would take as a step back inside the claim
    o = advance_claim(o, "C001", "collecting", ADMIN, AT).order
    assert refused(lambda: request_claim(o, "return", [("L002", 1)], Reason.OTHER, ADMIN, AT), o).code == (
        "LINE_IN_CLAIM")


def test_fault_override_is_recorded() -> None:
    o = request_claim(delivered(standard()), "return", [("L001", 1)], Reason.INTENT_CHANGED, ADMIN, AT,
                      fault="shop").order
    claim = claim_of(o, "C001")
    assert (claim.fault, claim.fault_overridden, claim.fee_payment) == ("shop", True, None)
    assert claim.history[0]["fault"] == "shop"


def test_step_refusals() -> None:
    order, cid = claimed(delivered(standard()), "return", [("L001", 1)], complete=False)
    assert refused(lambda: advance_claim(order, cid, "collected", ADMIN, AT), order).code == "CLAIM_STEP_NOT_ALLOWED"
    assert refused(lambda: complete_claim(order, cid, ADMIN, AT), order).code == "CLAIM_NOT_READY"
    assert refused(lambda: advance_claim(order, "C404", "collecting", ADMIN, AT), order).code == "CLAIM_NOT_FOUND"
    c = advance_claim(advance_claim(order, cid, "collecting", ADMIN, AT).order, cid, "collected", ADMIN, AT).order
    assert refused(lambda: advance_claim(c, cid, "on_hold", ADMIN, AT), c).code == "CLAIM_HOLD_REQUIRED"
    assert refused(lambda: advance_claim(c, cid, "on_hold", ADMIN, AT, hold=Hold(-1, "x")), c).code == (
        "CLAIM_HOLD_REQUIRED")
    # units moved by hand behind the claim's back: the claim refuses to go on
    moved = apply_moves(c, [Move("L003", S.RETURN_REQUESTED)], ADMIN, AT).order
    err = refused(lambda: complete_claim(moved, cid, ADMIN, AT), moved)
    assert (err.code, err.status) == ("CLAIM_UNITS_OUT_OF_SYNC", 409)
    done = complete_claim(c, cid, ADMIN, AT).order
    assert refused(lambda: complete_claim(done, cid, ADMIN, AT), done).code == "CLAIM_CLOSED"


def test_claim_and_history_limits() -> None:
    from oms.domain.claims import MAX_CLAIM_HISTORY, MAX_CLAIMS

    order = delivered(order_of(shirt(MAX_CLAIMS + 1), pants()))
    for _ in range(MAX_CLAIMS):
        order = request_claim(order, "return", [("L001", 1)], Reason.OTHER, ADMIN, AT).order
    assert len(order.claims) == MAX_CLAIMS
    assert refused(lambda: request_claim(order, "return", [("L001", 1)], Reason.OTHER, ADMIN, AT),
                   order).code == "ORDER_CLAIM_LIMIT"
    o, cid = claimed(delivered(standard()), "return", [("L001", 1)], complete=False)
    o = advance_claim(advance_claim(o, cid, "collecting", ADMIN, AT).order, cid, "collected", ADMIN, AT).order
    hold = Hold(1000, "확인 필요")
    while len(claim_of(o, cid).history) < MAX_CLAIM_HISTORY:
        step = "on_hold" if claim_of(o, cid).step == "collected" else "release"
        o = advance_claim(o, cid, step, ADMIN, AT, hold=hold).order  # type: ignore[arg-type]
    step = "on_hold" if claim_of(o, cid).step == "collected" else "release"
    assert refused(lambda: advance_claim(o, cid, step, ADMIN, AT, hold=hold), o).code == (  # type: ignore[arg-type]
        "CLAIM_HISTORY_LIMIT")


def test_events_carry_korean_text() -> None:
    order = delivered(standard())
    change = request_claim(order, "exchange", [("L002", 1)], Reason.COLOR_AND_SIZE, BUYER, AT)
    assert all(e.data.get("text_ko") for e in change.events)
    c2 = advance_claim(change.order, "C001", "collecting", ADMIN, AT, collection=PICKUP)
    assert "123456789012" in c2.events[-1].data["text_ko"]
    assert pants().product_name in change.events[-1].data["text_ko"]
