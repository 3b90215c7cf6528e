"""THE after-commit mechanism: the relay delivers what committed changes ask of the outside world
(docs/domain.md, "After a change commits").

Every change writes one timeline item in its own transaction (``oms.store.orders.events_item``);
that item is the change's outbox record. The table's stream brings each new record to the relay
function (``functions/relay``), in commit order per order; this module decides what to do with it:

1. :func:`expand` — the record's intents: the ones the change carried (a buyer message to send, a
   cash receipt to issue …) and the ones its events imply (see :data:`EXPANDERS`);
2. :func:`deliver` — each intent not recorded yet goes to its deliverer (:data:`DELIVERERS`), with
   an idempotency key made of the order, the change and the intent (:attr:`Delivery.idempotency_key`),
   so a delivery repeated after a crash is answered by the provider with its first result;
3. the outcome is recorded on the record (``oms.store.outbox.mark``); a transient failure
   (:class:`Retry`) is tried again through the retry queue after a growing delay; after the last
   attempt the deliverer gives up (``give_up``), the failure goes on the order's timeline with its
   reason and is counted (metric ``OutboxDeliveryFailed``, alarm in template.yaml).

Anything else a deliverer raises is a bug or an outage of our own store: the stream record fails,
is retried by the event source mapping, and after its retries lands in the dead-letter queue.
"""

from __future__ import annotations

import importlib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from oms import observability
from oms.domain.clock import iso, utcnow
from oms.domain.order import Actor, Event
from oms.domain.outbox import Intent
from oms.store import outbox as store
from oms.store.outbox import Record

logger = logging.getLogger(__name__)
RELAY = Actor("system", "relay", "자동 전달")


class Retry(Exception):
    """A transient failure (the provider is down, timed out, throttled): try again later."""

    def __init__(self, reason: str, reason_ko: str = "외부 서비스에 연결하지 못했습니다.") -> None:
        super().__init__(reason)
        self.reason = reason
        self.reason_ko = reason_ko


@dataclass
class Delivery:
    record: Record
    intent: Intent
    attempt: int
    max_attempts: int

    @property
    def idempotency_key(self) -> str:
        """What the provider dedupes on: the same for every attempt of this intent, and unique across
        sites (order numbers repeat from site to site; a provider account may serve every site)."""
        return re.sub(r"[^A-Za-z0-9_\-]", "-", f"oms-{self.site_id}-{self.record.ref}-{self.intent.key}")[:200]

    @property
    def site_id(self) -> str:
        return self.record.site_id

    @property
    def order_id(self) -> str:
        return self.record.order_id


#: intent kind -> the module that delivers it (``deliver(d)``, optional ``give_up(d, reason)``,
#: ``LABEL_KO``); imported on first use (a relay invocation loads only what its records need)
DELIVERERS: dict[str, str] = {
    "sms": "oms.services.messages",
    "cash_receipt": "oms.services.receipt_intents",
    "cash_receipt_cancel": "oms.services.receipt_intents",
    "publish": "oms.services.event_bus",
    "webhook": "oms.services.webhook_delivery",
    "job_start": "oms.services.jobs",
    "notify": "oms.services.notifications",
    "tracking_register": "oms.services.tracking",
    "channel_dispatch": "oms.services.channel_push",
    "channel_delay": "oms.services.channel_push",
    "channel_claim": "oms.services.channel_push",
}

#: modules whose ``expand(record) -> list[Intent]`` adds the intents a record's events imply
EXPANDERS: tuple[str, ...] = ("oms.services.event_bus", "oms.services.webhook_delivery",
                             "oms.services.notification_triggers")


def _module(name: str) -> Any:
    return importlib.import_module(name)


def expand(rec: Record) -> list[Intent]:
    out = list(rec.intents)
    for name in EXPANDERS:
        out.extend(_module(name).expand(rec))
    return out


def deliver(rec: Record) -> int:
    """Deliver every intent of a new record not recorded yet; answers how many were delivered."""
    done = 0
    for intent in expand(rec):
        if intent.key not in rec.delivered:
            done += _attempt(rec, intent, 1)
    return done


def retry(pk: str, sk: str, intent_key: str, attempt: int) -> int:
    """A retry queue message: deliver one intent again, from the record as it is now."""
    rec = store.get(pk, sk)
    if rec is None or intent_key in rec.delivered:
        return 0
    for intent in expand(rec):
        if intent.key == intent_key:
            return _attempt(rec, intent, attempt)
    logger.warning("retry names an intent its record no longer implies", extra={"intent": intent_key})
    return 0


def _attempt(rec: Record, intent: Intent, attempt: int) -> int:
    if intent.kind not in DELIVERERS:
        raise LookupError(f"no deliverer for intent kind {intent.kind!r}")  # a bug: the stream record fails
    module = _module(DELIVERERS[intent.kind])
    delays = store.retry_delays()
    d = Delivery(rec, intent, attempt, len(delays) + 1)
    try:
        outcome = module.deliver(d)
    except Retry as exc:
        if attempt <= len(delays):
            logger.warning("delivery will be retried", extra={"intent": intent.kind, "attempt": attempt,
                                                              "reason": exc.reason})
            store.enqueue_retry(rec, intent.key, attempt + 1, delays[attempt - 1])
            return 0
        _give_up(module, d, exc)
        return 0
    if store.mark(rec, intent.key, {"result": "delivered", "at": iso(utcnow()), "attempt": attempt, **outcome}):
        observability.count("OutboxDelivered")
    return 1


def _give_up(module: Any, d: Delivery, exc: Retry) -> None:
    """The last attempt failed: the deliverer records its own failure, the order's timeline says so."""
    give_up: Callable[[Delivery, Retry], None] | None = getattr(module, "give_up", None)
    if give_up is not None:
        give_up(d, exc)
    at = iso(utcnow())
    if not store.mark(d.record, d.intent.key, {"result": "failed", "at": at, "attempt": d.attempt,
                                                "reason": exc.reason}):
        return
    label = getattr(module, "LABEL_KO", {}).get(d.intent.kind, d.intent.kind)
    if d.record.order_id:  # an order's change: its timeline says so (a job's own status does, for a job)
        store.note(d.record, Event("delivery_failed", RELAY, at, {
            "intent": d.intent.kind, "key": d.intent.key, "attempts": d.attempt, "reason": exc.reason,
            "text_ko": f"{label} 실패 ({d.attempt}회 시도): {exc.reason_ko}"}))
    observability.count("OutboxDeliveryFailed")
    logger.error("delivery failed for good", extra={"intent": d.intent.kind, "attempts": d.attempt,
                                                    "reason": exc.reason})
