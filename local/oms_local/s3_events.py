"""S3 ``ObjectCreated`` delivery on the local stack, as in AWS.

For every function in ``template.yaml`` with an ``S3`` event, the bucket's notification
configuration is set in the S3 emulator (moto) to send the events to an SQS queue of the same
emulator; a poller thread receives them and invokes the function through
:meth:`Gateway.invoke_function` with the S3 event (the record fields AWS sends that the emulator
leaves out are filled in). An upload to a presigned URL therefore triggers the function exactly
as S3 → Lambda does. Like Lambda's asynchronous invocation, a failed invocation is retried
(the message becomes visible again) up to ``max_attempts`` times, then sent to the function's
local dead-letter queue ``oms-local-dlq-<function>`` (the on-failure destination of template.yaml)
with the error, and a log line.

Tests use :meth:`S3Events.drain` to deliver what is pending synchronously.
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any

from oms_local import LOCAL_ENV
from oms_local.gateway import Gateway, HandlerError, bucket_name
from oms_local.iam import ExemptClient
from oms_local.poller import Poller

log = logging.getLogger("oms_local.s3_events")


@dataclass
class Subscription:
    function: str
    bucket: str
    events: list[str]
    rules: list[dict[str, str]]
    queue_url: str = ""


def _client(service: str, endpoint: str) -> Any:
    import boto3

    return ExemptClient(boto3.client(  # type: ignore[call-overload]  # the stack's plumbing, not a function
        service, endpoint_url=endpoint, region_name=LOCAL_ENV["AWS_REGION"],
        aws_access_key_id=LOCAL_ENV["AWS_ACCESS_KEY_ID"], aws_secret_access_key=LOCAL_ENV["AWS_SECRET_ACCESS_KEY"],
    ))


def subscriptions(gateway: Gateway) -> list[Subscription]:
    """The template's S3 events: which function, which bucket, which events and key filters."""
    out = []
    for fn in gateway.functions.values():
        for ev in fn.events.values():
            if ev.get("Type") != "S3":
                continue
            props = ev.get("Properties") or {}
            ref = props.get("Bucket")
            logical = ref.get("Ref") if isinstance(ref, dict) else ref
            events = props.get("Events")
            rules = (((props.get("Filter") or {}).get("S3Key") or {}).get("Rules")) or []
            out.append(Subscription(
                function=fn.logical_id, bucket=bucket_name(gateway.resolver, str(logical)),
                events=list(events) if isinstance(events, list) else [str(events)],
                rules=[{"Name": str(r["Name"]).lower(), "Value": str(r["Value"])} for r in rules],
            ))
    return out


def complete_record(record: dict[str, Any]) -> dict[str, Any]:
    """Add the fields AWS puts in every S3 event record that the emulator omits."""
    record.setdefault("userIdentity", {"principalId": "AWS:LOCALUPLOADER"})
    record.setdefault("requestParameters", {"sourceIPAddress": "127.0.0.1"})
    record.setdefault("responseElements", {"x-amz-request-id": secrets.token_hex(8).upper(),
                                           "x-amz-id-2": secrets.token_urlsafe(24)})
    obj = record.setdefault("s3", {}).setdefault("object", {})
    obj.setdefault("sequencer", f"{time.time_ns():016X}")
    bucket = record["s3"].setdefault("bucket", {})
    bucket.setdefault("ownerIdentity", {"principalId": "LOCALOWNER"})
    return record


class S3Events(Poller):
    """Wire the template's S3 notifications in the emulator and deliver them to the functions."""

    name = "S3 event poller"
    log = log

    def __init__(self, gateway: Gateway, s3_endpoint: str, *, max_attempts: int = 3,
                 visibility_timeout: int = 2) -> None:
        super().__init__()
        self.gateway = gateway
        self.endpoint = s3_endpoint
        self.max_attempts = max_attempts
        self.visibility_timeout = visibility_timeout
        self.subs: list[Subscription] = []
        self.delivered = 0
        self.failed = 0
        self._lock = threading.Lock()

    def configure(self) -> list[Subscription]:
        """Create one queue per subscription and point the bucket's notifications at it (idempotent)."""
        s3, sqs = _client("s3", self.endpoint), _client("sqs", self.endpoint)
        self.subs = subscriptions(self.gateway)
        by_bucket: dict[str, list[dict[str, Any]]] = {}
        for sub in self.subs:
            name, attrs = f"oms-local-s3-{sub.function}", {"VisibilityTimeout": str(self.visibility_timeout)}
            try:
                url = sqs.create_queue(QueueName=name, Attributes=attrs)["QueueUrl"]
            except sqs.exceptions.QueueNameExists:  # made earlier with other settings: take it over
                url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
                sqs.set_queue_attributes(QueueUrl=url, Attributes=attrs)
            sub.queue_url = url
            arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
            cfg: dict[str, Any] = {"Id": f"{sub.function}-{len(by_bucket.get(sub.bucket, []))}", "QueueArn": arn,
                                   "Events": sub.events}
            if sub.rules:
                cfg["Filter"] = {"Key": {"FilterRules": sub.rules}}
            by_bucket.setdefault(sub.bucket, []).append(cfg)
        for bucket, configs in by_bucket.items():
            s3.put_bucket_notification_configuration(
                Bucket=bucket, NotificationConfiguration={"QueueConfigurations": configs})
        return self.subs

    def dead_letter_url(self, function: str) -> str:
        """The local stand-in for the function's on-failure SQS destination (created on demand)."""
        url: str = _client("sqs", self.endpoint).create_queue(QueueName=f"oms-local-dlq-{function}")["QueueUrl"]
        return url

    def poll_once(self, wait_s: int = 0) -> int:
        """Receive and deliver what is pending; returns the number of events delivered."""
        sqs = _client("sqs", self.endpoint)
        n = 0
        for sub in self.subs:
            resp = sqs.receive_message(QueueUrl=sub.queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=wait_s,
                                       AttributeNames=["ApproximateReceiveCount"])
            for msg in resp.get("Messages", []):
                n += self._deliver(sqs, sub, msg)
        return n

    def _deliver(self, sqs: Any, sub: Subscription, msg: dict[str, Any]) -> int:
        body = json.loads(msg["Body"])
        if body.get("Event") == "s3:TestEvent" or not body.get("Records"):
            sqs.delete_message(QueueUrl=sub.queue_url, ReceiptHandle=msg["ReceiptHandle"])
            return 0
        event = {"Records": [complete_record(r) for r in body["Records"]]}
        attempt = int(msg.get("Attributes", {}).get("ApproximateReceiveCount", "1"))
        try:
            with self._lock:
                self.gateway.invoke_function(sub.function, event)
        except HandlerError as exc:
            self.failed += 1
            if attempt >= self.max_attempts:
                log.error("%s failed %d times on %s; event sent to its dead-letter queue: %s", sub.function,
                          attempt, [r["s3"]["object"]["key"] for r in event["Records"]], exc)
                sqs.send_message(QueueUrl=self.dead_letter_url(sub.function), MessageBody=json.dumps(
                    {"requestPayload": event, "responseContext": {"functionError": "Unhandled"},
                     "requestContext": {"condition": "RetriesExhausted", "approximateInvokeCount": attempt},
                     "responsePayload": {"errorMessage": str(exc)}}))
                sqs.delete_message(QueueUrl=sub.queue_url, ReceiptHandle=msg["ReceiptHandle"])
            else:
                log.warning("%s failed (attempt %d), retrying: %s", sub.function, attempt, exc)
                sqs.change_message_visibility(QueueUrl=sub.queue_url, ReceiptHandle=msg["ReceiptHandle"],
                                              VisibilityTimeout=0 if attempt == 1 else self.visibility_timeout)
            return 0
        sqs.delete_message(QueueUrl=sub.queue_url, ReceiptHandle=msg["ReceiptHandle"])
        self.delivered += 1
        return 1

