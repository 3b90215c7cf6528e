"""Virtual-account expiry, fanned out (docs/domain.md, "Payments"): the PG sends no callback when an
account's due date passes, so a scheduled run finds the orders past it through the sparse GSI3
(``DUE#VAEXP#<shard>``, keys only, never a Scan) and sends them to ``VaExpiryQueue``, 50 a message
round-robin by shop (:mod:`oms.services.fan_out`); the worker cancels each one's waiting units with
its stock released (:func:`oms.services.payments.expire_order`). A redelivered message expires
nothing twice: an expired order no longer carries the index keys, and each order is decided on a
fresh read (one paid meanwhile is refused and left)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from oms.domain.clock import iso, utcnow
from oms.domain.errors import DomainError
from oms.services import fan_out, payments
from oms.store import payments as pay_store

logger = logging.getLogger(__name__)

QUEUE_ENV = "VA_EXPIRY_QUEUE_URL"
WORKER_THREADS = 8


@dataclass
class Expired:
    """One message's outcome: orders expired, skipped (nothing to expire any more), failed."""

    expired: int = 0
    skipped: int = 0
    failed: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"expired": self.expired, "skipped": self.skipped, "failed": self.failed}


def dispatch(now: str | None = None, send: fan_out.Send | None = None) -> dict[str, int]:
    """The scheduled function's part: every order past its deposit due date at ``now``, sent to the
    workers (``VA_EXPIRY_QUEUE_URL``, or ``send``)."""
    cutoff = now or iso(utcnow())
    due = list(pay_store.orders_past_due(cutoff))
    sent = (send or fan_out.to_queue(QUEUE_ENV))(fan_out.messages(due, now=cutoff))
    return {"due": len(due), "messages": sent}


def expire_message(body: dict[str, Any], threads: int = WORKER_THREADS) -> Expired:
    """The worker's part: the message's orders expired as of its ``now``, ``threads`` at once. A
    refusal (paid, or cancelled meanwhile) is a skip; a lost race or an outage fails the message,
    which comes back."""
    at = str(body["now"])

    def one(site_id: str, order_id: str) -> bool:
        try:
            payments.expire_order(site_id, order_id, at)
        except DomainError as exc:
            if fan_out.transient(exc):
                raise
            return False
        return True

    worked = fan_out.work(body, one, threads)
    for f in worked.failed:
        logger.warning("VA expiry failed for one order", extra={"order_id": f["order_id"], "code": f["code"]})
    return Expired(expired=sum(ok for *_, ok in worked.done), skipped=sum(not ok for *_, ok in worked.done),
                   failed=worked.failed)
