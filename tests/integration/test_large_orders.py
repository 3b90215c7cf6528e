"""Orders of any size on DynamoDB Local: a 500-line order (50 units a line) walks the whole main flow
— intake, deposit, split, every status move, tracking by hand and by Excel upload, combined
shipping, delivery, auto-confirm with points, VA expiry — and each change stays one bounded
transaction (1 consistent read + 1 TransactWriteItems for a status change)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from bench.common import RequestCounter
from oms.domain.clock import iso, parse_iso
from oms.domain.order import MAX_INTAKE_LINES, Actor
from oms.schemas.orders import BulkStatusIn, MoveIn
from oms.services import invoices, payments
from oms.services import orders as svc
from oms.store import keys, orders, points, stock
from oms.store.table import client, query_all
from scheduled_fn import auto_confirm, auto_confirm_worker
from tests import invoice_corpus as corpus
from tests.conftest import STANDARD_BUYER_POINTS
from tests.fanout_support import expire_here, fan_out_run
from tests.support import INVOICE_BUCKET, call, http_event, order_payload

pytestmark = pytest.mark.usefixtures("standard_buyer_points")

ADMIN = Actor("admin", "admin-1", "관리자")
LINES = 500
UNITS = 50
PRICE = 1000
BUCKET = INVOICE_BUCKET  # the one the functions' template environment names


def big_payload(site_id: str, *, lines: int = LINES, va: bool = True, **over: Any) -> dict[str, Any]:
    body = order_payload(site_id, **over)
    body["lines"] = [{"product_code": f"P{i:04d}", "product_name": f"대량 상품 {i}", "quantity": UNITS,
                      "unit_price": PRICE} for i in range(lines)]
    body["coupon_discount"] = 0
    body["points_used"] = 0
    # 500 lines × 50 units × 1,000원 = 25,000,000원 + 3,000원 shipping
    body["payment"] = {"method": "virtual_account" if va else "card", "provider": "toss",
                       "amount": lines * UNITS * PRICE + 3000}
    if va:
        body["payment"]["virtual_account"] = {"bank": "국민은행", "account_no": "123-456-789012",
                                              "holder": "주식회사 샵", "due_at": "2030-01-01T00:00:00+09:00"}
    return body


def intake(body: dict[str, Any]) -> tuple[int, Any]:
    from admin_api.app import lambda_handler

    status, out, _ = call(lambda_handler, http_event("POST", "/intake/orders", body, iam=True))
    return status, out


def admin(method: str, path: str, site_id: str, body: Any = None) -> tuple[int, Any]:
    from admin_api.app import lambda_handler

    status, out, _ = call(lambda_handler, http_event(method, path, body, site_id=site_id))
    return status, out


def statuses(site_id: str, order_id: str) -> dict[str, int]:
    order, _ = orders.load_order(site_id, order_id)
    return order.status_quantities()


@pytest.fixture
def counter() -> Iterator[RequestCounter]:
    c = RequestCounter().attach(client())
    yield c
    client().meta.events.unregister("before-call.dynamodb", c._hook)


@pytest.fixture
def bucket(s3_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> str:
    from oms_local.s3 import create_buckets

    create_buckets(boto3.client("s3", endpoint_url=s3_endpoint), [BUCKET])
    monkeypatch.setenv("INVOICE_BUCKET", BUCKET)
    return BUCKET


def test_a_500_line_order_walks_the_whole_main_flow(site_id: str, bucket: str, counter: RequestCounter) -> None:
    stock.set_quantity(site_id, "P0000", 100, "admin")
    status, out = intake(big_payload(site_id))
    assert status == 201, out
    oid = out["order_id"]
    assert statuses(site_id, oid) == {"payment_pending": LINES * UNITS}
    assert stock.list_stock(site_id)[0]["quantity"] == 50  # 100 - 50 of P0000

    # 수동 입금 확인: every line to 상품준비 in one transaction
    pay_id = next(p["payment_id"] for p in admin("GET", f"/admin/orders/{oid}", site_id)[1]["payments"])
    payments.confirm_manual_deposit(site_id, oid, pay_id, ADMIN)
    assert statuses(site_id, oid) == {"preparing": LINES * UNITS}

    # split 1 of 50 units of the first line, then move every line: 1 read + 1 transaction each
    with counter.measure() as calls:
        status, detail = admin("POST", f"/admin/orders/{oid}/status", site_id,
                               {"moves": [{"line_id": "L001", "to": "ready_to_ship", "quantity": 1}]})
    assert status == 200, detail
    assert dict(calls) == {"Query": 1, "TransactWriteItems": 1}
    assert len(detail["lines"]) == LINES + 1
    assert detail["timeline"][0]["kind"] == "status_changed"  # built from the committed change
    with counter.measure() as calls:
        svc.change_status(site_id, oid, [MoveIn(line_id=f"L{i:03d}", to="ready_to_ship")  # type: ignore[arg-type]
                                         for i in range(1, LINES + 1)], ADMIN)
    assert dict(calls) == {"Query": 1, "TransactWriteItems": 1}
    assert statuses(site_id, oid) == {"ready_to_ship": LINES * UNITS}

    # tracking numbers by Excel upload: 501 rows, one number; every line goes to 배송중
    template = invoices.build_template(site_id, [oid])
    order, _ = orders.load_order(site_id, oid)
    filled = corpus.fill(template, {(oid, line.line_id): ("CJ대한통운", "631234567890") for line in order.lines})
    started = invoices.start_import(site_id, ADMIN, "large.xlsx")
    boto3.client("s3").put_object(Bucket=bucket, Key=keys.upload_key(site_id, started["import_id"]), Body=filled)
    result = invoices.ingest_object(bucket, keys.upload_key(site_id, started["import_id"]))
    assert result["status"] == "done", result
    assert statuses(site_id, oid) == {"shipping": LINES * UNITS}

    # 배송완료 for all, then the auto-confirm job confirms them 7 KST days later, accruing points once
    svc.bulk_change(site_id, BulkStatusIn(order_ids=[oid], to="delivered"), ADMIN)  # type: ignore[arg-type]
    order, _ = orders.load_order(site_id, oid)
    due_day = order.lines[0].auto_confirm_on
    assert due_day is not None
    run = fan_out_run(auto_confirm.lambda_handler, auto_confirm_worker.lambda_handler,
                      {"time": iso(parse_iso(f"{due_day}T00:30:00+09:00"))}, "AutoConfirmQueue")
    assert run.failed == [] and (site_id, oid) in run.orders()
    assert statuses(site_id, oid) == {"confirmed": LINES * UNITS}
    # 1% of 25,000,000원 (each line's paid amount 50,000원 × 1% = 500원, × 501 lines counted by amount)
    assert points.balance(site_id, "m-100") == STANDARD_BUYER_POINTS + 250_000
    # every change wrote one timeline item: intake, deposit, split, move, upload, deliver, confirm
    timeline = query_all(KeyConditionExpression="PK = :pk AND begins_with(SK, :t)",
                         ExpressionAttributeValues={":pk": {"S": keys.order_pk(site_id, oid)},
                                                    ":t": {"S": keys.TIMELINE_PREFIX}})
    assert len(timeline) <= 10
    assert sum(len(t["events"]) for t in timeline) > 4 * LINES


def test_combined_shipping_and_tracking_of_a_500_line_order(site_id: str) -> None:
    big = intake(big_payload(site_id, va=False))[1]["order_id"]
    small = intake(order_payload(site_id))[1]["order_id"]
    for oid in (big, small):
        status, out = admin("POST", "/admin/orders/bulk/status", site_id, {"order_ids": [oid], "to": "ready_to_ship"})
        assert status == 200 and out["done"] == 1, out
    # by hand: 100 lines per call share one shipment
    status, out = admin("POST", f"/admin/orders/{big}/tracking", site_id,
                        {"line_ids": [f"L{i:03d}" for i in range(1, 101)], "courier": "CJGLS",
                         "tracking_no": "631234567890"})
    assert status == 200, out
    assert {li["tracking_no"] for li in out["lines"][:100]} == {"631234567890"}
    status, out = admin("POST", "/admin/shipments/combined", site_id, {
        "orders": [{"order_id": big, "line_ids": [f"L{i:03d}" for i in range(101, 501)]},
                   {"order_id": small, "line_ids": ["L001", "L002"]}],
        "courier": "CJGLS", "tracking_no": "631234567891"})
    assert status == 201, out
    order, _ = orders.load_order(site_id, big)
    assert {order.tracking_of(li) for li in order.lines} == {"631234567890", "631234567891"}


def test_a_500_line_unpaid_order_expires_and_owes_nothing(site_id: str) -> None:
    status, out = intake(big_payload(site_id))
    assert status == 201, out
    oid = out["order_id"]
    counts = expire_here(iso(parse_iso("2030-01-02T00:00:00+09:00")))
    assert counts["expired"] >= 1
    order, _ = orders.load_order(site_id, oid)
    assert order.status_quantities() == {"cancelled": LINES * UNITS}
    # nothing shipped: the prepaid 3,000원 shipping fee is not owed either
    assert order.order_amount == 0 and order.outstanding == 0


def test_an_order_over_the_line_limit_is_refused_at_intake(site_id: str) -> None:
    status, out = intake(big_payload(site_id, lines=MAX_INTAKE_LINES + 1))
    assert status == 400, out
    assert out["code"] == "VALIDATION_FAILED" and out["errors"][0]["field"] == "lines", out
    assert orders.tab_counts(site_id) == {}


def test_an_order_drawing_on_too_many_stocked_skus_is_refused(site_id: str) -> None:
    for i in range(31):
        stock.set_quantity(site_id, f"P{i:04d}", 1000, "admin")
    status, out = intake(big_payload(site_id, lines=40, va=False))
    assert status == 422, out
    assert out["code"] == "ORDER_TOO_MANY_STOCK_ITEMS"
    assert {s["quantity"] for s in stock.list_stock(site_id)} == {1000}
