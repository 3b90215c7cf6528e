"""Payments: what one PG callback costs, by kind, against a manual deposit confirmation."""

from __future__ import annotations

import statistics
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from bench.common import RequestCounter, new_site, print_table, size


def callbacks(runs: int | None = None) -> None:
    import os

    runs = runs or size(15, 1)
    burst = size(100, 5)

    # keep the printed tables readable: no EMF lines or warnings of the handler on stdout
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "ERROR")
    from oms.domain.order import Actor
    from oms.services import payments
    from oms.store.table import client
    from oms_local.pg_sandbox import PgSandbox
    from tests.integration.payments_support import deliver, va_order

    sandbox = PgSandbox(port=0).start()  # served: a deposit callback is confirmed by a PG look-up
    os.environ.update(sandbox.env())
    counter = RequestCounter().attach(client())
    site = new_site()
    admin = Actor("admin", "bench", "관리자")
    samples: dict[str, list[float]] = {}
    requests: dict[str, Counter[str]] = {}

    def measure(name: str, fn: Any) -> None:
        with counter.measure() as c:
            t = time.perf_counter()
            fn()
            samples.setdefault(name, []).append(time.perf_counter() - t)
        requests[name] = c

    for _ in range(runs):
        order_id, payment_id, _ = va_order(sandbox, site)
        measure("manual deposit confirmation (baseline)",
                lambda o=order_id, p=payment_id: payments.confirm_manual_deposit(site, o, p, admin))
        _, _, pg = va_order(sandbox, site)
        genuine = sandbox.callback("toss", sandbox.deposited(pg), status="DONE")
        measure("genuine deposit callback (applied)", lambda g=genuine: deliver("toss", *g))
        measure("same callback again (idempotent replay)", lambda g=genuine: deliver("toss", *g))
        forged = sandbox.callback("toss", pg, "forged", status="DONE")
        measure("forged callback (401)", lambda f=forged: deliver("toss", *f))

    base = statistics.median(samples["manual deposit confirmation (baseline)"])
    rows = [[name, sum(requests[name].values()), dict(requests[name]), f"{statistics.median(s) / base:.2f}"]
            for name, s in samples.items()]
    print_table(f"One PG callback vs a manual deposit (DynamoDB Local, median of {runs})",
                ["operation", "requests", "by API", "time ratio"], rows)

    _, _, pg = va_order(sandbox, site)
    same = sandbox.callback("toss", sandbox.deposited(pg), status="DONE")
    with counter.measure() as c, ThreadPoolExecutor(max_workers=burst) as pool:
        answers = Counter(status for status, _ in pool.map(lambda _: deliver("toss", *same), range(burst)))
    print_table(f"{burst} identical deposit callbacks at once (threads, one handler)",
                ["answers", "DynamoDB requests in total", "TransactWriteItems"],
                [[dict(answers), sum(c.values()), c.get("TransactWriteItems", 0)]])
    sandbox.stop()
