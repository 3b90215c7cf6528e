"""Order lifecycle core: DynamoDB requests per operation (cold imports: bench.coldstart)."""

from __future__ import annotations

import uuid
from typing import Any

from bench.common import RequestCounter, new_site, print_table, size


def requests_per_operation() -> None:
    from admin_api.app import lambda_handler
    from oms.store.table import client
    from tests.support import call, fund_points, http_event, order_payload

    counter = RequestCounter().attach(client())
    site = new_site()
    fund_points(site, 10_000_000)  # the standard buyer uses points at checkout (debited at intake)

    def post(path: str, body: Any, **kw: Any) -> Any:
        status, out, _ = call(lambda_handler, http_event("POST", path, body, **kw))
        assert status < 300, (status, out)
        return out

    bulk = size(50, 3)
    ids = [post("/intake/orders", order_payload(site), iam=True)["order_id"] for _ in range(bulk + 1)]
    rows = []
    with counter.measure() as c:
        post("/intake/orders", order_payload(site, checkout_id=uuid.uuid4().hex), iam=True)
    rows.append(["intake (create order, answer with detail)", sum(c.values()), dict(c)])
    with counter.measure() as c:
        call(lambda_handler, http_event("GET", f"/admin/orders/{ids[0]}", site_id=site))
    rows.append(["order detail", sum(c.values()), dict(c)])
    with counter.measure() as c:
        post(f"/admin/orders/{ids[0]}/status", {"moves": [{"line_id": "L001", "to": "ready_to_ship",
                                                           "quantity": 1}]}, site_id=site)
    rows.append(["one status change (+ detail in the answer)", sum(c.values()), dict(c)])
    with counter.measure() as c:
        out = post("/admin/orders/bulk/status", {"order_ids": ids[1:], "to": "ready_to_ship"}, site_id=site)
    assert out["done"] == bulk, out
    rows.append([f"bulk change of {bulk} orders", sum(c.values()), dict(c)])
    with counter.measure() as c:
        call(lambda_handler, http_event("GET", "/admin/orders", site_id=site, query={"limit": 20}))
    rows.append(["list page (20 rows, tab counts)", sum(c.values()), dict(c)])
    with counter.measure() as c:
        call(lambda_handler, http_event("GET", "/admin/orders", site_id=site,
                                        query={"limit": 20, "tab": "ready_to_ship", "payment_method": "card"}))
    rows.append(["list page, tab + filter", sum(c.values()), dict(c)])
    with counter.measure() as c:
        call(lambda_handler, http_event("GET", "/admin/orders", site_id=site,
                                        query={"buyer_phone": "01012345678", "limit": 20}))
    rows.append(["lookup by buyer phone", sum(c.values()), dict(c)])
    print_table("DynamoDB requests per operation (botocore before-call hook, DynamoDB Local)",
                ["operation", "requests", "by API"], rows)
