"""Order events on the EventBridge bus (docs/domain.md, "Order events and webhooks"), delivered by
the relay: a committed change with public events (``oms.domain.public_events``) implies one
``publish`` intent, delivered with one ``PutEvents`` carrying them all (``Source`` ``oms.orders``,
``DetailType`` the event type, ``Detail`` the envelope) on the bus ``EVENT_BUS_NAME``.

EventBridge delivers at least once and so do we: an entry it refuses, a throttle or an outage is
retried by the relay (the whole change again: the envelopes' ids are stable, consumers dedupe on
``detail.id``).
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from functools import cache
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from oms.domain import public_events
from oms.domain.outbox import Intent
from oms.services import relay
from oms.store import outbox
from oms.store.outbox import Record

LABEL_KO = {"publish": "주문 이벤트 발행"}
#: PutEvents takes at most 10 entries (a change has more only in rare cases: several payments …)
ENTRIES_PER_CALL = 10


def envelopes(rec: Record) -> list[dict[str, Any]]:
    """The public events of a committed change (none for a timeline note that is not a change)."""
    return public_events.envelopes(rec.site_id, rec.order_id, rec.ref, rec.version, rec.at, rec.events)


def expand(rec: Record) -> list[Intent]:
    return [Intent("publish", "publish")] if envelopes(rec) else []


@cache
def _events() -> Any:
    return boto3.client("events")


def entries(rec: Record, bus: str) -> list[dict[str, Any]]:
    return [{"Source": public_events.SOURCE, "DetailType": e["type"], "EventBusName": bus,
             "Detail": json.dumps(e, ensure_ascii=False, separators=(",", ":")), "Resources": [],
             "Time": _time(e["occurred_at"])} for e in envelopes(rec)]


def _time(at: str) -> datetime:
    return datetime.fromisoformat(at.replace("Z", "+00:00"))


def recorded_since(d: relay.Delivery) -> bool:
    """Whether the intent was delivered since the relay read its record (a stream batch handed over
    again carries the record as it was inserted, before anything was recorded on it)."""
    now = outbox.get(d.record.pk, d.record.sk)
    return now is not None and d.intent.key in now.delivered


def deliver(d: relay.Delivery) -> dict[str, Any]:
    if recorded_since(d):
        return {"skipped": "recorded already"}
    bus = os.environ["EVENT_BUS_NAME"]
    batch = entries(d.record, bus)
    for start in range(0, len(batch), ENTRIES_PER_CALL):
        try:
            resp = _events().put_events(Entries=batch[start:start + ENTRIES_PER_CALL])
        except (BotoCoreError, ClientError) as exc:
            raise relay.Retry(f"PutEvents: {exc}", "이벤트 버스에 발행하지 못했습니다.") from exc
        failed = [e for e in resp.get("Entries", []) if e.get("ErrorCode")]
        if resp.get("FailedEntryCount") or failed:
            codes = sorted({str(e.get("ErrorCode")) for e in failed})
            raise relay.Retry(f"PutEvents refused {len(failed)} entries: {', '.join(codes)}",
                              "이벤트 버스가 일부 이벤트를 받지 않았습니다.")
    return {"events": len(batch), "types": [e["DetailType"] for e in batch]}
