"""The EventBridge buses of ``template.yaml`` on the local stack (moto's server, the one that serves
S3 and SQS, speaks EventBridge too).

:meth:`EventBuses.configure` creates every ``AWS::Events::EventBus`` under its local name (the
template's ``Name`` with the stack name ``oms-local``) and points the functions' EventBridge
endpoint at the emulator. A subscriber is a rule on the bus with an SQS queue as its target, as in
AWS: :meth:`EventBuses.tap` makes one (tests read what the bus delivered with :func:`received`),
and the local stack keeps one, ``oms-local-order-events-tap``, to look at with any SQS client.
"""

from __future__ import annotations

import json
import os
from typing import Any

from oms_local import LOCAL_ENV
from oms_local.gateway import Gateway
from oms_local.iam import ExemptClient
from oms_local.intrinsics import event_bus_name


def _client(service: str, endpoint: str) -> Any:
    import boto3

    return ExemptClient(boto3.client(  # type: ignore[call-overload]  # the stack's own setup, not a function's call
        service, endpoint_url=endpoint, region_name=LOCAL_ENV["AWS_REGION"],
        aws_access_key_id=LOCAL_ENV["AWS_ACCESS_KEY_ID"], aws_secret_access_key=LOCAL_ENV["AWS_SECRET_ACCESS_KEY"]))


class EventBuses:
    def __init__(self, gateway: Gateway, endpoint: str) -> None:
        self.gateway = gateway
        self.endpoint = endpoint
        self.names: dict[str, str] = {}  # logical id -> bus name

    def configure(self) -> list[str]:
        """Create the template's buses (idempotent); answers their names."""
        events = _client("events", self.endpoint)
        for logical_id, res in (self.gateway.template.get("Resources") or {}).items():
            if res.get("Type") != "AWS::Events::EventBus":
                continue
            name = event_bus_name(self.gateway.resolver, logical_id)
            try:
                events.create_event_bus(Name=name)
            except events.exceptions.ResourceAlreadyExistsException:
                pass
            self.names[logical_id] = name
        os.environ["AWS_ENDPOINT_URL_EVENTBRIDGE"] = self.endpoint
        self.gateway.env_overrides["AWS_ENDPOINT_URL_EVENTBRIDGE"] = self.endpoint
        return sorted(self.names.values())

    def tap(self, logical_id: str, queue_name: str, pattern: dict[str, Any] | None = None) -> str:
        """A rule on the bus sending what matches ``pattern`` (default: every order event) to a new,
        empty SQS queue; answers the queue's URL."""
        sqs, events = _client("sqs", self.endpoint), _client("events", self.endpoint)
        url = str(sqs.create_queue(QueueName=queue_name)["QueueUrl"])
        received(self.endpoint, url, wait_s=0)  # a reused queue starts empty
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        bus = self.names[logical_id]
        events.put_rule(Name=queue_name, EventBusName=bus,
                        EventPattern=json.dumps(pattern or {"source": ["oms.orders"]}))
        events.put_targets(Rule=queue_name, EventBusName=bus, Targets=[{"Id": "queue", "Arn": arn}])
        return url


def received(endpoint: str, queue_url: str, wait_s: int = 1) -> list[dict[str, Any]]:
    """Every event the queue holds (EventBridge's JSON: ``source``, ``detail-type``, ``detail`` …), deleted."""
    sqs = _client("sqs", endpoint)
    out: list[dict[str, Any]] = []
    while True:
        got = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=wait_s)
        messages = got.get("Messages", [])
        if not messages:
            return out
        for m in messages:
            out.append(json.loads(m["Body"]))
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=m["ReceiptHandle"])
        wait_s = 0
