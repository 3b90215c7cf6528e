"""``next_moves``: the moves the console offers are exactly the moves ``apply_moves`` accepts."""

from __future__ import annotations

import copy

from hypothesis import given, settings
from hypothesis import strategies as st

from oms.domain.errors import DomainError
from oms.domain.moves import Move, apply_moves, next_moves
from oms.domain.statuses import Channel, Status
from tests.claims_support import ADMIN, AT, order_of, shirt, walk


def accepted(order, line_id: str, to: Status, quantity: int | None) -> bool:  # type: ignore[no-untyped-def]
    try:
        apply_moves(copy.deepcopy(order), [Move(line_id, to, quantity)], ADMIN, AT)
    except DomainError:
        return False
    return True


def test_preparing_line_offers_the_next_step_split_and_cancel_but_not_a_skip() -> None:
    order = order_of(shirt(3))
    offered = dict(next_moves(order, order.lines[0], ADMIN))
    assert offered[Status.READY_TO_SHIP] is True          # 1 of 3 may go: the line splits
    assert offered[Status.CANCEL_REQUESTED] is True
    assert Status.SHIPPING not in offered and Status.DELIVERED not in offered  # no skipping
    assert Status.PREPARING not in offered                # same status


def test_ready_to_ship_may_move_but_never_split_and_external_channels_never_split() -> None:
    order = walk(order_of(shirt(3)), "L001", Status.READY_TO_SHIP)
    offered = dict(next_moves(order, order.lines[0], ADMIN))
    assert offered == {Status.PREPARING: False, Status.SHIPPING: False, Status.CANCEL_REQUESTED: False}
    naver = order_of(shirt(3), channel=Channel.NAVERPAY_ORDER)
    assert dict(next_moves(naver, naver.lines[0], ADMIN))[Status.READY_TO_SHIP] is False


_PATHS = [[], [Status.READY_TO_SHIP], [Status.READY_TO_SHIP, Status.SHIPPING],
          [Status.READY_TO_SHIP, Status.SHIPPING, Status.DELIVERED],
          [Status.READY_TO_SHIP, Status.SHIPPING, Status.DELIVERED, Status.CONFIRMED],
          [Status.CANCEL_REQUESTED], [Status.CANCEL_REQUESTED, Status.CANCELLED],
          [Status.READY_TO_SHIP, Status.SHIPPING, Status.DELIVERED, Status.RETURN_REQUESTED]]


@settings(max_examples=60, deadline=None)
@given(path=st.sampled_from(_PATHS), quantity=st.integers(1, 3), channel=st.sampled_from(list(Channel)))
def test_offered_moves_are_exactly_the_accepted_ones(path: list[Status], quantity: int, channel: Channel) -> None:
    order = walk(order_of(shirt(quantity), channel=channel), "L001", *path) if path else order_of(
        shirt(quantity), channel=channel)
    line = order.lines[0]
    offered = dict(next_moves(order, line, ADMIN))
    for to in Status:
        assert (to in offered) == accepted(order, "L001", to, None), to
        if quantity > 1:
            assert offered.get(to, False) == accepted(order, "L001", to, 1), to
