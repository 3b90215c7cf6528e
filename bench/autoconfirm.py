"""Auto-confirm job: DynamoDB requests and time for 50 due units in tables of 1,000 and 10,000 orders.

The orders are written in bulk (BatchWriteItem of codec-built header and line items); 50 of them
hold a delivered line due today, the rest are delivered-but-not-yet-due or in other statuses.
The job must cost the same in both tables: it reads only the due partitions of the sparse index.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta
from typing import Any

from bench.common import RequestCounter, in_process, new_site, print_table, size


def build_items(site_id: str, n_orders: int, n_due: int, today: date, member: str | None = "m-bench") -> list[dict]:
    """Header, line-chunk, payment and due items of ``n_orders`` orders (paid in full by card); the first
    ``n_due`` have a line due ``today``."""
    from oms.domain.clock import KST, iso
    from oms.domain.order import Buyer, Recipient
    from oms.domain.pricing import LineInput, build_order
    from oms.domain.statuses import Channel, DeliveryScope, PaymentMethod, ProductKind, Status
    from oms.store import codec

    delivered_at = iso(datetime(today.year, today.month, today.day, 10, tzinfo=KST) - timedelta(days=7))
    items: list[dict] = []
    statuses = [Status.PREPARING, Status.SHIPPING, Status.DELIVERED, Status.CONFIRMED]
    for i in range(n_orders):
        order = build_order(
            site_id=site_id, order_id=f"{today:%Y%m%d}-{i:06d}", created_at=delivered_at,
            channel=Channel.STORE, payment_method=PaymentMethod.CARD, scope=DeliveryScope.DOMESTIC,
            buyer=Buyer("구매자", "010-0000-0000", member_id=member),
            recipient=Recipient("수령인", "010-0000-0000", "04524", "서울특별시 중구 세종대로 110"),
            lines=[LineInput("TEE-01", "티셔츠", ProductKind.PHYSICAL, 1, 20000)],
            shipping_fee=0, shipping_fee_cod=False, coupon_total=0, points_total=0, paid=True)
        order.version = 1
        line = order.lines[0]
        if i < n_due:
            line.status, line.auto_confirm_on = Status.DELIVERED, today.isoformat()
        else:
            line.status = statuses[i % len(statuses)]
            if line.status is Status.DELIVERED:  # delivered, due in 1..6 days
                line.auto_confirm_on = (today + timedelta(days=1 + i % 6)).isoformat()
        line.status_changed_at = delivered_at
        items += [codec.header_item(order), codec.lines_item(order, 0, order.lines),
                  *(codec.payment_item(order, p) for p in order.payments.values())]
        due = codec.due_item(order)
        if due:
            items.append(due)
    return items


def batch_write(items: list[dict], workers: int = 8) -> None:
    from oms.store.table import client, dump, table_name

    def chunk(part: list[dict]) -> None:
        req: dict[str, Any] = {table_name(): [{"PutRequest": {"Item": dump(it)}} for it in part]}
        while req:
            req = client().batch_write_item(RequestItems=req).get("UnprocessedItems") or {}

    parts = [items[i:i + 25] for i in range(0, len(items), 25)]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(chunk, parts))


def measure(n_orders: int, today: date, n_due: int = 50) -> tuple[Counter[str], float, dict[str, Any]]:
    """Fresh table, bulk orders, then one job run: (requests by API, seconds, job result)."""
    from oms.domain.clock import KST
    from oms.services import confirmation
    from oms.store.table import client

    site = new_site()
    batch_write(build_items(site, n_orders, n_due, today))
    confirmation._set_cursor((today - timedelta(days=1)).isoformat(), "bench")
    counter = RequestCounter().attach(client())
    now = datetime(today.year, today.month, today.day, 0, 10, tzinfo=KST)
    with counter.measure() as calls:
        t = time.perf_counter()
        worked: list[confirmation.Confirmed] = []  # the dispatcher, then the worker on each message
        send = in_process(lambda body: worked.append(confirmation.confirm_message(body)))
        sent = confirmation.dispatch(now, send=send)
        elapsed = time.perf_counter() - t
    client().meta.events.unregister("before-call.dynamodb", counter._hook)
    return calls, elapsed, {**sent.as_dict(), "confirmed": sum(w.confirmed for w in worked)}


def auto_confirm() -> None:
    from oms.store.table import client
    from oms_local.template import create_table

    rows = []
    base: tuple[int, float] | None = None
    saved = os.environ["TABLE_NAME"]
    sizes = (size(1_000, 60), size(10_000, 120))
    for i, n in enumerate(sizes):
        table = f"oms-bench-autoconfirm-{n}"
        create_table(client(), table)
        os.environ["TABLE_NAME"] = table
        try:
            calls, secs, result = measure(n, date(2030, 1, 10 + i))
        finally:
            os.environ["TABLE_NAME"] = saved
        total = sum(calls.values())
        base = base or (total, secs)
        rows.append([f"{n:,}", result["due"], result["confirmed"], total,
                     ", ".join(f"{k} {v}" for k, v in sorted(calls.items())),
                     f"{secs * 1000:.0f}", f"{total / base[0]:.2f}", f"{secs / base[1]:.2f}"])
    print_table(
        f"Auto-confirm job: 50 due units (one line each, one member) in tables of {sizes[0]:,} and {sizes[1]:,} orders",
        ["orders in table", "due", "confirmed", "requests", "by API", "ms", "requests ratio", "time ratio"],
        rows,
    )
