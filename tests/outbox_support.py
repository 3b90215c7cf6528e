"""The in-process outbox relay of the tests: the template's functions without containers, its
queues with their event source mappings, its event bus, and the table's stream → RelayFunction
mapping over DynamoDB Local's stream (``relay.drain()`` delivers what committed changes asked for)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from oms_local import REPO_ROOT
from oms_local.event_buses import EventBuses
from oms_local.gateway import Gateway
from oms_local.sqs_events import SqsEvents
from oms_local.stream_events import StreamEvents

#: retries without waiting (the template's delays are seconds to minutes)
NO_DELAYS = {"OutboxRetryDelays": "0,0,0"}


@dataclass
class Relay:
    gateway: Gateway
    queues: SqsEvents
    stream: StreamEvents
    buses: EventBuses

    def drain(self, rounds: int = 20) -> int:
        """Deliver the stream's new records and the retries they cause, until nothing is left."""
        total = 0
        for _ in range(rounds):
            got = self.stream.drain(timeout_s=30, quiet_s=0.2) + self.queues.drain(timeout_s=30, quiet_s=0.2)
            total += got
            if not got:
                return total
        return total


def relay_stack(s3_endpoint: str, table_name: str, parameters: Mapping[str, str] | None = None,
                env: Mapping[str, str] | None = None) -> Relay:
    gw = Gateway(REPO_ROOT / "template.yaml", table_name=table_name, port=0, concurrency=0,
                 env={"POWERTOOLS_TRACE_DISABLED": "true", "LOG_LEVEL": "WARNING", **(env or {})},
                 parameters={**NO_DELAYS, **(parameters or {})})
    queues = SqsEvents(gw, s3_endpoint, visibility_timeout=1)
    queues.configure()
    buses = EventBuses(gw, s3_endpoint)  # the order events bus: moto's server speaks EventBridge
    buses.configure()
    stream = StreamEvents(gw, os.environ["AWS_ENDPOINT_URL_DYNAMODB"], table_name, queue_urls=queues.urls,
                          sqs_endpoint=s3_endpoint)
    stream.configure()
    return Relay(gw, queues, stream, buses)
