"""Fan-out runs in tests, the way the deposit poll tests drive theirs: a scheduled dispatcher's
handler (under its template contract) with its SQS sends captured — nothing reaches a queue —
then its worker's handler on each message it sent, one SQS event per message as the event source
mapping delivers them (``BatchSize: 1``)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest

from oms.store import queues
from tests.support import FakeContext

Handler = Callable[[Any, Any], Any]


class Sent:
    """``queues.send_batches`` for a test: what each thread sent within :meth:`capture` (two
    dispatchers may run at once, each sees its own messages)."""

    def __init__(self) -> None:
        self._local = threading.local()

    def send_batches(self, url: str, bodies: list[dict[str, Any]]) -> int:
        sent = getattr(self._local, "bodies", None)
        assert sent is not None, f"a message sent to {url} outside Sent.capture()"
        sent.extend(json.loads(json.dumps(b)) for b in bodies)  # as the worker reads it: JSON
        return len(bodies)

    @contextmanager
    def capture(self) -> Iterator[list[dict[str, Any]]]:
        self._local.bodies = []
        try:
            yield self._local.bodies
        finally:
            del self._local.bodies


def sent_fixture(monkeypatch: pytest.MonkeyPatch) -> Sent:
    """For ``sent = pytest.fixture(sent_fixture)`` in a test module."""
    sent = Sent()
    monkeypatch.setattr(queues, "send_batches", sent.send_batches)
    return sent


def sqs_event(body: dict[str, Any], queue: str, message_id: str = "m1") -> dict[str, Any]:
    return {"Records": [{"messageId": message_id, "receiptHandle": "r", "body": json.dumps(body, ensure_ascii=False),
                         "attributes": {"ApproximateReceiveCount": "1"}, "messageAttributes": {}, "md5OfBody": "",
                         "eventSource": "aws:sqs", "eventSourceARN": f"arn:aws:sqs:ap-northeast-2:000000000000:{queue}",
                         "awsRegion": "ap-northeast-2"}]}


def deliver(worker: Handler, body: dict[str, Any], queue: str) -> bool:
    """The worker's handler on one message; True when it reported the message failed."""
    answer = worker(sqs_event(body, queue), FakeContext())
    return [f["itemIdentifier"] for f in answer["batchItemFailures"]] == ["m1"]


@dataclass
class FanOut:
    answer: dict[str, Any]
    messages: list[dict[str, Any]] = field(default_factory=list)
    #: the indexes of the messages the worker reported failed
    failed: list[int] = field(default_factory=list)

    def orders(self) -> list[tuple[str, str]]:
        return [(site, order) for m in self.messages for site, order in m["orders"]]


def fan_out_run(dispatcher: Handler, worker: Handler | None, event: dict[str, Any], queue: str,
                sent: Sent | None = None) -> FanOut:
    """The dispatcher's handler on ``event``, then (unless ``worker`` is None) the worker's on each
    message it sent. Without ``sent`` the sends are captured for this call only (one thread)."""
    with pytest.MonkeyPatch.context() as mp:
        if sent is None:
            sent = sent_fixture(mp)
        with sent.capture() as bodies:
            answer = dispatcher(event, FakeContext())
    run = FanOut(dict(answer), list(bodies))
    if worker is not None:
        run.failed = [i for i, body in enumerate(run.messages) if deliver(worker, body, queue)]
    return run


def expire_here(now: str) -> dict[str, int]:
    """A virtual-account expiry run as of ``now``, its messages worked in this process (services,
    not handlers): what the workers expired, skipped and failed, summed."""
    from oms.services import va_expiry

    results: list[Any] = []

    def send(bodies: list[dict[str, Any]]) -> int:
        results.extend(va_expiry.expire_message(json.loads(json.dumps(b))) for b in bodies)
        return len(bodies)

    answer = va_expiry.dispatch(now, send)
    return {**answer, "expired": sum(r.expired for r in results), "skipped": sum(r.skipped for r in results),
            "failed": sum(len(r.failed) for r in results)}
