"""Sending messages to the work queues (jobs, bank-account polls, channel pulls): ten a call, as SQS
takes them; a message the queue refuses fails the send."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import boto3


@cache
def _sqs() -> Any:
    return boto3.client("sqs")


def send_batches(url: str, bodies: list[dict[str, Any]]) -> int:
    """Send ``bodies`` (JSON) to the queue at ``url``; answers how many were sent. A body with
    ``delay_s`` is delivered that many seconds later (``DelaySeconds``, ≤ 900: its sender's pacing)."""
    for i in range(0, len(bodies), 10):
        batch = [{"Id": str(n), "MessageBody": json.dumps(b, separators=(",", ":"), ensure_ascii=False),
                  **({"DelaySeconds": int(b["delay_s"])} if b.get("delay_s") else {})}
                 for n, b in enumerate(bodies[i:i + 10])]
        resp = _sqs().send_message_batch(QueueUrl=url, Entries=batch)
        if resp.get("Failed"):
            raise RuntimeError(f"queue refused {len(resp['Failed'])} messages")
    return len(bodies)
