"""Buyer messages: what one send costs (the request that commits it, and its delivery by the relay's
deliverer: DynamoDB requests by API, time against a memo), and 20 resends of one failed message at
once (how many reach the provider)."""

from __future__ import annotations

import os
import random
import statistics
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from bench.common import RequestCounter, new_site, print_table, size


def sends(runs: int | None = None) -> None:
    runs = runs or size(15, 1)
    resends = size(20, 3)
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "ERROR")
    from oms.domain import outbox
    from oms.domain.errors import DomainError
    from oms.domain.order import Actor
    from oms.schemas.messages import MessageIn
    from oms.services import message_senders, messages, relay
    from oms.services import orders as order_service
    from oms.store.outbox import Record
    from oms.store.table import client
    from oms_local.sms_sandbox import SmsSandbox
    from tests.shipping_support import api_order
    from tests.support import fund_points

    sandbox = SmsSandbox().start()
    saved = {k: os.environ.get(k) for k in sandbox.env()}
    os.environ.update(sandbox.env())
    try:
        counter = RequestCounter().attach(client())
        site = new_site()
        fund_points(site, 10_000_000)  # the standard buyer uses points at checkout (debited at intake)
        admin = Actor("admin", "bench", "관리자")
        number = f"02{random.randint(10_000_000, 99_999_999)}"
        message_senders.register_sender(site, number, None, admin)
        sandbox.verify(number)
        message_senders.choose_default(site, number, admin)
        samples: dict[str, list[float]] = {}
        requests: dict[str, Counter[str]] = {}

        def measure(name: str, fn: Any) -> Any:
            with counter.measure() as c:
                t = time.perf_counter()
                out = fn()
                samples.setdefault(name, []).append(time.perf_counter() - t)
            requests[name] = c
            return out

        def deliver(oid: str, message_id: str, attempt: int = 1) -> dict[str, Any]:
            """The relay's deliverer for the message's intent (the provider call and its record)."""
            rec = Record("", "", site, oid, None, "", [], [])
            return messages.deliver(relay.Delivery(rec, outbox.sms(message_id, attempt), 1, 5))

        body = MessageIn(text="[데모샵] #{주문번호} #{상품명} 주문 감사합니다.")
        for _ in range(runs):
            oid = api_order(site, ready=False)
            measure("memo (baseline)", lambda o=oid: order_service.memo(site, o, "입금 확인", admin))
            measure("preview", lambda o=oid: messages.preview(site, o, body))
            msg, _ = measure("send (commits, answers sending)", lambda o=oid: messages.send(site, o, body, admin))
            measure("delivery by the relay (SMS accepted, recorded)",
                    lambda o=oid, m=msg: deliver(o, m["message_id"]))
            replay = MessageIn(text=body.text, message_id=msg["message_id"])
            measure("same message_id again", lambda o=oid, r=replay: messages.send(site, o, r, admin))

        base = statistics.median(samples["memo (baseline)"])
        rows = [[name, sum(requests[name].values()), dict(requests[name]), f"{statistics.median(s) / base:.2f}"]
                for name, s in samples.items()]
        print_table(f"One buyer message vs a memo (DynamoDB Local + SMS sandbox, median of {runs})",
                    ["operation", "DynamoDB requests", "by API", "time ratio"], rows)

        oid = api_order(site, ready=False)
        sandbox.fail_next("-2312")
        failed, _ = messages.send(site, oid, body, admin)
        deliver(oid, failed["message_id"])
        before = len(sandbox.list_messages(site))

        def resend(_: int) -> str:
            try:
                return str(messages.resend(site, oid, failed["message_id"], admin)["status"])
            except DomainError as exc:
                return exc.code

        with ThreadPoolExecutor(max_workers=resends) as pool:
            answers = Counter(pool.map(resend, range(resends)))
        for attempt in (2, 3):  # the claimed attempt is delivered (any other attempt finds nothing to send)
            deliver(oid, failed["message_id"], attempt)
        print_table(f"{resends} resends of one failed message at once (threads)",
                    ["answers", "messages that reached the provider"],
                    [[dict(answers), len(sandbox.list_messages(site)) - before]])
    finally:
        sandbox.stop()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
