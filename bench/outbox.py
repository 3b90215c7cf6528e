"""The outbox: what it adds to a change (requests, items and bytes of the transaction), and how fast
the relay delivers from DynamoDB Local's stream (records/s and SMS intents/s through the sandbox)
against the time the changes took to commit."""

from __future__ import annotations

import os
import random
import time
from typing import Any

from bench.common import RequestCounter, new_site, print_table, size


class TransactionShape:
    """Items and bytes of each TransactWriteItems (a before-call hook), and whether one carries intents."""

    def __init__(self) -> None:
        self.last: dict[str, Any] = {}

    def attach(self, client: Any) -> TransactionShape:
        client.meta.events.register("provide-client-params.dynamodb.TransactWriteItems", self._hook)
        return self

    def _hook(self, params: dict[str, Any], **_: Any) -> None:
        import json

        items = params.get("TransactItems", [])
        timeline = [i["Put"]["Item"] for i in items
                    if "Put" in i and i["Put"]["Item"].get("type", {}).get("S") == "events"]
        extra = sum(len(json.dumps({k: v for k, v in t.items() if k in ("intents", "delivered")})) for t in timeline)
        self.last = {"items": len(items), "outbox_bytes": extra, "with_intents": any("intents" in t for t in timeline)}


def run() -> None:
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "ERROR")
    from oms.domain.moves import Move, apply_moves
    from oms.domain.order import Actor
    from oms.domain.statuses import Status
    from oms.schemas.messages import MessageIn
    from oms.services import message_senders, messages
    from oms.services import orders as order_service
    from oms.store.table import client
    from oms_local.parameters import bootstrap_local
    from oms_local.s3 import S3Local
    from oms_local.sms_sandbox import SmsSandbox
    from tests.outbox_support import relay_stack
    from tests.shipping_support import api_order
    from tests.support import fund_points

    admin = Actor("admin", "bench", "관리자")
    n = size(200, 6)
    s3 = S3Local().start()
    sandbox = SmsSandbox().start()
    saved = {k: os.environ.get(k) for k in (*sandbox.env(), "AWS_ENDPOINT_URL_SQS", "AWS_ENDPOINT_URL_SSM")}
    os.environ.update({**sandbox.env(), "AWS_ENDPOINT_URL_SQS": s3.endpoint, "AWS_ENDPOINT_URL_SSM": s3.endpoint})
    try:
        site = new_site()
        fund_points(site, 100_000_000)
        ids = [api_order(site, ready=False) for _ in range(n)]
        relay = relay_stack(s3.endpoint, os.environ["TABLE_NAME"], env={"POWERTOOLS_METRICS_DISABLED": "true"})
        bootstrap_local(s3.endpoint, relay.gateway.template, relay.gateway.resolver.parameters)
        relay.gateway.env_overrides["AWS_ENDPOINT_URL_SSM"] = s3.endpoint
        relay.drain()  # the intakes' records: not measured

        # 1. what the outbox adds to one status change
        counter, shape = RequestCounter().attach(client()), TransactionShape().attach(client())
        with counter.measure() as c:
            order_service.run_change(site, ids[0], admin, lambda o, at: apply_moves(
                o, [Move("L001", Status.READY_TO_SHIP, 1)], admin, at), action="status_change")
        change_shape = dict(shape.last)
        number = f"02{random.randint(10_000_000, 99_999_999)}"
        message_senders.register_sender(site, number, None, admin)
        sandbox.verify(number)
        message_senders.choose_default(site, number, admin)
        with counter.measure() as m:
            messages.send(site, ids[0], MessageIn(text="주문 감사합니다"), admin)
        send_shape = dict(shape.last)
        print_table("What the outbox adds to a change (its intents ride on the timeline item every change writes: "
                    "no item, no read added)", [
            "change", "DynamoDB requests", "by API", "items in its transaction", "outbox bytes on the timeline item"], [
            ["status change (no intent)", sum(c.values()), dict(c), change_shape["items"],
             change_shape["outbox_bytes"]],
            ["buyer message (1 sms intent)", sum(m.values()), dict(m), send_shape["items"], send_shape["outbox_bytes"]],
        ])
        relay.drain()

        # 2. relay throughput: n status changes (records without intents), then n SMS sends
        def until(done: Any) -> int:
            """Poll the stream (and the retry queue) until ``done()``; answers the records delivered."""
            before, deadline = relay.stream.delivered, time.monotonic() + 300
            while not done():
                if time.monotonic() > deadline:
                    raise TimeoutError("the relay did not deliver the bench's records")
                relay.stream.poll_once(0)
                relay.queues.poll_once(0)
            return relay.stream.delivered - before

        start_records = relay.stream.delivered
        t = time.perf_counter()
        for oid in ids:
            order_service.run_change(site, oid, admin, lambda o, at: apply_moves(
                o, [Move("L002", Status.READY_TO_SHIP, 1)], admin, at), action="status_change")
        commit_s = time.perf_counter() - t
        t = time.perf_counter()
        records = until(lambda: relay.stream.delivered - start_records >= n)
        relay_s = time.perf_counter() - t
        before = len(sandbox.list_messages(site))
        t = time.perf_counter()
        for oid in ids:
            messages.send(site, oid, MessageIn(text="배송 준비 중입니다"), admin)
        send_s = time.perf_counter() - t
        t = time.perf_counter()
        until(lambda: len(sandbox.list_messages(site)) - before >= n
              and relay.stream.delivered - start_records >= 3 * n)  # status changes, sends, their results
        deliver_s = time.perf_counter() - t
        sent = len(sandbox.list_messages(site)) - before
        assert sent == n, (sent, n)
        print_table(f"Relay throughput on DynamoDB Local (in-process, one invocation at a time, {n} changes)", [
            "records", "committing them (s)", "relaying them (s)", "per second", "relay / commit"], [
            [f"{records} status changes (nothing to deliver)", f"{commit_s:.2f}", f"{relay_s:.2f}",
             f"{records / relay_s:.0f}", f"{relay_s / commit_s:.2f}"],
            [f"{n} buyer messages (SMS sandbox, result recorded)", f"{send_s:.2f}", f"{deliver_s:.2f}",
             f"{sent / deliver_s:.0f}", f"{deliver_s / send_s:.2f}"],
        ])
    finally:
        sandbox.stop()
        s3.stop()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
