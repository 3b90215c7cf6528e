"""The largest order: a 500-line order (50 units a line) against a 2-line order in the same run —
DynamoDB requests, transaction actions and wall time per operation, and the bytes of its items."""

from __future__ import annotations

import json
import time
from typing import Any

from bench.common import RequestCounter, new_site, print_table, size


def _actions_hook(sizes: list[int]) -> Any:
    def hook(params: dict[str, Any], model: Any, **_: Any) -> None:
        if model.name == "TransactWriteItems":
            sizes.append(len(params["TransactItems"]))
    return hook


def run() -> None:
    from admin_api.app import lambda_handler
    from oms.store import keys
    from oms.store.table import client, query_all
    from tests.support import call, http_event, order_payload

    counter = RequestCounter().attach(client())
    actions: list[int] = []
    hook = _actions_hook(actions)
    client().meta.events.register("before-parameter-build.dynamodb", hook)
    site = new_site()

    def payload(lines: int) -> dict[str, Any]:
        body = order_payload(site)
        body["lines"] = [{"product_code": f"P{i:04d}", "product_name": f"대량 상품 {i}", "quantity": 50,
                          "unit_price": 1000} for i in range(lines)]
        body.update(coupon_discount=0, points_used=0)
        body["payment"] = {"method": "card", "provider": "toss", "amount": lines * 50 * 1000 + 3000}
        return body

    def op(label: str, fn: Any) -> tuple[Any, list[Any]]:
        actions.clear()
        with counter.measure() as c:
            t = time.perf_counter()
            out = fn()
            ms = (time.perf_counter() - t) * 1000
        return out, [label, sum(c.values()), dict(c), max(actions, default=0), ms]

    rows: list[list[Any]] = []
    base_ms: dict[str, float] = {}
    largest = size(500, 20)
    for lines in (2, largest):
        out, row = op(f"intake, {lines} lines", lambda n=lines: call(lambda_handler, http_event(
            "POST", "/intake/orders", payload(n), iam=True))[1])
        oid = out["order_id"]
        rows.append(row)
        _, row3 = op(f"split 1 unit off a line, {lines} lines", lambda o=oid: call(lambda_handler, http_event(
            "POST", f"/admin/orders/{o}/status",
            {"moves": [{"line_id": "L001", "to": "ready_to_ship", "quantity": 1}]}, site_id=site)))
        rows.append(row3)
        moves = [{"line_id": f"L{i:03d}", "to": "ready_to_ship"} for i in range(2, lines + 1)]
        _, row2 = op(f"move every other line to 배송대기, {lines} lines", lambda m=moves, o=oid: call(
            lambda_handler, http_event("POST", f"/admin/orders/{o}/status", {"moves": m}, site_id=site)))
        rows.append(row2)
        items = query_all(KeyConditionExpression="PK = :pk",
                          ExpressionAttributeValues={":pk": {"S": keys.order_pk(site, oid)}})
        biggest = max(items, key=lambda i: len(json.dumps(i, default=str, ensure_ascii=False).encode()))
        nbytes = len(json.dumps(biggest, default=str, ensure_ascii=False).encode())
        rows.append([f"items of the order, {lines} lines", len(items), f"largest: {biggest['SK']}", "-",
                     f"{nbytes / 1000:.0f} KB"])
        if lines == 2:
            base_ms = {r[0].rsplit(",", 1)[0]: r[4] for r in (row, row2, row3)}
    client().meta.events.unregister("before-parameter-build.dynamodb", hook)
    out_rows = []
    for r in rows:
        name = r[0].rsplit(",", 1)[0]
        ratio = f"{r[4] / base_ms[name]:.2f}" if isinstance(r[4], float) and name in base_ms else "-"
        out_rows.append([r[0], r[1], r[2], r[3], f"{r[4]:.0f}" if isinstance(r[4], float) else r[4], ratio])
    print_table(f"The largest order ({largest} lines × 50 units) against a 2-line order, same run",
                ["operation", "requests", "by API", "transaction actions", "ms / size", "ratio to 2 lines"],
                out_rows)
