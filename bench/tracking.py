"""Delivery tracking: what one courier event costs (DynamoDB requests by API and provider requests, per
provider style: a push carries the scan, a webhook callback is re-queried), a duplicate, the
registration by the relay's deliverer, and the provider requests 1,000 tracked parcels make per day
(registrations, webhook renewals, re-queries) from those measured counts."""

from __future__ import annotations

import os
import random
import statistics
import time
from collections import Counter
from typing import Any

from bench.common import RequestCounter, new_site, print_table, size

#: a parcel's life in the sandbox's normal script: picked up, in transit, out for delivery, delivered
EVENTS_PER_PARCEL = 4
#: days a parcel is tracked (Korean domestic parcels: delivered on day 1–2); a webhook lives 48 h and
#: is registered again 12 h before it runs out
DAYS_TRACKED = 2
RENEW_EVERY_H = 36


def run(runs: int | None = None) -> None:
    runs = runs or size(10, 1)
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "ERROR")
    from oms.domain import tracking as rules
    from oms.domain.outbox import Intent
    from oms.schemas.settings import SiteSettingsPatch, TrackingSettings
    from oms.services import relay
    from oms.services import tracking as svc
    from oms.store import orders, settings
    from oms.store.outbox import Record
    from oms.store.table import client
    from oms_local import tracking_sandbox as tsb
    from tests.shipping_support import admin, api_order
    from tests.support import fund_points
    from tests.tracking_support import post_in_process

    sandbox = tsb.TrackingSandbox(post=post_in_process).start()
    env = {**sandbox.env(), "TRACKING_CALLBACK_BASE": "https://api.bench.invalid/prod",
           "TRACKER_DELIVERY_CLIENT_ID": tsb.DEV_TRACKER_CLIENT_ID,
           "TRACKER_DELIVERY_CLIENT_SECRET": tsb.DEV_TRACKER_CLIENT_SECRET,
           "TRACKER_DELIVERY_WEBHOOK_SECRET": tsb.DEV_TRACKER_WEBHOOK_SECRET,
           "SWEETTRACKER_API_KEY": tsb.DEV_SWEET_API_KEY, "SWEETTRACKER_WEBHOOK_SECRET": tsb.DEV_SWEET_WEBHOOK_SECRET}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        counter = RequestCounter().attach(client())
        samples: dict[str, list[float]] = {}
        requests: dict[str, Counter[str]] = {}
        provider_calls: dict[str, int] = {}

        def measure(name: str, fn: Any) -> Any:
            calls = sandbox.api_calls
            with counter.measure() as c:
                t = time.perf_counter()
                out = fn()
                samples.setdefault(name, []).append(time.perf_counter() - t)
            requests[name] = c
            provider_calls[name] = sandbox.api_calls - calls
            return out

        for provider in ("sweettracker", "trackerdelivery"):
            site = new_site()
            fund_points(site, 10_000_000)  # the standard buyer uses points at checkout
            settings.update(site, SiteSettingsPatch(tracking=TrackingSettings(provider=provider)), "bench")
            svc.site_tracking(site)  # warm: a container reads a site's settings once a minute
            for _ in range(runs):
                oid = api_order(site)
                no = f"6{random.randint(10**10, 10**11 - 1)}"
                status, body = admin("POST", f"/admin/orders/{oid}/tracking", site,
                                     {"line_ids": ["L001", "L002"], "courier": "CJ", "tracking_no": no})
                assert status == 200, body
                rec = Record("", "", site, oid, None, "", [], [])
                intent = Intent("tracking_register", "tracking_register:SH001:1",
                                {"shipment_id": "SH001", "courier": "CJGLS", "tracking_no": no, "round": 1})
                measure(f"{provider}: registration (relay deliverer)",
                        lambda r=rec, i=intent: svc.deliver(relay.Delivery(r, i, 1, 5)))
                picked = measure(f"{provider}: picked up → 배송중 (applied)",
                                 lambda n=no: sandbox.scan(n, "picked_up"))
                assert picked[0]["body"]["result"] == "applied", picked
                at = sandbox.scans_of(no)[0].at
                dup = measure(f"{provider}: the same event again (duplicate)",
                              lambda n=no, a=at: sandbox.scan(n, "picked_up", at=a))
                assert dup[0]["body"]["result"] == "duplicate", dup
                measure(f"{provider}: delivered → 배송완료 (applied, clock stamped)",
                        lambda n=no: sandbox.scan(n, "delivered"))
                assert orders.load_order(site, oid)[0].line("L001").status.value == "delivered"
        rows = [[name, sum(requests[name].values()), dict(requests[name]), provider_calls[name],
                 f"{statistics.median(s) * 1000:.1f}"] for name, s in samples.items()]
        print_table(f"Requests per courier event (DynamoDB Local + tracking sandbox, median of {runs})",
                    ["operation", "DynamoDB requests", "by API", "provider calls", "ms"], rows)

        per_day = []
        for provider in ("sweettracker", "trackerdelivery"):
            reg = provider_calls[f"{provider}: registration (relay deliverer)"]
            event = provider_calls[f"{provider}: picked up → 배송중 (applied)"]
            renewals = (DAYS_TRACKED * 24) // RENEW_EVERY_H if provider == "trackerdelivery" else 0
            per_parcel = reg * (1 + renewals) + event * EVENTS_PER_PARCEL
            per_day.append([provider, reg, renewals, event, round(1000 * per_parcel / DAYS_TRACKED)])
        print_table(f"Provider requests per 1,000 tracked parcels per day ({EVENTS_PER_PARCEL} events, "
                    f"{DAYS_TRACKED} days tracked)",
                    ["provider", "per registration", "renewals per parcel", "per event", "requests per day"],
                    per_day)
        assert rules.MAX_SCANS > EVENTS_PER_PARCEL
        polling()
    finally:
        sandbox.stop()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def polling() -> None:
    """The polling fallback's schedule (``oms.domain.tracking_poll``) for typical parcel lives, from
    registration at 10:00 KST: polls per parcel, and per 1,000 parcels a day while they are tracked."""
    from oms.domain.tracking_poll import polls_per_day

    start = "2026-03-02T01:00:00.000000Z"  # 10:00 KST
    lives = {
        "picked up after 4 h, delivered next day": [(4.0, "picked_up"), (8.0, "in_transit"),
                                                    (24.0, "out_for_delivery"), (28.0, "delivered")],
        "picked up after 1 day, delivered on day 3": [(24.0, "picked_up"), (30.0, "in_transit"),
                                                      (50.0, "out_for_delivery"), (54.0, "delivered")],
        "never scanned (given up after 15 days)": [],
    }
    rows = []
    for name, life in lives.items():
        days = polls_per_day(life, start)
        tracked = max(1, len([d for d in days if d]))
        rows.append([name, sum(days), tracked, round(1000 * sum(days) / tracked)])
    print_table("Polling fallback: provider requests per parcel and per 1,000 parcels a day",
                ["parcel", "polls in total", "days polled", "requests per day per 1,000 parcels"], rows)
