"""Purchase confirmation (구매확정): the buyer's early confirmation and the scheduled auto-confirm job.

Both go through :func:`oms.services.orders.commit`, so points accrue by the one mechanism of
:mod:`oms.services.effects`, and the order's version condition makes a confirmation (and its
accrual) happen once even when the buyer and the job race, or two job runs overlap.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from oms.domain.clock import iso, kst_date, utcnow
from oms.domain.errors import DomainError, NotFound
from oms.domain.moves import Move, apply_moves
from oms.domain.order import Actor, Change, Order
from oms.domain.statuses import Status
from oms.services import effects
from oms.services.orders import Committed, run_change
from oms.store import due as due_store
from oms.store import job_cursors, keys

AUTO = Actor("system", "auto-confirm", "자동 구매확정")
#: how far back a job run looks when it has no cursor (or the cursor is older)
MAX_CATCH_UP_DAYS = 60
JOB = "auto_confirm"


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
class JobResult:
    today: str
    days: list[str]
    due: int = 0
    confirmed: int = 0
    orders: int = 0
    already_done: int = 0
    failed: list[dict[str, Any]] = field(default_factory=list)
    stopped_early: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"today": self.today, "days": self.days, "due": self.due, "confirmed": self.confirmed,
                "orders": self.orders, "already_done": self.already_done, "failed": self.failed,
                "stopped_early": self.stopped_early}


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


def due_orders(days: list[str]) -> set[tuple[str, str]]:
    """(site, order) of every order whose earliest due day is one of ``days`` (sparse GSI3)."""
    return {so for day in days for shard in range(keys.CONFIRM_DUE_SHARDS) for so in due_store.due_orders(day, shard)}


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


def run(now: datetime | None = None, *, workers: int = 8,
        remaining_ms: Callable[[], int] | None = None) -> JobResult:
    """One run of the auto-confirm job: due units of every site, orders in parallel batches."""
    now = now or utcnow()
    today = kst_date(now)
    days = days_to_read(today, _cursor())
    result = JobResult(today=today.isoformat(), days=[days[0], days[-1]])
    work = sorted(due_orders(days))
    result.due = result.orders = len(work)

    def one(site_order: tuple[str, str]) -> tuple[tuple[str, str], int, DomainError | Exception | None]:
        site, oid = site_order
        try:
            return site_order, confirm_due_order(site, oid, today.isoformat()), None
        except Exception as exc:  # reported per order; the rest of the batch goes on
            return site_order, 0, exc

    batch = workers * 4
    with effects.settings_cache(), ThreadPoolExecutor(max_workers=workers) as pool:
        for start in range(0, len(work), batch):
            if remaining_ms is not None and remaining_ms() < 20_000:
                result.stopped_early = True
                break
            # each task runs in a copy of this context: they share the run's settings cache
            futures = [pool.submit(contextvars.copy_context().run, one, so) for so in work[start:start + batch]]
            for (site, oid), n, exc in (f.result() for f in futures):
                if exc is None:
                    result.confirmed += n
                    if n == 0:
                        result.already_done += 1
                    continue
                code = exc.code if isinstance(exc, DomainError) else type(exc).__name__
                result.failed.append({"site_id": site, "order_id": oid, "code": code})
    if not result.failed and not result.stopped_early:
        # never past the real today: a run for a later "now" (a what-if run) must not hide the days
        # between today and then from the next real run
        wall = utcnow()
        _set_cursor(min(today, kst_date(wall)).isoformat(), iso(wall))
    return result
