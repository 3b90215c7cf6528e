"""The outbox records the relay reads and marks (docs/data-model.md, "Outbox").

A change's timeline item (``oms.store.orders.events_item``) is its outbox record: it holds the
change's events and after-commit ``intents``; a new bulk job's item is the record of its creation
(its ``job_start`` intent queues the snapshot message) and its ``START`` item the record of its
snapshot's end (its ``job_start`` intent queues the chunks' messages); the relay records each
intent's outcome in the item's ``delivered`` map, keyed by the intent's key, under a condition
that it is not recorded yet (a redelivered record finds it there and skips it). A transient
failure is retried through the retry queue (``OUTBOX_RETRY_QUEUE_URL``) with a delay: the message
names the record and the intent.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import boto3

from oms.domain.order import Event
from oms.domain.outbox import Intent
from oms.store import keys
from oms.store.orders import plain
from oms.store.table import Item, TransactionFailed, client, key, load, table_name


@dataclass
class Record:
    """One change's outbox record."""

    pk: str
    sk: str
    site_id: str
    order_id: str
    #: the order version the change wrote (None: a refusal's timeline entry, not a change)
    version: int | None
    at: str
    events: list[dict[str, Any]]
    intents: list[Intent]
    delivered: dict[str, Any] = field(default_factory=dict)
    #: what the record is about when it is not an order's change (a bulk job's id)
    subject: str = ""

    @property
    def ref(self) -> str:
        """The record's name in idempotency keys and event ids: ``<order id>.v<version>`` for an
        order's change, ``job.<job id>`` for a bulk job's creation."""
        return f"{self.order_id}.v{self.version or 0}" if self.order_id else f"job.{self.subject}"


def from_item(item: Item) -> Record | None:
    """The record of a timeline item, a new bulk job's item or its ``START`` item (plain values);
    None for any other."""
    if item.get("type") == "bulk_job_start":
        return Record(pk=str(item["PK"]), sk=str(item["SK"]), site_id=str(item["site_id"]), order_id="",
                      version=None, at=str(item.get("created_at") or ""), events=[],
                      intents=[Intent.from_dict(i) for i in item.get("intents") or []],
                      delivered=dict(item.get("delivered") or {}), subject=str(item["job_id"]))
    if item.get("type") == "bulk_job":
        site_id = keys.parse_site_pk(str(item["PK"]))
        if site_id is None:
            return None
        return Record(pk=str(item["PK"]), sk=str(item["SK"]), site_id=site_id, order_id="", version=None,
                      at=str(item.get("created_at") or ""), events=[],
                      intents=[Intent.from_dict(i) for i in item.get("intents") or []],
                      delivered=dict(item.get("delivered") or {}), subject=str(item["job_id"]))
    if item.get("type") != "events":
        return None
    parsed = keys.parse_order_pk(str(item["PK"]))
    if parsed is None:
        return None
    return Record(pk=str(item["PK"]), sk=str(item["SK"]), site_id=parsed[0], order_id=parsed[1],
                  version=keys.timeline_version(str(item["SK"])), at=str(item.get("at") or ""),
                  events=list(item.get("events") or []),
                  intents=[Intent.from_dict(i) for i in item.get("intents") or []],
                  delivered=dict(item.get("delivered") or {}))


def from_stream_image(image: dict[str, Any]) -> Record | None:
    """The record of a stream record's ``NewImage`` (DynamoDB JSON)."""
    return from_item(plain(load(image)))


def get(pk: str, sk: str) -> Record | None:
    resp = client().get_item(TableName=table_name(), Key=key(pk, sk), ConsistentRead=True)
    return from_item(plain(load(resp["Item"]))) if "Item" in resp else None


def mark(rec: Record, intent_key: str, outcome: dict[str, Any]) -> bool:
    """Record an intent's outcome on its record; False when one is recorded already."""
    from oms.store.table import dump

    try:
        client().update_item(
            TableName=table_name(), Key=key(rec.pk, rec.sk),
            UpdateExpression="SET delivered.#k = :o",
            ConditionExpression="attribute_exists(PK) AND attribute_not_exists(delivered.#k)",
            ExpressionAttributeNames={"#k": intent_key},
            ExpressionAttributeValues={":o": dump({"o": outcome})["o"]},
        )
    except client().exceptions.ConditionalCheckFailedException:
        return False
    rec.delivered[intent_key] = outcome
    return True


def note(rec: Record, event: Event) -> None:
    """An entry on the order's timeline about a delivery (not a change of the order)."""
    from oms.store import orders

    try:
        orders.record_refusal(rec.site_id, rec.order_id, event)
    except TransactionFailed:  # pragma: no cover - record_refusal swallows its own condition
        pass


# ---- the retry queue ------------------------------------------------------------------------------


@cache
def _sqs() -> Any:
    return boto3.client("sqs")


def enqueue_retry(rec: Record, intent_key: str, attempt: int, delay_s: int) -> None:
    """Deliver ``intent_key`` of ``rec`` again, as attempt ``attempt``, in ``delay_s`` seconds."""
    body = {"pk": rec.pk, "sk": rec.sk, "key": intent_key, "attempt": attempt}
    _sqs().send_message(QueueUrl=os.environ["OUTBOX_RETRY_QUEUE_URL"], DelaySeconds=max(0, min(delay_s, 900)),
                        MessageBody=json.dumps(body, separators=(",", ":")))


def retry_delays() -> list[int]:
    """Seconds before attempts 2, 3, … (``OUTBOX_RETRY_DELAYS``, e.g. ``10,60,300,900``)."""
    raw = os.environ.get("OUTBOX_RETRY_DELAYS", "10,60,300,900")
    return [int(x) for x in raw.split(",") if x.strip()]
