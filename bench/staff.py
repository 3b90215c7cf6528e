"""Staff and personal data: what masking, the permission check and the access record add to a list
page, a detail and a reveal — DynamoDB requests by API, the site's owner (no staff read) as the
baseline, a staff member with the site's staff cached (warm container) and not (cold)."""

from __future__ import annotations

import os
import statistics
import time
from collections import Counter
from typing import Any

from bench.common import RequestCounter, new_site, print_table, size


def run(runs: int | None = None) -> None:
    runs = runs or size(20, 2)
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "ERROR")
    from admin_api.app import lambda_handler
    from oms.store import staff as staff_store
    from oms.store.table import client
    from tests.support import call, fund_points, http_event, order_payload

    site = new_site()
    fund_points(site, 10_000_000)
    oids = []
    for _ in range(20):
        status, body, _ = call(lambda_handler, http_event("POST", "/intake/orders", order_payload(site), iam=True))
        assert status == 201, body
        oids.append(str(body["order_id"]))
    staff_store.put_member(site, "cs-1", {"name": "이상담", "role_id": "cs", "enabled": True})
    owner = {"sub": "owner-1", "site_id": site, "role": "admin", "name": "김대표", "site_role": "owner"}
    cs = {"sub": "cs-1", "site_id": site, "role": "admin", "name": "이상담"}
    counter = RequestCounter().attach(client())
    table: dict[str, tuple[Counter[str], list[float]]] = {}

    def measure(name: str, who: dict[str, Any], method: str, path: str, body: Any = None, cold: bool = False) -> None:
        times: list[float] = []
        c: Counter[str] = Counter()
        for _ in range(runs):
            if cold:
                staff_store.forget(site)
            with counter.measure() as got:
                t = time.perf_counter()
                status, answer, _ = call(lambda_handler, http_event(method, path, body, claims=who))
                times.append(time.perf_counter() - t)
            assert status == 200, (name, status, answer)
            c = got
        table[name] = (c, times)

    detail = f"/admin/orders/{oids[0]}"
    measure("list page — owner (baseline)", owner, "GET", "/admin/orders")
    measure("list page — staff, warm", cs, "GET", "/admin/orders")
    measure("list page — staff, cold", cs, "GET", "/admin/orders", cold=True)
    measure("detail — owner (baseline)", owner, "GET", detail)
    measure("detail — staff, warm", cs, "GET", detail)
    measure("개인정보 보기 — staff, warm", cs, "POST", f"{detail}/personal", {})
    base = {"list": sum(table["list page — owner (baseline)"][0].values()),
            "detail": sum(table["detail — owner (baseline)"][0].values())}
    rows = []
    for name, (c, times) in table.items():
        kind = "list" if name.startswith("list") else "detail"
        total = sum(c.values())
        rows.append([name, total, dict(c), f"+{total - base[kind]}", f"{statistics.median(times) * 1000:.1f}"])
    print_table(f"What masking, the permission check and the access record add (DynamoDB Local, median of {runs})",
                ["call", "DynamoDB requests", "by API", "vs the owner's same call", "ms"], rows)
