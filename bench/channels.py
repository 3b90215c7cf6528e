"""Naver order sync: what a pull costs per 1,000 changed orders (Naver calls by API, DynamoDB
requests, against the fewest calls Naver's page sizes allow and the time Naver's rate limit needs
for them), and what the push of a shipment costs (Naver calls per 1,000 shipments) — over real
HTTP against the Naver sandbox, on DynamoDB Local, the relay in process over the table's stream.

The seller's credentials are handed to the sync directly (deployed, they are one SSM read per
container every 5 minutes, not per pull)."""

from __future__ import annotations

import math
import os
import time
from collections import Counter
from typing import Any

from bench.common import RequestCounter, new_site, print_table, size

#: Naver's default token bucket per API and application (requests per second)
NAVER_RATE = 2.0


def _by_api(calls: list[tuple[str, str]]) -> Counter[str]:
    out: Counter[str] = Counter()
    for _, path in calls:
        if path.endswith("/oauth2/token"):
            out["token"] += 1
        elif path.endswith("/last-changed-statuses"):
            out["changes"] += 1
        elif path.endswith("/product-orders/query"):
            out["query"] += 1
        elif path.endswith("/dispatch"):
            out["dispatch"] += 1
        else:
            out["other"] += 1
    return out


def run() -> None:
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "ERROR")
    from oms.domain.channel_records import Credentials
    from oms.integrations.channels import naver_http
    from oms.services import channel_sync
    from oms.store import channels as channel_store
    from oms.store import checkout
    from oms.store.table import client
    from oms_local.naver_sandbox import DEV_CLIENT_ID, DEV_CLIENT_SECRET, NaverSandbox
    from oms_local.s3 import S3Local
    from tests.outbox_support import relay_stack
    from tests.shipping_support import admin

    n = size(1000, 20)
    shipments = size(100, 4)
    sandbox = NaverSandbox(rate_per_second=0).start()
    s3 = S3Local().start()
    creds = Credentials(DEV_CLIENT_ID, DEV_CLIENT_SECRET)
    real_credentials = channel_store.credentials
    channel_store.credentials = lambda site_id, name: creds  # type: ignore[assignment]
    env = {**sandbox.env(), "CHANNEL_PARAMETER_PATH": "/oms/channels", "AWS_ENDPOINT_URL_SQS": s3.endpoint}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    naver_http.clear_tokens()
    try:
        site = new_site()
        placed = []
        for i in range(n):  # one in five orders has two product orders
            items = None if i % 5 else [{"name": "린넨 셔츠"}, {"name": "버킷햇", "quantity": 1}]
            placed.append(sandbox.place(items)[0])
        channel_store.save_connection(site, "naver", {"enabled": True, "since": _first_change(sandbox),
                                                      "next_at": _first_change(sandbox)})
        rows = len(sandbox.change_rows())
        counter = RequestCounter().attach(client())
        before = len(sandbox.calls)
        with counter.measure() as c:
            t = time.perf_counter()
            pulls = 0
            while True:
                got = channel_sync.pull(site, "naver", force=True)
                pulls += 1
                if not got.more:
                    break
            pull_s = time.perf_counter() - t
        taken = sum(1 for oid in placed if checkout.existing_checkout(site, f"naver:{oid}"))
        assert taken == n, (taken, n)
        naver = _by_api(sandbox.calls[before:])
        ids = len({r["productOrderId"] for r in sandbox.change_rows()})
        fewest = 1 + math.ceil(rows / 300) + math.ceil(ids / 300)
        total = sum(naver.values())
        per = 1000 / n
        print_table(f"Pulling {n} changed Naver orders ({ids} product orders, {rows} change rows; "
                    f"Naver sandbox + DynamoDB Local)", [
                        "Naver calls", "by API", "fewest the page sizes allow", "ours / fewest", "per 1,000 orders",
                        f"seconds at Naver's {NAVER_RATE:g}/s per API", "pulls", "DynamoDB requests per order", "s"], [
            [total, dict(naver), fewest, f"{total / fewest:.2f}", f"{total * per:.0f}",
             f"{max(naver['changes'], naver['query']) / NAVER_RATE:.1f}", pulls, f"{sum(c.values()) / n:.1f}",
             f"{pull_s:.1f}"]])

        # the push: each order shipped here is one dispatch intent, delivered by the relay
        relay = relay_stack(s3.endpoint, os.environ["TABLE_NAME"], env=sandbox.env())
        relay.drain()
        ours = [checkout.existing_checkout(site, f"naver:{oid}") for oid in placed[:shipments]]
        before = len(sandbox.calls)
        for k, oid in enumerate(ours):
            detail = admin("GET", f"/admin/orders/{oid}", site)[1]
            lines = [li["line_id"] for li in detail["lines"]]
            for body in ({"moves": [{"line_id": lid, "to": "ready_to_ship"} for lid in lines]},
                         {"line_ids": lines, "courier": "CJ", "tracking_no": f"6400{k:08d}"},
                         {"moves": [{"line_id": lid, "to": "shipping"} for lid in lines]}):
                path = "tracking" if "courier" in body else "status"
                status, answer = admin("POST", f"/admin/orders/{oid}/{path}", site, body)
                assert status in (200, 201), answer
        t = time.perf_counter()
        relay.drain()
        push_s = time.perf_counter() - t
        pushed = _by_api(sandbox.calls[before:])
        delivering = sum(1 for p in sandbox.product_orders() if p["status"] == "DELIVERING")
        assert delivering >= shipments, delivering
        per = 1000 / shipments
        fewest_dispatch = math.ceil(delivering / 30)
        print_table(f"Pushing {shipments} shipments to Naver (one dispatch intent per order; claims read first)", [
            "Naver calls", "by API", "per 1,000 shipments", "dispatch calls per 1,000", "fewest (30 per call)",
            f"seconds at Naver's {NAVER_RATE:g}/s per API", "relay s"], [
            [sum(pushed.values()), dict(pushed), f"{sum(pushed.values()) * per:.0f}", f"{pushed['dispatch'] * per:.0f}",
             f"{math.ceil(fewest_dispatch * per)}", f"{max(pushed['dispatch'], pushed['query']) / NAVER_RATE:.1f}",
             f"{push_s:.1f}"]])
    finally:
        channel_store.credentials = real_credentials  # type: ignore[assignment]
        sandbox.stop()
        s3.stop()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _first_change(sandbox: Any) -> str:
    from datetime import timedelta

    from oms.domain.clock import iso, parse_iso

    first = min(parse_iso(str(r["lastChangedDate"])) for r in sandbox.change_rows())
    return iso(first - timedelta(seconds=1))
