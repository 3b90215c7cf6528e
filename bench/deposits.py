"""Bank deposits matched automatically: what one poll of one account costs (provider calls and
DynamoDB requests by API) when it is not due, when the feed has no new rows, with one new deposit
matched to an order, with one left unmatched, and the same rows read again — over real HTTP against
the bank sandbox (per-account query style), on DynamoDB Local."""

from __future__ import annotations

import os
import statistics
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.common import RequestCounter, new_site, print_table, size

READS = ("GetItem", "Query", "BatchGetItem")


def run(runs: int | None = None) -> None:
    runs = runs or size(10, 1)
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "ERROR")
    from oms.domain.clock import iso
    from oms.integrations.banking import Account
    from oms.services import deposit_collection as collection
    from oms.store.table import client
    from oms_local import bank_sandbox as bsb
    from tests.integration.test_deposit_collection import transfer_order

    sandbox = bsb.BankSandbox(limit_seconds=0).start()
    env = {**sandbox.env(), "BANKDA_API_TOKEN": bsb.DEV_BANKDA_TOKEN}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        counter = RequestCounter().attach(client())
        samples: dict[str, list[float]] = {}
        requests: dict[str, Counter[str]] = {}
        calls: dict[str, int] = {}
        account = Account(bsb.DEMO_ACCOUNT, bsb.DEMO_BANK)

        def measure(name: str, site: str, now: datetime) -> Any:
            before = len(sandbox.calls)
            with counter.measure() as c:
                t = time.perf_counter()
                out = collection.collect_account(site, account, provider="bankda", now=iso(now))
                samples.setdefault(name, []).append(time.perf_counter() - t)
            requests[name] = c
            calls[name] = len(sandbox.calls) - before
            return out

        for _ in range(runs):
            sandbox.reset()
            sandbox.limit_seconds = 0
            site = new_site()
            now = datetime.now(UTC)
            step = timedelta(seconds=301)
            measure("first read, no rows", site, now)
            measure("not due (within the provider's 5 minutes)", site, now + timedelta(seconds=10))
            measure("no new rows", site, now + step)
            oid = transfer_order(site, "홍길동", 38000)
            sandbox.deposit("홍 길동", 38000)
            got = measure("one new deposit, matched (order confirmed)", site, now + 2 * step)
            assert got.confirmed, got
            sandbox.deposit("모르는사람", 12345)
            got = measure("one new deposit, unmatched (미확인 입금)", site, now + 3 * step)
            assert got.unmatched == 1, got
            sandbox.feed({"repeat": True, "reorder": True})
            got = measure("the same rows again (repeated, reordered)", site, now + 4 * step)
            assert got.new == 0 and oid
            sandbox.feed({"repeat": False, "reorder": False})
        rows = []
        for name, s in samples.items():
            c = requests[name]
            reads = sum(v for k, v in c.items() if k in READS)
            rows.append([name, calls[name], sum(c.values()), reads, sum(c.values()) - reads, dict(c),
                         f"{statistics.median(s) * 1000:.1f}"])
        print_table(f"Requests per polled account (DynamoDB Local + bank sandbox, median of {runs})",
                    ["poll", "provider calls", "DynamoDB requests", "DynamoDB reads", "DynamoDB writes", "by API",
                     "ms"], rows)
    finally:
        sandbox.stop()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
