"""The in-process stack of the job tests: the template's functions without containers, the buckets,
the template's queues with their event source mappings, and the table's stream → RelayFunction (a
new job's messages are queued by the relay): ``events.drain()`` delivers both until nothing is left."""

from __future__ import annotations

import os

import boto3

from oms_local import REPO_ROOT
from oms_local.event_buses import EventBuses
from oms_local.gateway import Gateway
from oms_local.s3 import create_buckets
from oms_local.sqs_events import SqsEvents
from oms_local.stream_events import StreamEvents


class JobEvents(SqsEvents):
    """The queues' mappings plus the stream's: a job's messages exist once the relay queued them."""

    stream: StreamEvents

    def drain(self, timeout_s: float = 60.0, quiet_s: float = 0.5) -> int:
        total = 0
        for _ in range(20):
            got = self.stream.drain(timeout_s, 0.2) + SqsEvents.drain(self, timeout_s, quiet_s)
            total += got
            if not got:
                break
        return total


def jobs_stack(s3_endpoint: str, table_name: str) -> tuple[Gateway, JobEvents]:
    gw = Gateway(REPO_ROOT / "template.yaml", table_name=table_name, port=0, concurrency=0,
                 env={"POWERTOOLS_TRACE_DISABLED": "true", "LOG_LEVEL": "WARNING"})
    create_buckets(boto3.client("s3", endpoint_url=s3_endpoint), gw.bucket_names())
    events = JobEvents(gw, s3_endpoint)
    events.configure()
    EventBuses(gw, s3_endpoint).configure()  # the relay publishes the jobs' order changes on the bus
    events.stream = StreamEvents(gw, os.environ["AWS_ENDPOINT_URL_DYNAMODB"], table_name, queue_urls=events.urls,
                                 sqs_endpoint=s3_endpoint)
    events.stream.configure()
    return gw, events
