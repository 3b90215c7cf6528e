"""Invoice ingestion: a 10,000-row workbook over 2,000 orders on DynamoDB Local, against a raw
boto3 baseline doing the same minimal work per order (read the order, one transaction that moves
its lines to shipping with the tracking number), at the same concurrency; and the ingestion's
peak memory at 2,000 and 10,000 rows (and 50,000 with BENCH_INGEST_50K=1; tracemalloc, in a fresh
process, the same measurement at every size)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import zlib
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from bench.common import ROOT, new_site, print_table, size, timed

LINES_PER_ORDER = 5
WORKERS = 8
BUCKET = "oms-bench-invoices"


def make_orders(site_id: str, n: int) -> list[str]:
    """``n`` orders with 5 lines each, all in 배송대기, written like intake writes them."""
    from oms.domain.order import SYSTEM, Buyer, Event, Recipient
    from oms.domain.pricing import LineInput, build_order
    from oms.domain.statuses import Channel, DeliveryScope, PaymentMethod, ProductKind, Status
    from oms.store import orders

    def one(i: int) -> str:
        oid = f"20260302-{i + 1:06d}"
        order = build_order(
            site_id=site_id, order_id=oid, created_at=f"2026-03-02T00:00:{i % 60:02d}.{i:06d}Z",
            channel=Channel.STORE, payment_method=PaymentMethod.CARD, scope=DeliveryScope.DOMESTIC,
            buyer=Buyer("김민지", "010-1234-5678"), recipient=Recipient("김민지", "010-1234-5678", "04524", "서울"),
            lines=[LineInput(f"P{k}", f"상품{k}", ProductKind.PHYSICAL, 1, 10000) for k in range(LINES_PER_ORDER)],
            shipping_fee=0, shipping_fee_cod=False, coupon_total=0, points_total=0, paid=True)
        for line in order.lines:
            line.status = Status.READY_TO_SHIP
        orders.create(order, [Event("order_created", SYSTEM, order.created_at, {})])
        return oid

    with ThreadPoolExecutor(WORKERS) as pool:
        return list(pool.map(one, range(n)))


def workbook(order_ids: list[str], path: str) -> int:
    import openpyxl

    from oms.excel.invoices import HEADERS

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("송장등록")
    ws.append(list(HEADERS))
    rows = 0
    for i, oid in enumerate(order_ids):
        for k in range(LINES_PER_ORDER):
            ws.append([oid, f"L{k + 1:03d}", f"상품{k}", "", 1, "김민지", "CJ대한통운", f"{600000000000 + i}"])
            rows += 1
    wb.save(path)
    return rows


def baseline(site_id: str, order_ids: list[str]) -> None:
    """Raw boto3, the same minimal work: Query the order, then one TransactWriteItems that updates
    the header (version condition), each line (status, shipment), puts the shipment, the tracking
    lookup and one timeline event, and moves the order from the 배송대기 to the 배송중 tab (tab items,
    sharded tab counts)."""
    import boto3
    from botocore.config import Config

    from oms.store.table import CLIENT_PARAMETER_VALIDATION

    # the same client-side settings as the store's client, so only the work done differs
    ddb = boto3.client("dynamodb", config=Config(parameter_validation=CLIENT_PARAMETER_VALIDATION))
    table = os.environ["TABLE_NAME"]

    def one(i_oid: tuple[int, str]) -> None:
        i, oid = i_oid
        pk = f"S#{site_id}#O#{oid}"
        items = ddb.query(TableName=table, KeyConditionExpression="PK = :pk AND SK >= :a",
                          ExpressionAttributeValues={":pk": {"S": pk}, ":a": {"S": "A"}})["Items"]
        version = next(it for it in items if it["SK"]["S"] == "ORDER")["version"]["N"]
        number = f"{600000000000 + i}"
        acts: list[dict[str, Any]] = [{"Update": {
            "TableName": table, "Key": {"PK": {"S": pk}, "SK": {"S": "ORDER"}},
            "UpdateExpression": "SET version = version + :one", "ConditionExpression": "version = :v",
            "ExpressionAttributeValues": {":one": {"N": "1"}, ":v": {"N": version}}}}]
        for it in items:
            if it["SK"]["S"].startswith("LINE#"):
                acts.append({"Update": {
                    "TableName": table, "Key": {"PK": it["PK"], "SK": it["SK"]},
                    "UpdateExpression": "SET #s = :s, shipment_id = :sh", "ExpressionAttributeNames": {"#s": "status"},
                    "ExpressionAttributeValues": {":s": {"S": "shipping"}, ":sh": {"S": "SH001"}}}})
        acts.append({"Put": {"TableName": table, "Item": {
            "PK": {"S": pk}, "SK": {"S": "SHIP#SH001"}, "courier": {"S": "CJGLS"}, "tracking_no": {"S": number}}}})
        acts.append({"Put": {"TableName": table, "Item": {
            "PK": {"S": pk}, "SK": {"S": f"LK#tracking#{number}"},
            "GSI2PK": {"S": f"S#{site_id}#LK#tracking#{number}"}, "GSI2SK": {"S": oid}}}})
        acts.append({"Put": {"TableName": table, "Item": {
            "PK": {"S": pk}, "SK": {"S": f"#TL#2026-03-02T00:00:00Z#{i}"}, "kind": {"S": "shipped"}}}})
        # the order leaves the 배송대기 tab for the 배송중 tab: tab items and the sharded tab counts
        acts.append({"Delete": {"TableName": table, "Key": {"PK": {"S": pk}, "SK": {"S": "TAB#ready_to_ship"}}}})
        acts.append({"Put": {"TableName": table, "Item": {
            "PK": {"S": pk}, "SK": {"S": "TAB#shipping"}, "GSI1PK": {"S": f"S#{site_id}#TAB#shipping"},
            "GSI1SK": {"S": oid}}}})
        shard = zlib.crc32(oid.encode()) % 8
        acts.append({"Update": {
            "TableName": table, "Key": {"PK": {"S": f"S#{site_id}#TABCOUNT#{shard}"}, "SK": {"S": "TABCOUNT"}},
            "UpdateExpression": "ADD #r :m, #s :p",
            "ExpressionAttributeNames": {"#r": "ready_to_ship", "#s": "shipping"},
            "ExpressionAttributeValues": {":m": {"N": "-1"}, ":p": {"N": "1"}}}})
        ddb.transact_write_items(TransactItems=acts)  # type: ignore[arg-type]

    with ThreadPoolExecutor(WORKERS) as pool:
        list(pool.map(one, enumerate(order_ids)))


def _s3_setup() -> Any:
    from oms_local.s3 import S3Local

    s3 = S3Local().start()
    os.environ["AWS_ENDPOINT_URL_S3"] = s3.endpoint
    os.environ["INVOICE_BUCKET"] = BUCKET
    s3.create_buckets([BUCKET])
    return s3


def _ingest(site_id: str, path: str) -> dict[str, Any]:
    import boto3

    from oms.domain.order import Actor
    from oms.services import invoices
    from oms.store import keys

    started = invoices.start_import(site_id, Actor("admin", "bench", "bench"), "bench.xlsx")
    key = keys.upload_key(site_id, started["import_id"])
    boto3.client("s3").upload_file(path, BUCKET, key)
    return invoices.ingest_object(BUCKET, key, workers=WORKERS)


def memory_child(n_orders: int) -> None:
    """In a fresh process: peak Python memory of one ingestion (orders and file prepared first)."""
    import resource
    import tracemalloc

    s3 = _s3_setup()
    try:
        site = new_site()
        ids = make_orders(site, n_orders)
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "in.xlsx")
            rows = workbook(ids, path)
            tracemalloc.start()
            out = _ingest(site, path)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
        assert out["applied"] == rows, out
        print(json.dumps({"rows": rows, "peak_mb": peak / 2**20,
                          "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
    finally:
        s3.stop()


def run(n_orders: int | None = None) -> None:
    n_orders = n_orders or size(2000, 20)
    s3 = _s3_setup()
    try:
        base_site, our_site = new_site(), new_site()
        base_ids = make_orders(base_site, n_orders)
        our_ids = make_orders(our_site, n_orders)
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "in.xlsx")
            rows = workbook(our_ids, path)
            _, t_base = timed(lambda: baseline(base_site, base_ids))
            out, t_ours = timed(lambda: _ingest(our_site, path))
        assert out["applied"] == rows, out
    finally:
        s3.stop()
    print_table(
        f"Invoice ingestion: {rows:,} rows over {n_orders:,} orders, DynamoDB Local, {WORKERS} workers",
        ["what", "seconds", "rows/s", "ratio"],
        [["raw boto3 baseline (Query + minimal TransactWriteItems per order)", f"{t_base:.1f}",
          f"{rows / t_base:.0f}", "1.00"],
         ["ingest_object (read file, validate, apply, result workbook, record)", f"{t_ours:.1f}",
          f"{rows / t_ours:.0f}", f"{t_ours / t_base:.2f}"]],
    )
    mem = []
    # 50,000 rows (the file limit) takes minutes to prepare and trace: BENCH_INGEST_50K=1 adds it
    for n in (n_orders // 5, n_orders, *((n_orders * 5,) if os.environ.get("BENCH_INGEST_50K") else ())):
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            [str(ROOT), str(ROOT / "shared"), str(ROOT / "local"),
             *(str(p) for p in sorted((ROOT / "functions").iterdir()))])}
        env.pop("AWS_ENDPOINT_URL_S3", None)
        res = subprocess.run([sys.executable, "-c", f"from bench.ingest import memory_child; memory_child({n})"],
                             env=env, capture_output=True, text=True, check=True)
        mem.append(json.loads(res.stdout.strip().splitlines()[-1]))
    print_table(
        "Invoice ingestion peak memory (tracemalloc during ingest_object, fresh process)",
        ["rows", "peak Python MB", "process max RSS MB", "ratio (peak)"],
        [[f"{m['rows']:,}", f"{m['peak_mb']:.1f}", f"{m['maxrss_mb']:.0f}", f"{m['peak_mb'] / mem[0]['peak_mb']:.2f}"]
         for m in mem],
    )
