"""When an order is over (거래 종료), and when it is not any more.

An order closes only when everything about it is final: every unit in a final status (구매확정,
취소완료, 반품완료, 교환완료), the balance 0 (nothing owed either way), and no claim open or
completed-but-unsettled. Closing is decided at the end of every change that can finish an order —
status moves, claim steps, settlements, deposits, refunds, unpaid cancellations — by
:func:`update_closed`, the one place that sets or clears ``order.closed`` besides the admin's
explicit 거래 재개 (:func:`oms.domain.moves.reopen`).

A closed order that stops being final (money arrives that nobody owes, a refund is recorded from
the PG after the fact) is reopened by the same function, with its reason on the timeline: a closed
order never hides a balance.
"""

from __future__ import annotations

from oms.domain.order import Actor, Event, Order
from oms.domain.statuses import TERMINAL


def unsettled_claims(order: Order) -> list[str]:
    """Claims still under way, or completed with their money not yet settled."""
    return sorted(cid for cid, c in order.claims.items()
                  if c.open or (c.step == "completed" and c.settlement_id is None))


def why_open(order: Order) -> str | None:
    """Why the order cannot close now (Korean), or None when everything is final."""
    if not order.lines:
        return "품목이 없습니다."
    waiting = [line.line_id for line in order.lines if line.status not in TERMINAL]
    if waiting:
        return "진행 중인 품목이 있습니다."
    if order.outstanding > 0:
        return f"미결금액 {order.outstanding:,}원이 남아 있습니다."
    if order.outstanding < 0:
        return f"환불할 금액 {-order.outstanding:,}원이 남아 있습니다."
    if unsettled_claims(order):
        return "정산되지 않은 클레임이 있습니다."
    return None


def is_final(order: Order) -> bool:
    return why_open(order) is None


def update_closed(order: Order, events: list[Event], actor: Actor, at: str) -> None:
    """Close ``order`` (a clone being changed) when it became final; reopen a closed one that is not."""
    reason = why_open(order)
    if reason is None and not order.closed:
        order.closed = True
        events.append(Event("order_closed", actor, at, {"text_ko": "거래가 종료되었습니다."}))
    elif reason is not None and order.closed:
        order.closed = False
        events.append(Event("order_reopened", actor, at,
                            {"automatic": True, "reason": reason, "text_ko": f"거래가 다시 열렸습니다: {reason}"}))
