"""SQS queues and SQS → Lambda event source mappings of ``template.yaml`` on the local stack.

Every ``AWS::SQS::Queue`` of the template is created in the emulator (moto's server, the one that
serves S3), with its redrive policy to its dead-letter queue; functions whose environment names a
queue (``!Ref Queue``) get its local URL. For every function with an ``SQS`` event a poller
receives up to ``BatchSize`` messages and invokes the function with the event Lambda sends
(``Records`` with ``messageId``, ``receiptHandle``, ``body``, ``attributes``, ``eventSource``
``aws:sqs``, ``eventSourceARN`` …). As in AWS: messages the function reports in
``batchItemFailures`` (with ``ReportBatchItemFailures``), or all of them when it raises, stay in the
queue and come back after the visibility timeout; the others are deleted; after ``maxReceiveCount``
receives the emulator moves a message to the dead-letter queue.

Tests use :meth:`SqsEvents.drain` to deliver what is pending synchronously.
"""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass, field
from typing import Any

from oms_local import LOCAL_ENV
from oms_local.gateway import Gateway, HandlerError
from oms_local.iam import ExemptClient
from oms_local.poller import Poller

log = logging.getLogger("oms_local.sqs_events")


@dataclass
class Mapping:
    function: str
    queue: str  # logical id
    batch_size: int = 10
    report_failures: bool = False
    queue_url: str = ""
    queue_arn: str = ""


@dataclass
class QueueSpec:
    logical_id: str
    name: str
    attributes: dict[str, str] = field(default_factory=dict)
    dlq: str | None = None
    max_receive: int = 0


def _client(endpoint: str) -> Any:
    import boto3

    return ExemptClient(boto3.client(  # the event source mapping's poller (the Lambda service), not a function
        "sqs", endpoint_url=endpoint, region_name=LOCAL_ENV["AWS_REGION"],
        aws_access_key_id=LOCAL_ENV["AWS_ACCESS_KEY_ID"], aws_secret_access_key=LOCAL_ENV["AWS_SECRET_ACCESS_KEY"]))


def _logical(ref: Any) -> str | None:
    if isinstance(ref, dict):
        if "Ref" in ref:
            return str(ref["Ref"])
        if "Fn::GetAtt" in ref:
            att = ref["Fn::GetAtt"]
            return str(att[0] if isinstance(att, list) else str(att).split(".", 1)[0])
    return None


def _empty(sqs: Any, url: str) -> None:
    """Delete what a queue holds (PurgeQueue is allowed once a minute per queue)."""
    while True:
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0, VisibilityTimeout=30)
        messages = got.get("Messages", [])
        if not messages:
            return
        for msg in messages:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=msg["ReceiptHandle"])


def queue_specs(gateway: Gateway) -> list[QueueSpec]:
    out = []
    for logical_id, res in (gateway.template.get("Resources") or {}).items():
        if res.get("Type") != "AWS::SQS::Queue":
            continue
        props = res.get("Properties") or {}
        redrive = props.get("RedrivePolicy") or {}
        out.append(QueueSpec(logical_id=logical_id, name=f"oms-local-{logical_id.lower()}",
                             dlq=_logical(redrive.get("deadLetterTargetArn")),
                             max_receive=int(redrive.get("maxReceiveCount") or 0)))
    return out


def mappings(gateway: Gateway) -> list[Mapping]:
    out = []
    for fn in gateway.functions.values():
        for ev in fn.events.values():
            if ev.get("Type") != "SQS":
                continue
            props = ev.get("Properties") or {}
            queue = _logical(props.get("Queue"))
            if queue is None:
                continue
            out.append(Mapping(function=fn.logical_id, queue=queue, batch_size=int(props.get("BatchSize") or 10),
                               report_failures="ReportBatchItemFailures" in (props.get("FunctionResponseTypes") or [])))
    return out


class SqsEvents(Poller):
    """Create the template's queues in the emulator and deliver their messages to the functions."""

    name = "SQS event poller"
    log = log

    def __init__(self, gateway: Gateway, endpoint: str, *, visibility_timeout: int = 2) -> None:
        super().__init__()
        self.gateway = gateway
        self.endpoint = endpoint
        self.visibility_timeout = visibility_timeout
        self.urls: dict[str, str] = {}
        self.arns: dict[str, str] = {}
        self.mappings: list[Mapping] = []
        self.delivered = 0
        self.failed = 0

    def configure(self) -> list[Mapping]:
        """Create the queues (idempotent), point functions' queue env vars at them, read the mappings."""
        sqs = _client(self.endpoint)
        specs = queue_specs(self.gateway)
        for spec in sorted(specs, key=lambda s: s.dlq is not None):  # dead-letter queues first
            attrs = {"VisibilityTimeout": str(self.visibility_timeout)}
            if spec.dlq and spec.dlq in self.arns:
                attrs["RedrivePolicy"] = ('{"deadLetterTargetArn":"' + self.arns[spec.dlq]
                                          + f'","maxReceiveCount":"{spec.max_receive}"' + "}")
            try:  # made by an earlier stack (same attributes or not): nothing of its is delivered to this one
                url = sqs.get_queue_url(QueueName=spec.name)["QueueUrl"]
                sqs.set_queue_attributes(QueueUrl=url, Attributes=attrs)
                _empty(sqs, url)
            except sqs.exceptions.QueueDoesNotExist:
                url = sqs.create_queue(QueueName=spec.name, Attributes=attrs)["QueueUrl"]
            self.urls[spec.logical_id] = url
            self.arns[spec.logical_id] = sqs.get_queue_attributes(
                QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        os.environ["AWS_ENDPOINT_URL_SQS"] = self.endpoint
        resources = self.gateway.template.get("Resources") or {}
        for fn in self.gateway.functions.values():
            variables = (((resources.get(fn.logical_id) or {}).get("Properties") or {}).get("Environment")
                         or {}).get("Variables") or {}
            for var, value in variables.items():
                logical = _logical(value) if isinstance(value, dict) and "Ref" in value else None
                if logical in self.urls:
                    fn.env[var] = self.urls[logical]
        self.mappings = mappings(self.gateway)
        for m in self.mappings:
            m.queue_url, m.queue_arn = self.urls[m.queue], self.arns[m.queue]
        return self.mappings

    def _record(self, m: Mapping, msg: dict[str, Any]) -> dict[str, Any]:
        attrs = msg.get("Attributes", {})
        return {
            "messageId": msg["MessageId"], "receiptHandle": msg["ReceiptHandle"], "body": msg["Body"],
            "attributes": {k: attrs.get(k, "") for k in ("ApproximateReceiveCount", "SentTimestamp", "SenderId",
                                                         "ApproximateFirstReceiveTimestamp")},
            "messageAttributes": {}, "md5OfBody": msg.get("MD5OfBody") or hashlib.md5(
                msg["Body"].encode()).hexdigest(),
            "eventSource": "aws:sqs", "eventSourceARN": m.queue_arn, "awsRegion": LOCAL_ENV["AWS_REGION"],
        }

    def poll_once(self, wait_s: int = 0) -> int:
        """Receive one batch per mapping and deliver it; returns the number of messages that succeeded."""
        sqs = _client(self.endpoint)
        n = 0
        for m in self.mappings:
            resp = sqs.receive_message(QueueUrl=m.queue_url, MaxNumberOfMessages=min(m.batch_size, 10),
                                       WaitTimeSeconds=wait_s, AttributeNames=["All"])
            messages = resp.get("Messages", [])
            if not messages:
                continue
            event = {"Records": [self._record(m, msg) for msg in messages]}
            try:
                result = self.gateway.invoke_function(m.function, event)
            except HandlerError as exc:
                self.failed += len(messages)
                log.warning("%s failed on %d messages; they return after the visibility timeout: %s",
                            m.function, len(messages), exc)
                continue
            failed: set[str] = set()
            if m.report_failures and isinstance(result, dict):
                failed = {str(f.get("itemIdentifier")) for f in result.get("batchItemFailures") or []}
            for msg in messages:
                if msg["MessageId"] in failed:
                    self.failed += 1
                    continue
                sqs.delete_message(QueueUrl=m.queue_url, ReceiptHandle=msg["ReceiptHandle"])
                self.delivered += 1
                n += 1
        return n

    def drain(self, timeout_s: float = 60.0, quiet_s: float = 0.5) -> int:
        return super().drain(timeout_s, quiet_s)
