"""Exports and order sheets.

- Workbook of 100,000 lines (20,000 orders × 5 lines, the 30-column 기본 template): our export
  (catalog getters + the sheet writer) against xlsxwriter writing the same cells with the same
  formats from rows computed beforehand; each in a fresh process (CPU time of the writing, which
  other load on the shared machine does not inflate, and peak RSS), ours also at 10,000 lines
  (memory must be flat).
- Library choice: xlsxwriter ``constant_memory`` against openpyxl ``write_only`` writing the same
  10,000 rows with the same styles (quotePrefix, wrap, 원 format, dates).
- DynamoDB requests of an export of N chosen orders (DynamoDB Local + the S3 emulator).
- Bulk PDF of 50 orders: CPU seconds, bytes, peak RSS (fresh process); import cost of the print code.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from typing import Any

from bench.common import ROOT, RequestCounter, new_site, print_table, size

LINES_PER_ORDER = 5


def synthetic_orders(n_orders: int) -> Iterator[tuple[Any, list[dict[str, Any]]]]:
    """Orders built one at a time (never held together), 5 lines with options, a formula-like memo."""
    from oms.domain.order import Buyer, Option, Recipient
    from oms.domain.pricing import LineInput, build_order
    from oms.domain.statuses import Channel, DeliveryScope, PaymentMethod, ProductKind

    payments = [{"payment_id": "P1", "method": "card", "amount": 0, "status": "paid",
                 "paid_at": "2026-03-02T01:05:00.000000Z"}]
    for i in range(n_orders):
        order = build_order(
            site_id="s", order_id=f"20260302-{i + 1:06d}", created_at="2026-03-02T01:00:00.000000Z",
            channel=Channel.STORE, payment_method=PaymentMethod.CARD, scope=DeliveryScope.DOMESTIC,
            buyer=Buyer("김민지", "010-1234-5678", member_id="m-1"),
            recipient=Recipient("김민지", "010-1234-5678", "04524", "서울특별시 중구 세종대로 110", "3층",
                                "=1+1" if i % 100 == 0 else "문 앞에 놓아 주세요"),
            lines=[LineInput(f"P{k}", f"오버핏 티셔츠 {k}", ProductKind.PHYSICAL, 2, 19900,
                             [Option("색상", "블랙"), Option("사이즈", "L", 1000)]) for k in range(LINES_PER_ORDER)],
            shipping_fee=3000, shipping_fee_cod=False, coupon_total=1000, points_total=500, paid=True)
        yield order, payments


_CHILD = r"""
import json, os, sys, tempfile, time
mode, n_orders = sys.argv[1], int(sys.argv[2])
from bench.exports import synthetic_orders
from oms.services import exports
tpl = exports.get_template("s", "basic")
path = os.path.join(tempfile.mkdtemp(), "out.xlsx")
if mode == "ours":
    # the orders are built while the export runs (never all in memory); their building is the
    # bench's, not the export's: its CPU time is taken out
    building = 0.0
    def timed_orders():
        global building
        source = synthetic_orders(n_orders)
        while True:
            b = time.process_time()
            item = next(source, None)
            building += time.process_time() - b
            if item is None:
                return
            yield item
    t = time.process_time()
    exports.write_workbook(tpl, timed_orders(), path)
    el = time.process_time() - t - building
elif mode in ("xlsxwriter", "openpyxl"):
    cols = exports.out_columns(tpl)
    rows = list(exports.rows(tpl, synthetic_orders(n_orders)))   # the same cells, computed beforehand
    kinds = [k for _, _, k in cols]
    dangerous = ("=", "+", "-", "@", "\t", "\r")
    t = time.process_time()
    if mode == "xlsxwriter":
        import xlsxwriter
        wb = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_formulas": False,
                                        "strings_to_numbers": False, "strings_to_urls": False})
        ws = wb.add_worksheet("주문내역")
        money, dtf = wb.add_format({"num_format": '#,##0"원"'}), wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        df, wrap = wb.add_format({"num_format": "yyyy-mm-dd"}), wb.add_format({"text_wrap": True, "valign": "top"})
        q = wb.add_format({"quote_prefix": True})
        for c, (_, h, _) in enumerate(cols):
            ws.write_string(0, c, h)
        for r, row in enumerate(rows, 1):
            for c, v in enumerate(row):
                k = kinds[c]
                if v is None or v == "":
                    continue
                if k == "money": ws.write_number(r, c, v, money)
                elif k == "int": ws.write_number(r, c, v)
                elif k == "datetime": ws.write_datetime(r, c, v, dtf)
                elif k == "date": ws.write_datetime(r, c, v, df)
                elif k == "multiline": ws.write_string(r, c, v, wrap)
                elif v.startswith(dangerous): ws.write_string(r, c, v, q)
                else: ws.write_string(r, c, v)
        wb.close()
    else:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Alignment
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("주문내역")
        ws.append([h for _, h, _ in cols])
        wrap = Alignment(wrap_text=True, vertical="top")
        for row in rows:
            out = []
            for k, v in zip(kinds, row):
                cell = WriteOnlyCell(ws, value=v)
                if k == "money": cell.number_format = '#,##0"원"'
                elif k == "datetime": cell.number_format = "yyyy-mm-dd hh:mm:ss"
                elif k == "date": cell.number_format = "yyyy-mm-dd"
                elif k in ("text", "multiline") and v is not None:
                    cell.data_type = "s"
                    if k == "multiline": cell.alignment = wrap
                    if v.startswith(dangerous): cell.quotePrefix = True
                out.append(cell)
            ws.append(out)
        wb.save(path)
    el = time.process_time() - t
else:
    from oms.printing import pdf, sheet
    views = [sheet.build(o, p, "하늘상점") for o, p in synthetic_orders(n_orders)]
    t = time.process_time()
    data = pdf.render(views)
    el = time.process_time() - t
    with open(path, "wb") as f:
        f.write(data)
# VmHWM: this process's own peak (ru_maxrss would also count the parent's size at fork time)
hwm = next(int(x.split()[1]) for x in open("/proc/self/status") if x.startswith("VmHWM:"))
print(json.dumps({"s": el, "rss_mb": hwm / 1024, "bytes": os.path.getsize(path)}))
"""


def _child(mode: str, n_orders: int) -> dict[str, float]:
    paths = [str(ROOT / "shared"), str(ROOT / "local"), str(ROOT),
             *(str(p) for p in sorted((ROOT / "functions").iterdir()))]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    out = subprocess.run([sys.executable, "-c", _CHILD, mode, str(n_orders)], env=env, capture_output=True,
                         text=True, check=True)
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def _best(mode: str, n_orders: int, runs: int = 2) -> dict[str, float]:
    """The fastest of ``runs`` fresh processes (the bench machine is shared: noise only adds time)."""
    return min((_child(mode, n_orders) for _ in range(size(runs, 1))), key=lambda r: r["s"])


def workbook() -> None:
    big_n, small_n = size(20_000, 20), size(2_000, 10)
    big_lines, small_lines = big_n * LINES_PER_ORDER, small_n * LINES_PER_ORDER
    raw, big = _best("xlsxwriter", big_n), _best("ours", big_n)
    small = _child("ours", small_n)
    print_table(
        f"Export workbook, 기본 template (30 columns), fresh process each ({big_lines:,} lines: best of {size(2, 1)})",
        ["what", "lines", "CPU s", "ratio", "peak RSS MB", "file MB"],
        [["xlsxwriter writing the same cells (precomputed)", big_lines, f"{raw['s']:.2f}", "1.00",
          f"{raw['rss_mb']:.0f} (rows held)", f"{raw['bytes'] / 1e6:.1f}"],
         ["our export (orders streamed, cells computed; building them not counted)", big_lines, f"{big['s']:.2f}",
          f"{big['s'] / raw['s']:.2f}" if raw["s"] else "-",
          f"{big['rss_mb']:.0f}", f"{big['bytes'] / 1e6:.1f}"],
         ["our export", small_lines, f"{small['s']:.2f}", "", f"{small['rss_mb']:.0f}",
          f"{small['bytes'] / 1e6:.1f}"]],
    )
    x, o = _child("xlsxwriter", small_n), _child("openpyxl", small_n)
    print_table(
        f"Library choice: the same {small_lines:,} rows × 30 columns and styles, fresh process each",
        ["library", "CPU s", "ratio", "file MB"],
        [["xlsxwriter constant_memory", f"{x['s']:.2f}", "1.00", f"{x['bytes'] / 1e6:.2f}"],
         ["openpyxl write_only", f"{o['s']:.2f}", f"{o['s'] / x['s']:.2f}" if x["s"] else "-",
          f"{o['bytes'] / 1e6:.2f}"]],
    )


def pdf_and_imports() -> None:
    n = size(50, 2)
    p = _child("pdf", n)
    print_table("Bulk PDF order sheets (fresh process)", ["orders", "CPU s", "PDF KB", "peak RSS MB"],
                [[n, f"{p['s']:.2f}", f"{p['bytes'] / 1024:.0f}", f"{p['rss_mb']:.0f}"]])
    from bench import coldstart

    modules = (("admin_api.app (for comparison)", "admin_api.app"),
               ("exports_fn.app (handler; print and xlsx code load on first use)", "exports_fn.app"),
               ("oms.printing.pdf (reportlab + font module)", "oms.printing.pdf"),
               ("oms.excel.export_xlsx (xlsxwriter)", "oms.excel.export_xlsx"))
    runs = size(3, 1)
    seconds = coldstart.measure([f"import {mod}" for _, mod in modules], runs)
    rows = [[label, f"{s * 1000:.0f}"] for (label, _), s in zip(modules, seconds, strict=True)]
    print_table(f"Cold import, CPU (median of {runs} fresh processes, as bench.coldstart measures)",
                ["module", "ms"], rows)


def _point_clients_at(endpoint: str) -> None:
    """A new emulator for this section: the cached S3 and SQS clients of earlier sections point elsewhere."""
    from oms.store import files, queues

    os.environ["AWS_ENDPOINT_URL_S3"] = endpoint
    os.environ["AWS_ENDPOINT_URL_SQS"] = endpoint
    files.reset()
    queues._sqs.cache_clear()


def requests() -> None:
    """DynamoDB requests of exports of N chosen orders (needs DynamoDB Local: run inside local_dynamodb)."""
    import boto3

    from bench.ingest import make_orders
    from oms.domain.order import Actor
    from oms.schemas.exports import Column, ExportIn, ExportTemplateIn
    from oms.services import exports
    from oms.store.table import client
    from oms_local.s3 import S3Local, create_buckets

    s3 = S3Local().start()
    _point_clients_at(s3.endpoint)
    os.environ["EXPORT_BUCKET"] = "oms-bench-exports"
    try:
        create_buckets(boto3.client("s3", endpoint_url=s3.endpoint), ["oms-bench-exports"])
        counter = RequestCounter().attach(client())
        site = new_site()
        n = size(50, 12)
        ids = make_orders(site, n)
        actor = Actor("admin", "bench", "bench")
        split = ExportTemplateIn(name="분리", columns=[Column(field="order_id"), Column(field="address")],
                                 address="split")
        own = exports.create_template(site, split, actor)
        rows = []
        for k, tid in ((1, "basic"), (10, "basic"), (n, "basic"), (n, own["template_id"])):
            with counter.measure() as c:
                exports.export(site, ExportIn(template_id=tid, order_ids=ids[:k]), actor)
            rows.append([k, "built-in" if tid == "basic" else "site's own", sum(c.values()), dict(sorted(c.items()))])
        print_table("DynamoDB requests of an export of N chosen orders", ["orders", "template", "requests", "by API"],
                    rows)
    finally:
        s3.stop()
        os.environ.pop("AWS_ENDPOINT_URL_S3", None)


def run() -> None:
    with tempfile.TemporaryDirectory():
        workbook()
        pdf_and_imports()


def _preparing_orders(site_id: str, n: int) -> list[str]:
    """``n`` orders with 2 lines in 상품준비, written like intake writes them."""
    from concurrent.futures import ThreadPoolExecutor

    from oms.domain.order import SYSTEM, Buyer, Event, Recipient
    from oms.domain.pricing import LineInput, build_order
    from oms.domain.statuses import Channel, DeliveryScope, PaymentMethod, ProductKind
    from oms.store import orders

    def one(i: int) -> str:
        oid = f"20260302-{i + 1:06d}"
        order = build_order(
            site_id=site_id, order_id=oid, created_at=f"2026-03-02T00:{i // 60 % 60:02d}:{i % 60:02d}.{i:06d}Z",
            channel=Channel.STORE, payment_method=PaymentMethod.CARD, scope=DeliveryScope.DOMESTIC,
            buyer=Buyer("김민지", "010-1234-5678"), recipient=Recipient("김민지", "010-1234-5678", "04524", "서울"),
            lines=[LineInput(f"P{k}", f"상품{k}", ProductKind.PHYSICAL, 1, 10000) for k in range(2)],
            shipping_fee=0, shipping_fee_cod=False, coupon_total=0, points_total=0, paid=True)
        orders.create(order, [Event("order_created", SYSTEM, order.created_at, {})])
        return oid

    with ThreadPoolExecutor(8) as pool:
        return list(pool.map(one, range(n)))


def job_on_local_stack() -> None:
    """A status job over a 5,000-order tab (BENCH_JOB_ORDERS) on the local stack: the API call,
    the worker's snapshot, then the SQS poller feeding the worker until the job ends (the functions run in
    this process, one invocation at a time, so their DynamoDB requests are counted). Run inside
    local_dynamodb."""
    import time

    import boto3

    from oms.store.table import client
    from oms_local.event_buses import EventBuses
    from oms_local.gateway import Gateway
    from oms_local.parameters import bootstrap_local
    from oms_local.s3 import S3Local, create_buckets
    from oms_local.stream_events import StreamEvents
    from tests.jobs_support import JobEvents
    from tests.support import http_event

    n = int(os.environ.get("BENCH_JOB_ORDERS", str(size(5000, 120))))  # quick: still more than a page
    s3 = S3Local().start()
    _point_clients_at(s3.endpoint)
    try:
        # in this process (concurrency 0): the function containers are child processes, whose
        # DynamoDB requests this process's hook would not see
        gw = Gateway(ROOT / "template.yaml", table_name=os.environ["TABLE_NAME"], port=0, concurrency=0,
                     env={"POWERTOOLS_TRACE_DISABLED": "true", "LOG_LEVEL": "WARNING"})
        # the parameter store, as the local stack fills it (a job over more than a page reads the cursor key)
        bootstrap_local(s3.endpoint, gw.template, gw.resolver.parameters)
        gw.env_overrides["AWS_ENDPOINT_URL_SSM"] = s3.endpoint
        create_buckets(boto3.client("s3", endpoint_url=s3.endpoint), gw.bucket_names())
        events = JobEvents(gw, s3.endpoint)  # + the stream: the relay queues a new job's messages
        events.configure()
        EventBuses(gw, s3.endpoint).configure()  # the relay publishes the job's order changes there
        events.stream = StreamEvents(gw, os.environ["AWS_ENDPOINT_URL_DYNAMODB"], os.environ["TABLE_NAME"],
                                     queue_urls=events.urls, sqs_endpoint=s3.endpoint)
        events.stream.configure()
        site = new_site()
        _preparing_orders(site, n)
        counter = RequestCounter().attach(client())
        with counter.measure() as create_calls:
            t = time.perf_counter()
            resp = gw.invoke_function("ExportsFunction", http_event(
                "POST", "/admin/jobs", {"action": "status", "to": "ready_to_ship", "search": {"tab": "preparing"}},
                site_id=site))
            snap = time.perf_counter() - t
        job = json.loads(resp["body"])
        assert job["status"] == "snapshotting", job
        from oms.services import jobs

        with counter.measure() as snap_calls:  # the worker's snapshot message, handled here
            t = time.perf_counter()
            taken = jobs.process({"site_id": site, "job_id": job["job_id"], "snapshot": True})
            snap_work = time.perf_counter() - t
        assert taken["total"] == n, taken
        with counter.measure() as work_calls:
            t = time.perf_counter()
            while True:
                events.drain(timeout_s=600, quiet_s=1.0)
                got = json.loads(gw.invoke_function("ExportsFunction", http_event(
                    "GET", f"/admin/jobs/{job['job_id']}", site_id=site))["body"])
                if got["status"] != "running":
                    break
            work = time.perf_counter() - t
        print_table(
            f"Bulk job on the local stack: {n:,} orders 상품준비 → 배송대기 (chunks of 50, 4 orders in flight)",
            ["phase", "s", "DynamoDB requests", "per order", "by API"],
            [["POST /admin/jobs (the job, snapshotting)", f"{snap:.1f}",
              sum(create_calls.values()), f"{sum(create_calls.values()) / n:.2f}", dict(sorted(create_calls.items()))],
             ["worker: the snapshot (the tab's pages + chunks + the start)", f"{snap_work:.1f}",
              sum(snap_calls.values()), f"{sum(snap_calls.values()) / n:.2f}", dict(sorted(snap_calls.items()))],
             [f"worker until '{got['status']}' (done {got['done']}, refused {got['refused']})", f"{work:.1f}",
              sum(work_calls.values()), f"{sum(work_calls.values()) / n:.2f}", dict(sorted(work_calls.items()))]],
        )
    finally:
        s3.stop()
        os.environ.pop("AWS_ENDPOINT_URL_S3", None)
