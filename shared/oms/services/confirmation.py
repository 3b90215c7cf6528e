"""Purchase confirmation (구매확정): the buyer's early confirmation and the scheduled auto-confirm job
(fanned out: :func:`dispatch` sends the due orders to AutoConfirmQueue, :func:`confirm_message`
confirms one message's orders in the worker — :mod:`oms.services.fan_out`).

Both go through :func:`oms.services.orders.commit`, so points accrue by the one mechanism of
:mod:`oms.services.effects`, and the order's version condition makes a confirmation (and its
accrual) happen once even when the buyer and the job race, or two job runs overlap.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from oms.domain.clock import iso, kst_date, utcnow
from oms.domain.errors import DomainError, NotFound
from oms.domain.moves import Move, apply_moves
from oms.domain.order import Actor, Change, Order
from oms.domain.statuses import Status
from oms.services import fan_out
from oms.services.orders import Committed, run_change
from oms.store import due as due_store
from oms.store import job_cursors, keys

AUTO = Actor("system", "auto-confirm", "자동 구매확정")
#: how far back a job run looks when it has no cursor (or the cursor is older)
MAX_CATCH_UP_DAYS = 60
JOB = "auto_confirm"
#: the worker's queue (AutoConfirmQueue), and its threads per message
QUEUE_ENV = "AUTO_CONFIRM_QUEUE_URL"
WORKER_THREADS = 8


# ---- buyer ------------------------------------------------------------------------------------


def buyer_confirm(site_id: str, order_id: str, actor: Actor, line_ids: list[str] | None,
                  owns: Callable[[Order], bool] = lambda _: True) -> Committed:
    """The buyer confirms delivered units early (all delivered lines, or the ones named); an
    order that is not the buyer's (``owns``) is not found, before any rule."""

    def decide(order: Order, at: str) -> Change:
        if not owns(order):
            raise NotFound("order", order_id)
        if line_ids:
            chosen = [order.line(lid) for lid in dict.fromkeys(line_ids)]
            for line in chosen:
                if line.status is not Status.DELIVERED:
                    raise DomainError("CONFIRM_ONLY_DELIVERED",
                                      f"배송완료 상태의 품목만 구매확정할 수 있습니다 (현재: {line.status.ko}).",
                                      extra={"line_id": line.line_id, "status": line.status.value})
        else:
            chosen = [li for li in order.lines if li.status is Status.DELIVERED]
            if not chosen:
                raise DomainError("NOTHING_TO_CONFIRM", "구매확정할 수 있는 배송완료 품목이 없습니다.")
        return apply_moves(order, [Move(li.line_id, Status.CONFIRMED) for li in chosen], actor, at)

    return run_change(site_id, order_id, actor, decide, action="buyer_confirm")


# ---- the job ----------------------------------------------------------------------------------


@dataclass
class Dispatched:
    """One run of the scheduled function: the days read, the orders due, the messages sent and
    the day the cursor was moved to."""

    today: str
    days: list[str]
    due: int = 0
    messages: int = 0
    cursor: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"today": self.today, "days": self.days, "due": self.due, "messages": self.messages,
                "cursor": self.cursor}


@dataclass
class Confirmed:
    """One message's orders: lines confirmed, orders with nothing left (a redelivery, the buyer was
    quicker), the ones that failed (``retry``: one may pass on a second try)."""

    orders: int = 0
    confirmed: int = 0
    already_done: int = 0
    failed: list[dict[str, Any]] = field(default_factory=list)
    retry: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"orders": self.orders, "confirmed": self.confirmed, "already_done": self.already_done,
                "failed": self.failed, "retry": self.retry}


def _cursor() -> str | None:
    return job_cursors.cursor(JOB)


def _set_cursor(day: str, at: str) -> None:
    job_cursors.set_cursor(JOB, day, at)


def days_to_read(today: date, cursor: str | None) -> list[str]:
    """From the cursor (the oldest day that may still hold due units) to today, at most 60 days."""
    start = today - timedelta(days=MAX_CATCH_UP_DAYS)
    if cursor:
        c = date.fromisoformat(cursor)
        if start <= c <= today:
            start = c
        elif c > today:
            start = today
    return [(start + timedelta(days=i)).isoformat() for i in range((today - start).days + 1)]


def due_orders(days: list[str]) -> dict[str, list[tuple[str, str]]]:
    """Day → (site, order) of every order whose earliest due day it is (sparse GSI3, keys only);
    days without any are left out."""
    found = {day: [so for shard in range(keys.CONFIRM_DUE_SHARDS) for so in due_store.due_orders(day, shard)]
             for day in days}
    return {day: pairs for day, pairs in found.items() if pairs}


class _NothingDue(Exception):
    """Units confirmed meanwhile (by the buyer or an overlapping run): nothing left to do."""


def confirm_due_order(site_id: str, order_id: str, today: str, attempts: int = 3) -> int:
    """Confirm the order's delivered physical units whose day has come; returns how many lines.

    Decided on a fresh read: units confirmed meanwhile are not due any more, so nothing is
    confirmed twice; a lost race is decided again (``run_change`` attempts).
    """
    count = 0

    def decide(order: Order, at: str) -> Change:
        nonlocal count
        due = [li for li in order.lines if (day := due_store.confirm_day(order, li)) and day <= today]
        if not due:
            raise _NothingDue
        count = len(due)
        return apply_moves(order, [Move(li.line_id, Status.CONFIRMED) for li in due], AUTO, at)

    try:
        run_change(site_id, order_id, AUTO, decide, action="auto_confirm", attempts=attempts)
    except _NothingDue:
        return 0
    return count


def dispatch(now: datetime | None = None, send: fan_out.Send | None = None) -> Dispatched:
    """The scheduled function's part: every due order of the days from the cursor to today, sent
    to the workers (``AUTO_CONFIRM_QUEUE_URL``, or ``send``) 50 a message, round-robin by shop.

    The cursor moves once every message is sent (a send that fails raises: the cursor stays and
    the schedule's retry sends again), to the earliest day that still held due orders — an order
    stays under its earliest due day until it is confirmed, so one whose message failed (in the
    dead-letter queue) is read and sent again by every run until it is; with none left the
    cursor moves to today. Never past the real today: a run for a later "now" (a what-if run)
    must not hide the days between today and then from the next real run.
    """
    now = now or utcnow()
    today = kst_date(now)
    days = days_to_read(today, _cursor())
    found = due_orders(days)
    work = {so for pairs in found.values() for so in pairs}
    result = Dispatched(today=today.isoformat(), days=[days[0], days[-1]], due=len(work))
    bodies = fan_out.messages(work, today=result.today)
    result.messages = (send or fan_out.to_queue(QUEUE_ENV))(bodies)
    wall = utcnow()
    result.cursor = min(min(found, default=result.today), result.today, kst_date(wall).isoformat())
    _set_cursor(result.cursor, iso(wall))
    return result


def confirm_message(body: dict[str, Any], threads: int = WORKER_THREADS) -> Confirmed:
    """The worker's part: the message's orders confirmed as of its ``today``, ``threads`` at once."""
    today = str(body["today"])
    worked = fan_out.work(body, lambda site, oid: confirm_due_order(site, oid, today), threads)
    return Confirmed(orders=len(worked.done) + len(worked.failed), confirmed=sum(n for *_, n in worked.done),
                     already_done=sum(n == 0 for *_, n in worked.done), failed=worked.failed, retry=worked.retry)
