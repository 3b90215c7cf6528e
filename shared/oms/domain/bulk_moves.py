"""One status for many orders: the lines of an order a bulk move takes, and why it refuses one.

A bulk status change (the list's 50 orders, a job over a whole search or tab) moves, in each order,
every whole line in the chosen from-status (every line without one) that may go to ``to`` now. An
order none of whose lines may is refused by the very decision the single-order move of those lines
runs (:func:`apply_moves`), so it answers the same code and Korean reason as
``POST /admin/orders/{id}/status`` would (e.g. ``CANCEL_NOT_ALLOWED_WITH_TRACKING``).
``NO_ELIGIBLE_LINES`` is only for an order with no line in the from-status at all.
"""

from __future__ import annotations

from oms.domain.errors import DomainError
from oms.domain.josa import josa
from oms.domain.limits import MAX_BULK_ORDERS as MAX_BULK_ORDERS
from oms.domain.moves import Move, apply_moves, check_transition
from oms.domain.order import Actor, Change, Order
from oms.domain.statuses import Status


def too_many_orders_ko(limit: int = MAX_BULK_ORDERS) -> str:
    """The refusal of a selection over the limit, with the way round it (select the whole search)."""
    return f"주문은 한 번에 {limit:,}건까지 처리할 수 있습니다. 더 많으면 검색 결과 전체 선택을 사용하세요."


def no_eligible_lines(to: Status, from_status: Status | None) -> DomainError:
    if from_status is None:
        return DomainError("NO_ELIGIBLE_LINES", f"주문에 품목이 없어 {josa(to.ko, '으로/로')} 변경할 수 없습니다.",
                           extra={"to": to.value})
    return DomainError(
        "NO_ELIGIBLE_LINES",
        f"{from_status.ko} 상태인 품목이 없어 {josa(to.ko, '으로/로')} 변경할 수 없습니다.",
        extra={"to": to.value, "from_status": from_status.value},
    )


def move_all(order: Order, to: Status, from_status: Status | None, actor: Actor, at: str) -> Change:
    """Move every whole line of ``order`` (in ``from_status``, if given) that may move to ``to``.

    When none may, the single-order move of all of them is what refuses: its :class:`DomainError`
    (the first line's rule) is raised unchanged."""
    candidates = [line for line in order.lines if from_status is None or line.status is from_status]
    if not candidates:
        raise no_eligible_lines(to, from_status)
    eligible = []
    for line in candidates:
        try:
            check_transition(order, line, to, actor)
        except DomainError:
            continue
        eligible.append(line)
    return apply_moves(order, [Move(line.line_id, to) for line in eligible or candidates], actor, at)
