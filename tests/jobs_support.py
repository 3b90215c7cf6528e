"""The in-process stack of the job tests: the template's functions without containers, the buckets,
and the template's queues with their event source mappings (delivered by ``events.drain()``)."""

from __future__ import annotations

import boto3

from oms_local import REPO_ROOT
from oms_local.gateway import Gateway
from oms_local.s3 import create_buckets
from oms_local.sqs_events import SqsEvents


def jobs_stack(s3_endpoint: str, table_name: str) -> tuple[Gateway, SqsEvents]:
    gw = Gateway(REPO_ROOT / "template.yaml", table_name=table_name, port=0, concurrency=0,
                 env={"POWERTOOLS_TRACE_DISABLED": "true", "LOG_LEVEL": "WARNING"})
    create_buckets(boto3.client("s3", endpoint_url=s3_endpoint), gw.bucket_names())
    events = SqsEvents(gw, s3_endpoint)
    events.configure()
    return gw, events
