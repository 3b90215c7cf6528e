"""After-commit intents: what a committed change asks the outside world to do (docs/domain.md,
"After a change commits").

A change carries its intents (:attr:`oms.domain.order.Change.intents`) and the store writes them on
the change's own timeline item, in the change's transaction: no intent without its change, no
change that loses its intents. One relay delivers them after the commit (``oms.services.relay``).

An intent names a deliverer (``kind``) and a ``key`` unique within its change; the relay derives
the provider's idempotency key from the order, the change and that key, so a delivery repeated
after a crash is answered by the provider with its first result instead of happening twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

_KEY = re.compile(r"^[A-Za-z0-9_.:\-]{1,120}$")

#: the intents a change may carry (the relay has a deliverer for each, tests/unit/test_relay_registry.py);
#: the relay's expanders add others from a change's events (publish on the bus, webhooks, notify the buyer)
KINDS = frozenset({"sms", "cash_receipt", "cash_receipt_cancel", "job_start", "tracking_register",
                   "channel_dispatch", "channel_delay", "channel_claim"})


@dataclass(frozen=True)
class Intent:
    kind: str
    key: str
    data: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not _KEY.match(self.key):
            raise ValueError(f"intent key {self.key!r}: 1-120 of A-Z a-z 0-9 _ . : -")

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "key": self.key, "data": self.data}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Intent:
        return cls(str(d["kind"]), str(d["key"]), dict(d.get("data") or {}))


def sms(message_id: str, attempt: int) -> Intent:
    """Send attempt ``attempt`` of buyer message ``message_id`` (the text lives on its item)."""
    return Intent("sms", f"sms:{message_id}:{attempt}", {"message_id": message_id, "attempt": attempt})


def cash_receipt(payment_id: str) -> Intent:
    """Issue the cash receipt the buyer asked for at checkout, now that the deposit is in."""
    return Intent("cash_receipt", f"cash_receipt:{payment_id}", {"payment_id": payment_id})


def cash_receipt_cancel(payment_id: str) -> Intent:
    """Cancel (or re-issue for what is left) the payment's cash receipt after a refund."""
    return Intent("cash_receipt_cancel", f"cash_receipt_cancel:{payment_id}", {"payment_id": payment_id})


def job_start(chunks: int, file: bool, correlation_id: str | None, *, snapshot: bool = False) -> Intent:
    """Queue a bulk job's work: with ``snapshot`` (a new job) the one message that takes its snapshot,
    else one message per chunk of the snapshot (or one for a file job); ``correlation_id`` is the
    API request's, so the worker's log lines of the job find it."""
    data: dict[str, Any] = {"snapshot": True, "file": file} if snapshot else {"chunks": chunks, "file": file}
    if correlation_id:
        data["correlation_id"] = correlation_id
    return Intent("job_start", "job_start", data)


def notify(trigger: str) -> Intent:
    """Notify the buyer of ``trigger`` (결제완료, 배송시작 …) by 알림톡, SMS/LMS as the fallback; implied
    by the change's events (``oms.services.notification_triggers``), not carried by the change."""
    return Intent("notify", f"notify:{trigger}", {"trigger": trigger})
