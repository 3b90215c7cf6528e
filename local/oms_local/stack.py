"""The local stack above storage: the API gateway (with the admin console), the PG, SMS, 알림톡,
tracking and webhook receiver sandboxes, the order events bus, S3 and SQS event delivery and the scheduler, on
DynamoDB and S3 endpoints that already run.

``make run`` (:mod:`oms_local.run`) starts it over its persistent DynamoDB Local and S3 emulator;
the browser tests start it over the test session's in-memory ones, on free ports. One composition,
so what the console is tested against is what a new user runs.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from oms_local.containers import DEFAULT_CONCURRENCY


class ListenError(RuntimeError):
    """A server of the stack cannot listen on its port (the message names which and where)."""


@dataclass
class Stack:
    template: Path
    table: str
    s3_endpoint: str
    host: str = "127.0.0.1"
    #: 0: a free port (tests, several stacks at once); ``make run`` passes its fixed ports
    #: (3000 the gateway, 3100 PG, 3200 SMS, 3300 webhook receiver, 3400 알림톡, 3500 tracking, 3600 bank,
    #: 3700 Naver)
    port: int = 0
    pg_port: int = 0
    sms_port: int = 0
    webhook_port: int = 0
    alimtalk_port: int = 0
    tracking_port: int = 0
    bank_port: int = 0
    naver_port: int = 0
    concurrency: int = DEFAULT_CONCURRENCY
    schedules: bool = True
    pg_cancel_callback_delay: float = 0.3
    gateway_env: Mapping[str, str] = field(default_factory=dict)
    #: DynamoDB Local's endpoint (the outbox stream); default: the process's AWS_ENDPOINT_URL_DYNAMODB
    ddb_endpoint: str = ""
    #: where the stream mapping keeps its positions across restarts (``make run``); None: from now on
    stream_checkpoints: Path | None = None

    def __post_init__(self) -> None:
        from oms_local.alimtalk_sandbox import AlimtalkSandbox
        from oms_local.bank_sandbox import BankSandbox
        from oms_local.gateway import Gateway
        from oms_local.naver_sandbox import NaverSandbox
        from oms_local.pg_sandbox import PgSandbox
        from oms_local.sms_sandbox import SmsSandbox
        from oms_local.tracking_sandbox import TrackingSandbox
        from oms_local.webhook_sandbox import WebhookSandbox

        self.cleanups: list[tuple[str, Callable[[], None]]] = []
        self.pg = PgSandbox(host=self.host, port=self.pg_port, cancel_callback_delay=self.pg_cancel_callback_delay)
        self.sms = SmsSandbox(host=self.host, port=self.sms_port)
        self.webhooks = WebhookSandbox(host=self.host, port=self.webhook_port)
        self.alimtalk = AlimtalkSandbox(host=self.host, port=self.alimtalk_port)
        self.tracking = TrackingSandbox(host=self.host, port=self.tracking_port)
        self.bank = BankSandbox(host=self.host, port=self.bank_port)
        self.naver = NaverSandbox(host=self.host, port=self.naver_port)
        # Parsed now: a broken template fails before anything starts. The functions get endpoints
        # only (the sandboxes' URLs); their secrets are SSM parameters put at start (oms_local.parameters).
        self.gateway = Gateway(self.template, table_name=self.table, host=self.host, port=self.port,
                               env={**self.pg.env(), **self.sms.env(), **self.alimtalk.env(), **self.tracking.env(),
                                    **self.bank.env(), **self.naver.env(), **self.gateway_env},
                               concurrency=self.concurrency,
                               # the webhook receiver sandbox is plain http on loopback
                               parameters={"WebhookInsecureHosts": "127.0.0.1,localhost"})
        self.s3_subscriptions: list[str] = []
        self.sqs_mappings: list[str] = []
        self.schedule_list: list[str] = []
        self.stream_mappings: list[str] = []
        self.stream_events: Any = None
        self.event_buses: list[str] = []

    def _listen(self, what: str, port: int, start: Callable[[], object]) -> None:
        try:
            start()
        except OSError as exc:
            raise ListenError(f"{what} cannot listen on {self.host}:{port}: {exc}") from exc

    def start(self) -> Stack:
        """Start everything (sandboxes first, so a free port chosen for them reaches the functions)."""
        from oms_local.event_buses import EventBuses
        from oms_local.parameters import bootstrap_local
        from oms_local.s3_events import S3Events
        from oms_local.scheduler import Scheduler
        from oms_local.sqs_events import SqsEvents
        from oms_local.stream_events import StreamEvents

        # the parameter store: moto's server (the S3 emulator) speaks SSM too
        bootstrap_local(self.s3_endpoint, self.gateway.template, self.gateway.resolver.parameters)
        self.gateway.env_overrides["AWS_ENDPOINT_URL_SSM"] = self.s3_endpoint
        self._listen("the PG sandbox", self.pg_port, self.pg.start)
        self.cleanups.append(("PG sandbox", self.pg.stop))
        self._listen("the SMS sandbox", self.sms_port, self.sms.start)
        self.cleanups.append(("SMS sandbox", self.sms.stop))
        self._listen("the webhook receiver sandbox", self.webhook_port, self.webhooks.start)
        self.cleanups.append(("webhook receiver sandbox", self.webhooks.stop))
        self._listen("the 알림톡 sandbox", self.alimtalk_port, self.alimtalk.start)
        self.cleanups.append(("알림톡 sandbox", self.alimtalk.stop))
        self._listen("the tracking sandbox", self.tracking_port, self.tracking.start)
        self.cleanups.append(("tracking sandbox", self.tracking.stop))
        self._listen("the bank sandbox", self.bank_port, self.bank.start)
        self.cleanups.append(("bank sandbox", self.bank.stop))
        self._listen("the Naver sandbox", self.naver_port, self.naver.start)
        self.cleanups.append(("Naver sandbox", self.naver.stop))
        self.gateway.env_overrides.update({**self.pg.env(), **self.sms.env(), **self.alimtalk.env(),
                                           **self.tracking.env(), **self.bank.env(), **self.naver.env()})
        self._listen("the API gateway", self.port, self.gateway.start)
        self.cleanups.append(("API gateway", self.gateway.stop))
        self.pg.gateway_url = self.gateway.url
        self.tracking.gateway_url = self.gateway.url
        if self.schedules:
            scheduler = Scheduler(self.gateway).start()
            self.cleanups.append(("scheduler", scheduler.stop))
            self.schedule_list = [f"{s.function} {s.expression}" for s in scheduler.schedules]
        s3_events = S3Events(self.gateway, self.s3_endpoint)
        self.s3_subscriptions = [f"{s.bucket} -> {s.function}" for s in s3_events.configure()]
        s3_events.start()
        self.cleanups.append(("S3 event delivery", s3_events.stop))
        sqs_events = SqsEvents(self.gateway, self.s3_endpoint)  # moto's server serves SQS too
        self.sqs_mappings = [f"{m.queue} -> {m.function}" for m in sqs_events.configure()]
        # the functions reach this stack's S3 and queues, whatever the calling process points at
        self.gateway.env_overrides.update({"AWS_ENDPOINT_URL_S3": self.s3_endpoint,
                                           "AWS_ENDPOINT_URL_SQS": self.s3_endpoint})
        sqs_events.start()
        self.cleanups.append(("SQS event delivery", sqs_events.stop))
        buses = EventBuses(self.gateway, self.s3_endpoint)  # and EventBridge
        self.event_buses = [*buses.configure(), *self._tap(buses)]
        stream_events = StreamEvents(self.gateway, self.ddb_endpoint or os.environ["AWS_ENDPOINT_URL_DYNAMODB"],
                                     self.table, queue_urls=sqs_events.urls, sqs_endpoint=self.s3_endpoint,
                                     checkpoints=self.stream_checkpoints)
        self.stream_mappings = [f"{self.table} stream -> {m.function}" for m in stream_events.configure()]
        stream_events.start()
        self.stream_events = stream_events
        self.cleanups.append(("DynamoDB stream delivery", stream_events.stop))
        return self

    @staticmethod
    def _tap(buses: Any) -> list[str]:
        """A subscriber on the order events bus: a queue to read them from (``aws sqs receive-message``)."""
        if "OrderEventsBus" not in buses.names:
            return []
        name = "oms-local-order-events-tap"
        buses.tap("OrderEventsBus", name)
        return [f"(rule {name} -> SQS queue {name})"]

    def stop(self, report: Callable[[str, Exception | None], None] | None = None) -> None:
        """Stop in reverse order; ``report(name, error)`` hears about each one."""
        for name, fn in reversed(self.cleanups):
            try:
                fn()
            except Exception as exc:  # keep stopping the rest
                if report:
                    report(name, exc)
                continue
            if report:
                report(name, None)
        self.cleanups.clear()
