"""The per-unit status machine of an order (docs/domain.md: "Product kinds", "Units and their statuses"):
steps, splits, claims, refusals."""

from __future__ import annotations

import re
from collections.abc import Iterable

import pytest

from oms.domain.closing import update_closed
from oms.domain.errors import DomainError
from oms.domain.moves import Move, apply_moves, mark_paid, reopen
from oms.domain.order import Actor, Buyer, Option, Order, Recipient, Shipment
from oms.domain.pricing import LineInput, build_order
from oms.domain.statuses import (
    CLAIM_FLOWS,
    CLAIM_REQUESTS,
    MAIN_FLOW,
    Channel,
    DeliveryScope,
    PaymentMethod,
    ProductKind,
    Status,
)
from tests.money_support import add_payment, refund

AT = "2024-05-01T01:00:00.000000Z"
LATER = "2024-05-02T01:00:00.000000Z"
ADMIN = Actor("admin", "admin-1", "관리자")
BUYER = Actor("buyer", "m-100", "김민지")
HANGUL = re.compile(r"[가-힣]")
TEE_SKU = "TEE-01|색상=블랙|사이즈=L"

S = Status


def tee(quantity: int = 3, **kw: object) -> LineInput:
    return LineInput(
        "TEE-01", "오버핏 티셔츠", ProductKind.PHYSICAL, quantity, 19900,
        options=[Option("색상", "블랙"), Option("사이즈", "L", 1000)], combination=True, **kw,  # type: ignore[arg-type]
    )


def cap(quantity: int = 1) -> LineInput:
    return LineInput("CAP-02", "볼캡", ProductKind.PHYSICAL, quantity, 15000)


def ebook(quantity: int = 1) -> LineInput:
    return LineInput("EBOOK-1", "전자책", ProductKind.DIGITAL, quantity, 12000)


def pass_30d() -> LineInput:
    return LineInput("VIP-30", "VIP 30일 이용권", ProductKind.MEMBERSHIP_PASS, 1, 9900, membership_days=30)


def make_order(
    *lines: LineInput,
    channel: Channel = Channel.STORE,
    paid: bool = True,
    coupon: int = 0,
    points: int = 0,
    method: PaymentMethod = PaymentMethod.CARD,
) -> Order:
    return build_order(
        site_id="site-a",
        order_id="20240501-000001",
        created_at=AT,
        channel=channel,
        payment_method=method,
        scope=DeliveryScope.DOMESTIC,
        buyer=Buyer("김민지", "010-1234-5678", member_id="m-100"),
        recipient=Recipient("김민지", "010-1234-5678", "04524", "서울특별시 중구 세종대로 110", "3층"),
        lines=list(lines) or [tee(), cap()],
        shipping_fee=3000,
        shipping_fee_cod=False,
        coupon_total=coupon,
        points_total=points,
        paid=paid,
    )


def move(order: Order, line_id: str, to: Status, quantity: int | None = None, actor: Actor = ADMIN) -> Order:
    return apply_moves(order, [Move(line_id, to, quantity)], actor, LATER).order


def walk(order: Order, line_id: str, *statuses: Status, actor: Actor = ADMIN) -> Order:
    for to in statuses:
        order = move(order, line_id, to, actor=actor)
        assert order.line(line_id).status is to
    return order


def refusal(order: Order, moves: Iterable[Move], actor: Actor = ADMIN) -> DomainError:
    """The refusal of ``moves``; asserts the input order was left exactly as it was."""
    before = order.as_dict()
    with pytest.raises(DomainError) as err:
        apply_moves(order, list(moves), actor, LATER)
    assert order.as_dict() == before
    return err.value


def refused_code(order: Order, line_id: str, to: Status, quantity: int | None = None, actor: Actor = ADMIN) -> str:
    return refusal(order, [Move(line_id, to, quantity)], actor).code


def statuses(order: Order) -> dict[str, tuple[Status, int]]:
    return {line.line_id: (line.status, line.quantity) for line in order.lines}


SHIPPED = (S.READY_TO_SHIP, S.SHIPPING)
DELIVERED = (S.READY_TO_SHIP, S.SHIPPING, S.DELIVERED)


# ---- intake ---------------------------------------------------------------------------------


def test_paid_order_starts_in_preparing_and_deposit_order_waits_in_payment_pending() -> None:
    paid = make_order()
    assert statuses(paid) == {"L001": (S.PREPARING, 3), "L002": (S.PREPARING, 1)}
    assert not paid.closed

    pending = make_order(paid=False, method=PaymentMethod.VIRTUAL_ACCOUNT)
    assert statuses(pending) == {"L001": (S.PAYMENT_PENDING, 3), "L002": (S.PAYMENT_PENDING, 1)}
    events = mark_paid(pending, at=LATER, actor=ADMIN)
    assert statuses(pending) == {"L001": (S.PREPARING, 3), "L002": (S.PREPARING, 1)}
    assert [(e.data["from"], e.data["to"], e.data["quantity"]) for e in events] == [
        ("payment_pending", "preparing", 3),
        ("payment_pending", "preparing", 1),
    ]


def test_payment_pending_to_preparing_by_admin_is_refused() -> None:
    order = make_order(paid=False, method=PaymentMethod.VIRTUAL_ACCOUNT)
    assert refused_code(order, "L001", S.PREPARING) == "PAYMENT_NOT_CONFIRMED"
    assert refused_code(order, "L001", S.READY_TO_SHIP) == "PAYMENT_NOT_CONFIRMED"
    # unpaid units may still be cancelled, and paid units never go back to unpaid
    assert move(order, "L001", S.CANCEL_REQUESTED).line("L001").status is S.CANCEL_REQUESTED
    assert refused_code(make_order(), "L001", S.PAYMENT_PENDING) == "CANNOT_UNPAY"


def test_stock_keys_follow_the_option_kind() -> None:
    order = make_order(
        tee(),
        cap(),
        LineInput("SOCK-3", "양말", ProductKind.PHYSICAL, 1, 3000,
                  options=[Option("색상", "흰색"), Option("사이즈", "M")], combination=False),
    )
    assert [line.stock_keys for line in order.lines] == [
        [TEE_SKU],
        ["CAP-02"],
        ["SOCK-3|색상=흰색", "SOCK-3|사이즈=M"],
    ]


# ---- main flow ------------------------------------------------------------------------------


def test_main_flow_moves_one_step_at_a_time() -> None:
    order = make_order()
    change = apply_moves(order, [Move("L001", S.READY_TO_SHIP)], ADMIN, LATER)
    assert change.order.line("L001").status is S.READY_TO_SHIP
    assert change.order.line("L001").status_changed_at == LATER
    assert change.touched_lines == {"L001"}
    [event] = change.events
    assert event.kind == "status_changed"
    assert event.actor == ADMIN
    assert event.data["from"] == "preparing" and event.data["to"] == "ready_to_ship"
    assert event.data["quantity"] == 3
    assert "상품준비 → 배송대기" in event.data["text_ko"]

    order = walk(change.order, "L001", S.SHIPPING, S.DELIVERED, S.CONFIRMED)
    confirmed = order.line("L001")
    assert confirmed.confirmed_at == LATER and confirmed.confirmed_by == "admin"


@pytest.mark.parametrize(
    ("path", "to"),
    [
        ((), S.DELIVERED),
        ((), S.SHIPPING),
        ((), S.CONFIRMED),
        ((S.READY_TO_SHIP,), S.DELIVERED),
        (SHIPPED, S.CONFIRMED),
        (DELIVERED, S.READY_TO_SHIP),
    ],
)
def test_skipping_a_step_is_refused(path: tuple[Status, ...], to: Status) -> None:
    order = walk(make_order(), "L001", *path)
    assert refused_code(order, "L001", to) == "STEP_SKIP_NOT_ALLOWED"


def test_admin_may_step_back_once_but_a_buyer_may_not() -> None:
    order = walk(make_order(), "L001", *SHIPPED)
    back = move(order, "L001", S.READY_TO_SHIP)
    assert back.line("L001").status is S.READY_TO_SHIP
    assert move(back, "L001", S.PREPARING).line("L001").status is S.PREPARING

    assert refused_code(order, "L001", S.READY_TO_SHIP, actor=BUYER) == "STEP_BACK_ADMIN_ONLY"


def test_confirmed_units_cannot_step_back() -> None:
    # L002 stays in preparing so the order does not close
    order = walk(make_order(), "L001", *DELIVERED, S.CONFIRMED)
    assert not order.closed
    assert refused_code(order, "L001", S.DELIVERED) == "CONFIRMED_CANNOT_STEP_BACK"


def test_same_status_and_bad_quantities_are_refused() -> None:
    order = make_order()
    assert refused_code(order, "L001", S.PREPARING) == "SAME_STATUS"
    assert refused_code(order, "L001", S.READY_TO_SHIP, quantity=4) == "QUANTITY_OUT_OF_RANGE"
    assert refused_code(order, "L001", S.READY_TO_SHIP, quantity=0) == "QUANTITY_OUT_OF_RANGE"
    assert refused_code(order, "L404", S.READY_TO_SHIP) == "LINE_NOT_FOUND"
    assert refusal(order, []).code == "NO_MOVES"
    dup = refusal(order, [Move("L001", S.READY_TO_SHIP, 1), Move("L001", S.CANCEL_REQUESTED, 1)])
    assert dup.code == "DUPLICATE_LINE_IN_REQUEST"


# ---- splitting ------------------------------------------------------------------------------


def test_partial_move_from_preparing_splits_the_line_with_its_share_of_every_amount() -> None:
    order = make_order(coupon=3000, points=1000)
    line = order.line("L001")
    assert (line.coupon_discount, line.points_used, line.paid_amount) == (2421, 807, 59472)

    change = apply_moves(order, [Move("L001", S.READY_TO_SHIP, 1)], ADMIN, LATER)
    after = change.order
    assert statuses(after) == {"L001": (S.PREPARING, 2), "L002": (S.PREPARING, 1), "L003": (S.READY_TO_SHIP, 1)}
    new = after.line("L003")
    assert new.origin_line_id == "L001"
    assert new.stock_keys == [TEE_SKU]
    # exact shares: floor(2421/3) = 807, floor(807/3) = 269
    assert (new.coupon_discount, new.points_used) == (807, 269)
    assert (after.line("L001").coupon_discount, after.line("L001").points_used) == (1614, 538)
    assert after.order_amount == order.order_amount
    assert change.touched_lines == {"L001", "L003"}
    assert change.events[0].data["split_to"] == "L003"
    assert change.events[0].data["quantity"] == 1

    # a split of a split still points at the original line
    again = move(after, "L001", S.READY_TO_SHIP, 1)
    assert again.line("L004").origin_line_id == "L001"
    assert sum(li.quantity for li in again.lines if (li.origin_line_id or li.line_id) == "L001") == 3


def test_split_is_only_allowed_in_preparing_for_main_flow_moves() -> None:
    shipping = walk(make_order(), "L001", *SHIPPED)
    assert refused_code(shipping, "L001", S.DELIVERED, quantity=1) == "SPLIT_ONLY_IN_PREPARING"
    assert refused_code(shipping, "L001", S.READY_TO_SHIP, quantity=1) == "SPLIT_ONLY_IN_PREPARING"
    # the whole line may move
    assert move(shipping, "L001", S.DELIVERED).line("L001").status is S.DELIVERED


def test_partial_claims_from_shipped_units_are_allowed() -> None:
    delivered = walk(make_order(), "L001", *DELIVERED)
    after = move(delivered, "L001", S.RETURN_REQUESTED, 1, actor=BUYER)
    assert statuses(after)["L001"] == (S.DELIVERED, 2)
    assert statuses(after)["L003"] == (S.RETURN_REQUESTED, 1)
    assert after.line("L003").claim_origin is S.DELIVERED
    assert after.line("L001").claim_origin is None

    shipping = walk(make_order(), "L001", *SHIPPED)
    after = move(shipping, "L001", S.EXCHANGE_REQUESTED, 2)
    assert statuses(after)["L003"] == (S.EXCHANGE_REQUESTED, 2)


def test_units_waiting_in_ready_to_ship_cannot_be_split() -> None:
    order = walk(make_order(), "L001", S.READY_TO_SHIP)
    assert refused_code(order, "L001", S.SHIPPING, quantity=1) == "SPLIT_NOT_ALLOWED_IN_READY_TO_SHIP"
    assert refused_code(order, "L001", S.PREPARING, quantity=1) == "SPLIT_NOT_ALLOWED_IN_READY_TO_SHIP"
    assert refused_code(order, "L001", S.CANCEL_REQUESTED, quantity=2) == "SPLIT_NOT_ALLOWED_IN_READY_TO_SHIP"


@pytest.mark.parametrize("channel", [Channel.NAVERPAY_ORDER, Channel.KAKAO_CHECKOUT])
def test_external_channel_orders_are_never_split(channel: Channel) -> None:
    order = make_order(channel=channel)
    assert refused_code(order, "L001", S.READY_TO_SHIP, quantity=1) == "SPLIT_NOT_ALLOWED_EXTERNAL_CHANNEL"
    assert refused_code(order, "L001", S.CANCEL_REQUESTED, quantity=2) == "SPLIT_NOT_ALLOWED_EXTERNAL_CHANNEL"
    delivered = walk(order, "L001", *DELIVERED)
    assert refused_code(delivered, "L001", S.RETURN_REQUESTED, quantity=1) == "SPLIT_NOT_ALLOWED_EXTERNAL_CHANNEL"
    assert refused_code(delivered, "L001", S.EXCHANGE_REQUESTED, quantity=1) == "SPLIT_NOT_ALLOWED_EXTERNAL_CHANNEL"
    # whole lines only: quantity equal to the line, or omitted
    whole = move(delivered, "L001", S.RETURN_REQUESTED, 3)
    assert statuses(whole) == {"L001": (S.RETURN_REQUESTED, 3), "L002": (S.PREPARING, 1)}


# ---- cancel ---------------------------------------------------------------------------------


def _with_tracking(order: Order, line_id: str, tracking_no: str | None = "628912345678") -> Order:
    order = order.clone()
    order.shipments["SH1"] = Shipment("SH1", "parcel", courier="cj", tracking_no=tracking_no)
    order.line(line_id).shipment_id = "SH1"
    return order


def test_units_with_a_tracking_number_cannot_be_cancelled() -> None:
    ready = walk(make_order(), "L001", S.READY_TO_SHIP)
    with_tracking = _with_tracking(ready, "L001")
    assert refused_code(with_tracking, "L001", S.CANCEL_REQUESTED) == "CANCEL_NOT_ALLOWED_WITH_TRACKING"
    # they can be stepped back, and another line of the order is unaffected
    assert move(with_tracking, "L002", S.CANCEL_REQUESTED).line("L002").status is S.CANCEL_REQUESTED
    # a shipment without a number does not block, and no shipment at all does not either
    assert move(_with_tracking(ready, "L001", None), "L001", S.CANCEL_REQUESTED).line("L001").status is (
        S.CANCEL_REQUESTED
    )
    assert move(ready, "L001", S.CANCEL_REQUESTED).line("L001").claim_origin is S.READY_TO_SHIP


@pytest.mark.parametrize("path", [SHIPPED, DELIVERED, (*DELIVERED, S.CONFIRMED)])
def test_cancel_is_refused_once_shipping_started(path: tuple[Status, ...]) -> None:
    order = walk(make_order(), "L001", *path)
    assert refused_code(order, "L001", S.CANCEL_REQUESTED) == "CANCEL_NOT_ALLOWED_AFTER_SHIPPING"
    assert refused_code(order, "L001", S.CANCEL_REQUESTED, actor=BUYER) == "CANCEL_NOT_ALLOWED_AFTER_SHIPPING"


def test_returns_are_refused_before_shipping() -> None:
    order = walk(make_order(), "L001", S.READY_TO_SHIP)
    assert refused_code(order, "L001", S.RETURN_REQUESTED) == "RETURN_NOT_ALLOWED_BEFORE_SHIPPING"
    assert refused_code(order, "L002", S.EXCHANGE_REQUESTED) == "RETURN_NOT_ALLOWED_BEFORE_SHIPPING"


# ---- claims ---------------------------------------------------------------------------------


def test_cancel_flow_and_withdraw() -> None:
    order = make_order()
    requested = move(order, "L001", S.CANCEL_REQUESTED, 2, actor=BUYER)
    assert statuses(requested)["L003"] == (S.CANCEL_REQUESTED, 2)
    assert requested.line("L003").claim_origin is S.PREPARING

    withdrawn = move(requested, "L003", S.PREPARING, actor=BUYER)
    assert statuses(withdrawn)["L003"] == (S.PREPARING, 2)
    assert withdrawn.line("L003").claim_origin is None

    change = apply_moves(requested, [Move("L003", S.CANCELLED)], ADMIN, LATER)
    assert statuses(change.order)["L003"] == (S.CANCELLED, 2)
    assert change.stock_restore == {TEE_SKU: 2}
    assert change.order.lines_amount == requested.lines_amount - requested.line("L003").paid_amount
    assert refused_code(change.order, "L003", S.CANCEL_REQUESTED) == "LINE_IN_FINAL_STATUS"


def test_return_flow_step_by_step_and_withdraw_to_the_origin() -> None:
    order = walk(make_order(), "L001", *DELIVERED)
    requested = move(order, "L001", S.RETURN_REQUESTED, actor=BUYER)
    assert requested.line("L001").claim_origin is S.DELIVERED
    assert refused_code(requested, "L001", S.RETURNED) == "STEP_SKIP_NOT_ALLOWED"
    assert refused_code(requested, "L001", S.SHIPPING) == "STEP_SKIP_NOT_ALLOWED"  # not where it came from
    assert refused_code(order, "L001", S.RETURN_COLLECTING) == "STEP_SKIP_NOT_ALLOWED"

    assert move(requested, "L001", S.DELIVERED, actor=BUYER).line("L001").status is S.DELIVERED

    collecting = move(requested, "L001", S.RETURN_COLLECTING)
    assert move(collecting, "L001", S.RETURN_REQUESTED).line("L001").status is S.RETURN_REQUESTED
    assert refused_code(collecting, "L001", S.DELIVERED) == "STEP_SKIP_NOT_ALLOWED"  # withdraw from the request only

    change = apply_moves(collecting, [Move("L001", S.RETURNED)], ADMIN, LATER)
    assert change.order.line("L001").status is S.RETURNED
    assert change.stock_restore == {TEE_SKU: 3}


def test_buyer_cannot_step_a_claim_back() -> None:
    """Stepping back is the admin's freedom (§3), inside claim flows as well as the main flow."""
    collecting = walk(make_order(), "L001", *DELIVERED, S.RETURN_REQUESTED, S.RETURN_COLLECTING)
    assert refused_code(collecting, "L001", S.RETURN_REQUESTED, actor=BUYER) == "STEP_BACK_ADMIN_ONLY"
    assert move(collecting, "L001", S.RETURN_REQUESTED).line("L001").status is S.RETURN_REQUESTED


def test_exchange_creates_a_replacement_line_in_preparing() -> None:
    order = walk(make_order(coupon=3000, points=1000), "L001", *SHIPPED, S.EXCHANGE_REQUESTED)
    order = walk(order, "L001", S.EXCHANGE_COLLECTING)
    order = _with_tracking(order, "L001")

    change = apply_moves(order, [Move("L001", S.EXCHANGED)], ADMIN, LATER)
    after = change.order
    assert statuses(after) == {"L001": (S.EXCHANGED, 3), "L002": (S.PREPARING, 1), "L003": (S.PREPARING, 3)}
    replacement = after.line("L003")
    assert replacement.exchange_of == "L001"
    assert replacement.origin_line_id == "L001"
    assert replacement.shipment_id is None and replacement.claim_origin is None
    assert replacement.paid_amount == order.line("L001").paid_amount
    assert after.order_amount == order.order_amount  # the exchanged units no longer count, the new ones do
    assert change.stock_restore == {}
    assert [e.kind for e in change.events] == ["status_changed", "exchange_replacement"]
    assert change.events[1].data["line_id"] == "L003"
    assert not after.closed


def test_exchange_replacement_is_among_the_touched_lines() -> None:
    """The store writes only ``touched_lines``: a replacement missing there is never saved."""
    order = walk(make_order(), "L001", *SHIPPED, S.EXCHANGE_REQUESTED, S.EXCHANGE_COLLECTING)
    change = apply_moves(order, [Move("L001", S.EXCHANGED)], ADMIN, LATER)
    new_lines = {line.line_id for line in change.order.lines} - {line.line_id for line in order.lines}
    assert new_lines == {"L003"}
    assert new_lines <= change.touched_lines


def test_stock_is_restored_only_for_cancelled_and_returned_units() -> None:
    order = make_order(tee(), cap(2))
    requested = apply_moves(order, [Move("L001", S.CANCEL_REQUESTED, 2), Move("L002", S.CANCEL_REQUESTED)],
                            ADMIN, LATER)
    assert requested.stock_restore == {}
    done = apply_moves(requested.order, [Move("L003", S.CANCELLED), Move("L002", S.CANCELLED)], ADMIN, LATER)
    assert done.stock_restore == {TEE_SKU: 2, "CAP-02": 2}


# ---- non-physical goods ---------------------------------------------------------------------


def test_digital_goods_and_passes_are_confirmed_at_payment_and_close_the_order() -> None:
    order = make_order(ebook(), pass_30d())
    assert statuses(order) == {"L001": (S.CONFIRMED, 1), "L002": (S.CONFIRMED, 1)}
    assert all(line.confirmed_by == "payment" and line.confirmed_at == AT for line in order.lines)
    assert order.closed

    mixed = make_order(ebook(), cap())
    assert statuses(mixed) == {"L001": (S.CONFIRMED, 1), "L002": (S.PREPARING, 1)}
    assert not mixed.closed

    pending = make_order(ebook(), paid=False, method=PaymentMethod.VIRTUAL_ACCOUNT)
    assert not pending.closed
    add_payment(pending, pending.order_amount)  # the deposit arrived
    events = mark_paid(pending, at=LATER, actor=ADMIN)
    assert pending.closed and pending.line("L001").status is S.CONFIRMED
    assert [e.kind for e in events] == ["status_changed", "order_closed"]


def test_closed_order_refuses_moves_until_reopened_then_admin_cancels_a_digital_line() -> None:
    order = make_order(ebook(2), pass_30d())
    assert refused_code(order, "L001", S.CANCEL_REQUESTED) == "ORDER_CLOSED"

    assert refusal_of_reopen(order, BUYER) == ("REOPEN_ADMIN_ONLY", 403)
    reopened = reopen(order, ADMIN, LATER)
    assert not reopened.order.closed and order.closed
    assert [e.kind for e in reopened.events] == ["order_reopened"]
    assert refusal_of_reopen(reopened.order, ADMIN) == ("ORDER_NOT_CLOSED", 422)

    requested = move(reopened.order, "L001", S.CANCEL_REQUESTED, 1)
    assert statuses(requested)["L003"] == (S.CANCEL_REQUESTED, 1)
    assert requested.line("L003").claim_origin is S.CONFIRMED
    assert not requested.closed

    change = apply_moves(requested, [Move("L003", S.CANCELLED)], ADMIN, LATER)
    assert statuses(change.order)["L003"] == (S.CANCELLED, 1)
    assert change.stock_restore == {"EBOOK-1": 1}
    # every line is final again, but the cancelled e-book's money is owed back: the order stays open
    # until the refund is made (then it closes by itself)
    assert not change.order.closed and change.order.outstanding == -change.order.line("L003").paid_amount
    assert change.events[-1].kind == "status_changed"
    refunded = change.order.clone()
    refund(refunded, -change.order.outstanding)
    events: list = []
    update_closed(refunded, events, ADMIN, LATER)
    assert refunded.closed and [e.kind for e in events] == ["order_closed"]


def refusal_of_reopen(order: Order, actor: Actor) -> tuple[str, int]:
    before = order.as_dict()
    with pytest.raises(DomainError) as err:
        reopen(order, actor, LATER)
    assert order.as_dict() == before
    return err.value.code, err.value.status


def test_buyers_cannot_cancel_non_physical_goods() -> None:
    pending = make_order(ebook(), paid=False, method=PaymentMethod.VIRTUAL_ACCOUNT)
    assert refused_code(pending, "L001", S.CANCEL_REQUESTED, actor=BUYER) == "NON_PHYSICAL_ADMIN_CANCEL_ONLY"
    assert move(pending, "L001", S.CANCEL_REQUESTED).line("L001").status is S.CANCEL_REQUESTED

    reopened = reopen(make_order(pass_30d()), ADMIN, LATER).order
    assert refused_code(reopened, "L001", S.CANCEL_REQUESTED, actor=BUYER) == "NON_PHYSICAL_ADMIN_CANCEL_ONLY"
    requested = move(reopened, "L001", S.CANCEL_REQUESTED)
    assert refused_code(requested, "L001", S.CANCELLED, actor=BUYER) == "NON_PHYSICAL_ADMIN_CANCEL_ONLY"


@pytest.mark.parametrize("to", [S.RETURN_REQUESTED, S.EXCHANGE_REQUESTED])
def test_non_physical_goods_cannot_be_returned(to: Status) -> None:
    reopened = reopen(make_order(ebook(), pass_30d()), ADMIN, LATER).order
    assert refused_code(reopened, "L001", to) == "NON_PHYSICAL_NOT_RETURNABLE"
    assert refused_code(reopened, "L002", to, actor=BUYER) == "NON_PHYSICAL_NOT_RETURNABLE"


def test_non_physical_goods_never_enter_shipping_steps() -> None:
    reopened = reopen(make_order(ebook()), ADMIN, LATER).order
    for to in (S.DELIVERED, S.SHIPPING, S.READY_TO_SHIP, S.PREPARING):
        assert refused_code(reopened, "L001", to) == "NOT_SHIPPABLE"


# ---- all or nothing -------------------------------------------------------------------------


def test_a_refused_request_leaves_the_order_unchanged_even_after_earlier_moves_applied() -> None:
    order = make_order(coupon=3000, points=1000)
    snapshot = order.as_dict()
    err = refusal(order, [Move("L001", S.READY_TO_SHIP, 1), Move("L002", S.DELIVERED)])
    assert err.code == "STEP_SKIP_NOT_ALLOWED"
    assert err.extra["line_id"] == "L002"
    assert order.as_dict() == snapshot
    assert order.next_line_no == 3


# ---- the whole transition table -------------------------------------------------------------

ORIGIN = {
    S.CANCEL_REQUESTED: S.PREPARING,
    S.RETURN_REQUESTED: S.DELIVERED,
    S.RETURN_COLLECTING: S.DELIVERED,
    S.EXCHANGE_REQUESTED: S.SHIPPING,
    S.EXCHANGE_COLLECTING: S.SHIPPING,
}


def _order_with_line_in(frm: Status, kind: ProductKind = ProductKind.PHYSICAL,
                        channel: Channel = Channel.STORE) -> Order:
    line = LineInput("P-1", "상품", kind, 2, 10000)
    order = make_order(line, cap(), channel=channel, paid=False, method=PaymentMethod.VIRTUAL_ACCOUNT)
    order.line("L001").status = frm
    order.line("L001").claim_origin = ORIGIN.get(frm)
    order.line("L002").status = S.PREPARING
    return order


def _admin_may(frm: Status, to: Status) -> bool:
    """Independent statement of §3 for one whole physical line moved by an admin."""
    if frm in (S.CANCELLED, S.RETURNED, S.EXCHANGED):
        return False
    if frm in MAIN_FLOW and to in MAIN_FLOW:
        i, j = MAIN_FLOW.index(frm), MAIN_FLOW.index(to)
        return j == i + 1 or (j == i - 1 and frm is not S.CONFIRMED)
    for flow in CLAIM_FLOWS.values():
        if frm in flow and to in flow:
            return abs(flow.index(frm) - flow.index(to)) == 1
    if frm in CLAIM_REQUESTS:
        return to is ORIGIN[frm]
    if to is S.CANCEL_REQUESTED:
        return frm in (S.PAYMENT_PENDING, S.PREPARING, S.READY_TO_SHIP)
    if to in (S.RETURN_REQUESTED, S.EXCHANGE_REQUESTED):
        return frm in (S.SHIPPING, S.DELIVERED, S.CONFIRMED)
    return False


def test_admin_transition_table_for_physical_units_matches_the_rules() -> None:
    accepted, expected = set(), set()
    for frm in Status:
        for to in Status:
            if _admin_may(frm, to):
                expected.add((frm.value, to.value))
            try:
                apply_moves(_order_with_line_in(frm), [Move("L001", to)], ADMIN, LATER)
            except DomainError:
                continue
            accepted.add((frm.value, to.value))
    assert accepted == expected
    assert len(expected) == 26


def test_every_refusal_has_a_code_and_a_korean_message() -> None:
    codes: set[str] = set()
    for kind in ProductKind:
        for channel in (Channel.STORE, Channel.NAVERPAY_ORDER):
            for frm in Status:
                for to in Status:
                    for actor in (ADMIN, BUYER, Actor("service", "checkout")):
                        for quantity in (None, 1, 5):
                            order = _order_with_line_in(frm, kind, channel)
                            try:
                                apply_moves(order, [Move("L001", to, quantity)], actor, LATER)
                            except DomainError as exc:
                                assert re.fullmatch(r"[A-Z][A-Z_]+", exc.code), exc.code
                                assert HANGUL.search(exc.message_ko), exc.code
                                assert exc.as_dict()["code"] == exc.code
                                assert exc.as_dict()["message_ko"] == exc.message_ko
                                codes.add(exc.code)
    assert {
        "SAME_STATUS", "LINE_IN_FINAL_STATUS", "NON_PHYSICAL_ADMIN_CANCEL_ONLY", "NON_PHYSICAL_NOT_RETURNABLE",
        "NOT_SHIPPABLE", "STEP_SKIP_NOT_ALLOWED", "CANCEL_NOT_ALLOWED_AFTER_SHIPPING",
        "RETURN_NOT_ALLOWED_BEFORE_SHIPPING", "PAYMENT_NOT_CONFIRMED", "CANNOT_UNPAY", "STEP_BACK_ADMIN_ONLY",
        "CONFIRMED_CANNOT_STEP_BACK", "QUANTITY_OUT_OF_RANGE", "SPLIT_NOT_ALLOWED_EXTERNAL_CHANNEL",
        "SPLIT_NOT_ALLOWED_IN_READY_TO_SHIP", "SPLIT_ONLY_IN_PREPARING", "CONFIRM_NOT_ALLOWED",
    } <= codes


def test_buyers_only_confirm_request_claims_and_withdraw_them() -> None:
    """Shipping steps and claim decisions are the shop's; the my page confirms and asks."""
    order = make_order()
    assert refused_code(order, "L001", S.READY_TO_SHIP, actor=BUYER) == "BUYER_NOT_ALLOWED"
    requested = move(order, "L001", S.CANCEL_REQUESTED, actor=BUYER)
    assert requested.line("L001").status is S.CANCEL_REQUESTED
    assert refused_code(requested, "L001", S.CANCELLED, actor=BUYER) == "BUYER_NOT_ALLOWED"
    withdrawn = move(requested, "L001", S.PREPARING, actor=BUYER)
    assert withdrawn.line("L001").status is S.PREPARING

    shipped = walk(make_order(), "L001", *SHIPPED)
    assert refused_code(shipped, "L001", S.DELIVERED, actor=BUYER) == "BUYER_NOT_ALLOWED"
    delivered = walk(shipped, "L001", S.DELIVERED)
    assert move(delivered, "L001", S.CONFIRMED, actor=BUYER).line("L001").confirmed_by == "buyer"
    returning = move(delivered, "L001", S.RETURN_REQUESTED, actor=BUYER)
    assert refused_code(returning, "L001", S.RETURN_COLLECTING, actor=BUYER) == "BUYER_NOT_ALLOWED"
