"""The fan-out of due orders through SQS (the auto-confirm run, the tracking sweep).

The scheduled function reads the due index's keys only and sends the (site, order) pairs to its
queue, :data:`ORDERS_PER_MESSAGE` a message, ten messages a SendMessageBatch; a worker does each
order's work with a few threads, under one settings cache per message. The pairs are interleaved
by shop (:func:`interleave`): sorted by (site, order), one shop's orders would be worked one after
another by every worker at once, and its partitions (``S#<site>``, GSI1 ``S#<site>#TAB#all``)
would take the whole run's writes. And a shop's orders are paced (:data:`SHOP_PACE`): a message
waits in the queue (``delay_s``, SQS ``DelaySeconds``) until its orders' turn at that pace, so a run
over one large shop (or few shops) does not write its partitions at the workers' full speed.

A redelivered message changes nothing twice: each order's work decides on a fresh read (the
services' ``_NothingDue``). An order that failed on something that may pass on a second try
(:func:`transient`: a lost race, throttling, a timeout) fails its message, which comes back
(``ReportBatchItemFailures``) and ends in the queue's dead-letter queue after ``maxReceiveCount``.
"""

from __future__ import annotations

import contextvars
import os
import zlib
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar, cast

from oms.domain.errors import DomainError
from oms.services import effects
from oms.store import queues

T = TypeVar("T")
#: orders in one message: a worker's 8 threads take it in 7 rounds (≈ 0.2 s at 0.025 s an order)
ORDERS_PER_MESSAGE = 50
#: orders a second of one shop a run works at most: its ``S#<site>`` and GSI1 ``S#<site>#TAB#all``
#: partitions take ~2.6 WCU an order (docs/scale.md), so 200/s stays near half their 1,000 WCU/s
SHOP_PACE = 200
#: SQS's longest message delay: a shop's orders beyond SHOP_PACE × 900 in one run go without waiting
MAX_DELAY_S = 900
#: refusals a second try may not meet (a lost race decided again on a fresh read)
RETRIED_CODES = frozenset({"VERSION_CONFLICT"})

Send = Callable[[list[dict[str, Any]]], int]


class Retry(Exception):
    """Some orders of a message failed transiently: the message is reported failed and comes back."""


def raise_for_retry(failed: list[dict[str, Any]]) -> None:
    """The worker's last step: :class:`Retry` when any of the message's failures is transient."""
    transient_ = sum(bool(f["transient"]) for f in failed)
    if transient_:
        raise Retry(f"{transient_} orders failed transiently")


def interleave(pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """The (site, order) pairs round-robin by shop, each shop's orders spread evenly over the run:
    a shop's i-th of n orders goes at (i + its offset) / n of it, so a large shop's orders are not
    left one after another at the end once the small shops' have run out; the offset (in [0, 1),
    from the site id) keeps the shops with as many orders from all falling on the same places."""
    by_site: dict[str, list[str]] = {}
    for site, order in sorted(set(pairs)):
        by_site.setdefault(site, []).append(order)
    placed = [((i + zlib.crc32(site.encode()) / 2**32) / len(ids), site, order)
              for site, ids in by_site.items() for i, order in enumerate(ids)]
    return [(site, order) for _, site, order in sorted(placed)]


def messages(pairs: Iterable[tuple[str, str]], **fields: Any) -> list[dict[str, Any]]:
    """The messages of a run: ``{**fields, "orders": [[site, order], …]}``, at most
    :data:`ORDERS_PER_MESSAGE` orders each, in :func:`interleave`'s order; a message whose orders
    include a shop's n-th of the run waits ``delay_s`` = n / :data:`SHOP_PACE` seconds (the most of
    its orders', at most :data:`MAX_DELAY_S`; none when 0)."""
    ordered = interleave(pairs)
    seen: dict[str, int] = {}
    turn = []
    for site, _ in ordered:
        turn.append(seen.get(site, 0))
        seen[site] = turn[-1] + 1
    out = []
    for i in range(0, len(ordered), ORDERS_PER_MESSAGE):
        body = {**fields, "orders": [list(p) for p in ordered[i:i + ORDERS_PER_MESSAGE]]}
        delay = min(MAX_DELAY_S, max(turn[i:i + ORDERS_PER_MESSAGE]) // SHOP_PACE)
        if delay:
            body["delay_s"] = delay
        out.append(body)
    return out


def to_queue(queue_env: str) -> Send:
    """Sending to the queue whose URL the function's ``queue_env`` variable holds (ten a call)."""
    return lambda bodies: queues.send_batches(os.environ[queue_env], bodies)


def orders_of(body: dict[str, Any]) -> list[tuple[str, str]]:
    return [(str(site), str(order)) for site, order in body["orders"]]


def transient(exc: Exception) -> bool:
    """A failure a second try may not meet: anything but a refusal, or a lost race."""
    return not isinstance(exc, DomainError) or exc.code in RETRIED_CODES


@dataclass
class Worked(Generic[T]):
    """One message's orders: what each answered, and the ones that failed (code, transient)."""

    done: list[tuple[str, str, T]] = field(default_factory=list)
    failed: list[dict[str, Any]] = field(default_factory=list)

    @property
    def retry(self) -> bool:
        return any(f["transient"] for f in self.failed)


def work(body: dict[str, Any], one: Callable[[str, str], T], threads: int) -> Worked[T]:
    """``one(site, order)`` for each order of the message, ``threads`` at a time, sharing one
    settings cache (each site's settings read once); a failure is recorded and the rest go on."""

    def attempt(site: str, order: str) -> tuple[str, str, T | None, Exception | None]:
        try:
            return site, order, one(site, order), None
        except Exception as exc:  # reported per order; the message's other orders go on
            return site, order, None, exc

    out: Worked[T] = Worked()
    with effects.settings_cache(), ThreadPoolExecutor(max_workers=threads) as pool:
        # each task runs in a copy of this context: they share the message's settings cache
        futures = [pool.submit(contextvars.copy_context().run, attempt, site, order)
                   for site, order in orders_of(body)]
        for site, order, answer, exc in (f.result() for f in futures):
            if exc is None:
                out.done.append((site, order, cast(T, answer)))
            else:
                code = exc.code if isinstance(exc, DomainError) else type(exc).__name__
                out.failed.append({"site_id": site, "order_id": order, "code": code, "transient": transient(exc)})
    return out
