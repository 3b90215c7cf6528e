"""Scale: a small day of a few shops through the real services on DynamoDB Local, every request recorded
by its partition (bench.scale_keys), and each key shape's hottest partition scaled to the capacity
model of docs/scale.md (its assumptions: bench.scale_model; the doc quotes these tables).

The day: intake (card, virtual account), PG callbacks (deposits, PG retries, callbacks for no order of
ours), status moves (one, and 10 at a time), tracking numbers, 배송완료, claims, buyer messages, list
pages, details and the home screen, one bulk job over a shop's 전체 tab (its worker's chunks), then the
scheduled jobs (auto-confirm, VA expiry, tracking sweep) once. Not driven here (their requests per run are in the
model, from the sections that measure them): the relay (stream records), bank deposit polls, channel
pulls, courier webhooks (the same Query + TransactWriteItems on the order as a status move).
"""

from __future__ import annotations

import contextlib
import io
import os
import random
import uuid
from datetime import timedelta
from typing import Any

from bench.common import in_process, new_site, print_table, size
from bench.scale_keys import KeyRecorder, scope, shape
from bench.scale_model import (
    BURST,
    LIMIT_RCU,
    LIMIT_WCU,
    PLATFORM_ORDERS_DAY,
    PLATFORM_PEAK,
    PLATFORM_SHOPS,
    SHOP_ORDERS_DAY,
    SHOP_PACE,
    SHOP_PEAK,
    TIERS,
    WORK_PEAK,
    lambda_rows,
    per_second,
    snapshot_limit,
)


def run() -> None:
    from oms.store.table import client
    from oms_local.pg_sandbox import PgSandbox
    from oms_local.sms_sandbox import SmsSandbox
    from oms_local.template import create_table

    pg, sms = PgSandbox(port=0).start(), SmsSandbox().start()
    # a table of its own: the scheduled jobs see this day's due items only, whatever ran before
    table = f"oms-bench-scale-{uuid.uuid4().hex[:6]}"
    create_table(client(), table)
    quiet = {"POWERTOOLS_METRICS_DISABLED": "true", "POWERTOOLS_LOG_LEVEL": "ERROR"}  # tables only on stdout
    saved = {k: os.environ.get(k) for k in (*pg.env(), *sms.env(), *quiet, "TABLE_NAME")}
    os.environ.update({**pg.env(), **sms.env(), **quiet, "TABLE_NAME": table})
    recorder = KeyRecorder()
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # the handlers' metric lines: not the bench's tables
            orders_of = simulate_day(pg, sms, recorder.attach(client()))
    finally:
        recorder.detach(client())
        pg.stop()
        sms.stop()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    report(recorder, orders_of)


def portone_card_order(pg: Any, site: str) -> tuple[str, Any]:
    """A card order paid through PortOne (the shop's PG), taken in like the checkout does."""
    from oms.schemas.orders import IntakeOrderIn
    from oms.services import intake
    from tests.integration.claims_support import MEMBER, PANTS, SHIRT

    amount = 2 * 10_000 + 30_000 + 3_000
    pg_order_id = f"{site}-{uuid.uuid4().hex[:12]}"
    payment = pg.create_paid("portone", pg_order_id, amount)
    body = {"site_id": site, "checkout_id": uuid.uuid4().hex, "buyer": MEMBER,
            "recipient": {"name": "김민지", "phone": "010-1234-5678", "postal_code": "04524",
                          "address1": "서울특별시 중구 세종대로 110"},
            "lines": [SHIRT, PANTS], "shipping_fee": 3_000,
            "payment": {"method": "card", "amount": amount, "provider": "portone", "pg_payment_key": payment.key,
                        "pg_order_id": pg_order_id}}
    order_id, _ = intake.create_order(IntakeOrderIn.model_validate(body))
    return order_id, payment


def simulate_day(pg: Any, sms: Any, recorder: KeyRecorder) -> dict[str, int]:
    """The shops' day through the services; answers the orders each shop took in."""
    from oms.domain.clock import kst_date, utcnow
    from oms.domain.order import Actor
    from oms.domain.statuses import Status
    from oms.schemas.jobs import JobIn
    from oms.schemas.messages import MessageIn
    from oms.schemas.settings import PaymentSettings, SiteSettingsPatch
    from oms.services import confirmation, jobs, message_senders, messages, tracking_issues, va_expiry
    from oms.store import settings
    from tests.integration.claims_support import admin, card_order, use_pg
    from tests.integration.payments_support import deliver as pg_deliver
    from tests.integration.payments_support import va_order
    from tests.support import fund_points

    rng = random.Random(7)
    actor = Actor("admin", "bench", "관리자")
    total = size(240, 12)
    shops = {new_site(): share for share in (0.6, 0.3, 0.1)}
    portone = list(shops)[1]  # the second shop takes cards through PortOne, the others through Toss
    orders_of: dict[str, int] = {}
    recorder.phase = None  # the shops' set-up is not the day
    for site in shops:
        use_pg(site)
        if site == portone:
            settings.update(site, SiteSettingsPatch(payments=PaymentSettings(pg_provider="portone")), "bench")
        fund_points(site, 100_000_000)
        number = f"02{rng.randint(10_000_000, 99_999_999)}"
        message_senders.register_sender(site, number, None, actor)
        sms.verify(number)
        message_senders.choose_default(site, number, actor)

    def ok(method: str, path: str, site: str, body: Any = None, expect: int = 200) -> Any:
        status, answer = admin(method, path, site, body)
        assert status == expect, (method, path, status, answer)
        return answer

    for site, share in shops.items():
        n = max(size(10, 4), round(total * share))
        orders_of[site] = n
        paid: list[str] = []
        single: set[str] = set()  # virtual-account orders: one line (L001)
        recorder.phase = "sale"  # the buyers' hour: intake, payment, the PG's callbacks
        for i in range(n):
            kind = i % 10
            if kind < 7 and site == portone:  # card through PortOne: its Transaction.Paid notice follows
                oid, payment = portone_card_order(pg, site)
                pg_deliver("portone", *pg.callback("portone", payment))
                paid.append(oid)
            elif kind < 7:  # card through Toss
                oid, _ = card_order(pg, site)
                paid.append(oid)
            else:  # virtual account: the deposit callback (and the PG's retry of it), or none yet
                oid, _, va = va_order(pg, site)
                if kind < 9:
                    cb = pg.callback("toss", pg.deposited(va), status="DONE")
                    assert pg_deliver("toss", *cb)[0] == 200
                    assert pg_deliver("toss", *cb)[0] == 200  # the PG sends it again
                    paid.append(oid)
                    single.add(oid)
            if i % 20 == 0:  # a PG notice for a payment that is not ours (another platform's, a test)
                stray = pg.create_paid("portone", f"stray-{uuid.uuid4().hex[:10]}", 10_000)
                pg_deliver("portone", *pg.callback("portone", stray))
        recorder.phase = "work"  # the shop's working hours: reads, moves, tracking, claims, messages
        for i in range(n):
            if i % 5 == 0:
                ok("GET", "/admin/orders", site)
            if i % 10 == 0:
                ok("GET", "/admin/home", site)
        for k in range(0, len(paid), 10):  # 상품준비 → 배송대기 ten at a time
            ok("POST", "/admin/orders/bulk/status", site, {"order_ids": paid[k:k + 10], "to": "ready_to_ship"})
        for j, oid in enumerate(paid):
            ok("GET", f"/admin/orders/{oid}", site)  # the operator opens it
            cancelled = j % 20 == 3 and oid not in single
            last = "L001" if oid in single else "L002"
            if cancelled:  # a line cancelled by the shop before shipping
                ok("POST", f"/admin/orders/{oid}/claims", site,
                   {"type": "cancel", "items": [{"line_id": "L001", "quantity": 2}], "reason": "sold_out",
                    "complete": True}, 201)
            ok("POST", f"/admin/orders/{oid}/tracking", site,
               {"line_ids": [last] if cancelled or oid in single else ["L001", "L002"], "courier": "CJ",
                "tracking_no": f"6{rng.randint(10**10, 10**11 - 1)}"})
            for to in ("shipping", "delivered"):  # what the courier's scans do to the order
                ok("POST", f"/admin/orders/{oid}/status", site,
                   {"moves": [{"line_id": last, "to": to, "quantity": 1}]})
            if j % 10 == 0:
                messages.send(site, oid, MessageIn(text="배송이 시작되었습니다"), actor)
            if j % 20 == 7:  # a return asked for after delivery
                ok("POST", f"/admin/orders/{oid}/claims", site,
                   {"type": "return", "items": [{"line_id": last, "quantity": 1}], "reason": "intent_changed",
                    "collection": {"method": "courier", "courier": "CJGLS", "tracking_no": "1"},
                    "fee_payment": "deduct"}, 201)
    big = next(iter(shops))
    job = jobs.create(big, JobIn(action="status", to=Status.READY_TO_SHIP), actor)  # a bulk job over 전체
    jobs.process({"site_id": big, "job_id": job["job_id"], "snapshot": True})  # the worker's snapshot message
    job = jobs.get(big, job["job_id"])
    # the scheduled jobs, once each: auto-confirm of the day's deliveries 7 days later, VA expiry, sweep
    due = kst_date(utcnow()) + timedelta(days=7)
    recorder.phase = None
    confirmation._set_cursor((due - timedelta(days=1)).isoformat(), "bench")
    recorder.phase = "bulk"
    for chunk in range(-(-int(job["total"]) // jobs.CHUNK)):  # the worker: one queue message per chunk
        jobs.process({"site_id": big, "job_id": job["job_id"], "chunk": chunk})
    recorder.phase = "jobs"
    confirmation.dispatch(utcnow() + timedelta(days=7, hours=1), send=in_process(confirmation.confirm_message))
    va_expiry.dispatch(send=in_process(va_expiry.expire_message))
    tracking_issues.dispatch(send=in_process(tracking_issues.check_message))
    recorder.phase = None
    return orders_of


def peak_units(sale: float, work: float, per_day: float, peak: float) -> float:
    """Units per second of a key in the peak second: its sale-phase units per order at the peak hour,
    its working-hours units at the working hours' rate, both at the burst inside the hour."""
    return sale * per_second(per_day, peak, BURST) + work * per_second(per_day, WORK_PEAK, BURST)


def key_rows(recorder: KeyRecorder, orders_of: dict[str, int]) -> list[list[Any]]:
    """Per key shape: requests, keys, the hottest key's share of the requests, its units per order in
    the sale and work phases and per run of the jobs, and its peak units/s at (a) and (b)."""
    total_orders = sum(orders_of.values())
    # (index, shape, op) -> key -> phase -> [requests, units]
    shapes: dict[tuple[str, str, str], dict[str, dict[str, list[float]]]] = {}
    for (phase, target, pk, kind), t in recorder.tally.items():
        cell = shapes.setdefault((target, shape(pk), kind), {}).setdefault(pk, {}).setdefault(phase, [0, 0.0])
        cell[0] += t.requests
        cell[1] += t.units
    rows: list[tuple[float, list[Any]]] = []
    for (target, key_shape, kind), keys in shapes.items():
        requests = int(sum(c[0] for k in keys.values() for c in k.values()))
        hot_pk, hot = max(keys.items(), key=lambda kv: sum(c[1] for c in kv[1].values()))
        where = scope(key_shape)
        site = next((s for s in orders_of if hot_pk.startswith(f"S#{s}")), None)
        base = 1 if where == "order" else orders_of[site] if where != "platform" and site else total_orders
        sale, work, jobs, bulk = (hot.get(p, [0, 0.0])[1] / base for p in ("sale", "work", "jobs", "bulk"))
        rate_a = rate_b = rate_job = headroom = "–"
        worst = -1.0
        if where in ("shop", "job", "platform"):
            va = peak_units(sale, work, SHOP_ORDERS_DAY, SHOP_PEAK)
            vb = peak_units(sale, work, PLATFORM_ORDERS_DAY, PLATFORM_PEAK) if where == "platform" \
                else peak_units(sale, work, TIERS[-1][1], SHOP_PEAK)
            # a run or a job works through one shop's orders at the shop's pace (SQS delays)
            vj = max(jobs, bulk) * SHOP_PACE if where != "platform" else 0.0
            rate_a, rate_b, rate_job, worst = f"{va:,.1f}", f"{vb:,.1f}", f"{vj:,.0f}", max(va, vb, vj)
            limit = LIMIT_RCU if kind == "R" else LIMIT_WCU
            headroom = f"×{limit / worst:,.1f}" if worst else "–"
        rows.append((worst, [target, key_shape, "read" if kind == "R" else "write", where, requests, len(keys),
                             f"{int(sum(c[0] for c in hot.values())) / requests:.0%}", f"{sale:.2f}",
                             f"{work:.2f}", f"{jobs:.2f} / {bulk:.2f}", rate_a, rate_b, rate_job, headroom]))
    return [row for _, row in sorted(rows, key=lambda r: (-r[0], -int(r[1][4])))]


def report(recorder: KeyRecorder, orders_of: dict[str, int]) -> None:
    total_orders = sum(orders_of.values())
    print_table(
        f"Scale: DynamoDB requests by partition key shape, a simulated day of {total_orders} orders in "
        f"{len(orders_of)} shops; the hottest key's units per order (sale hour, working hours) scaled to "
        f"(a) one shop of {SHOP_ORDERS_DAY:,} orders/day x{SHOP_PEAK} and (b) {PLATFORM_ORDERS_DAY:,} "
        f"orders/day in {PLATFORM_SHOPS:,} shops x{PLATFORM_PEAK} (its largest shops: {TIERS[-1][1]:,}/day "
        f"x{SHOP_PEAK}), the peak second x{BURST} its hour; a run or a bulk job at {SHOP_PACE:,} orders/s of one shop; "
        f"an order's own partition: units over its life",
        ["index", "key shape", "op", "scope", "requests", "keys", "hottest key", "units/order sale",
         "units/order work", "units/order auto-confirm / bulk job", "(a) units/s", "(b) units/s",
         "job run units/s", "headroom"],
        key_rows(recorder, orders_of))
    print_table(
        f"Scale model: Lambda concurrency at the peak hour and scheduled runs (s), (a) one shop, (b) the "
        f"platform; a job's snapshot fits the worker's 900 s up to {snapshot_limit():,} orders",
        ["what", "(a)", "(b)", "capacity", "headroom (a)", "headroom (b)"], lambda_rows())
