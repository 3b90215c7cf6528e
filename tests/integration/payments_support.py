"""Shared set-up of the payment tests: a PG sandbox for the adapters, VA orders, callback events."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from oms.schemas.orders import IntakeOrderIn
from oms.services import intake
from oms.store import orders as store
from oms_local.pg_sandbox import PgSandbox, SandboxPayment
from tests.support import FakeContext


@pytest.fixture(name="sandbox", scope="module")
def sandbox_fixture() -> Iterator[PgSandbox]:
    sb = PgSandbox(port=0).start()
    saved = {k: os.environ.get(k) for k in sb.env()}
    os.environ.update(sb.env())
    try:
        yield sb
    finally:
        sb.stop()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def va_order(sandbox: PgSandbox, site_id: str, provider: str = "toss", *, kind: str = "physical",
             quantity: int = 1, unit_price: int = 10000, cash_receipt: dict[str, Any] | None = None,
             stock_sku: str | None = None) -> tuple[str, str, SandboxPayment]:
    """A virtual-account order taken in after the PG issued the account: (order id, payment id, PG payment)."""
    pg_order_id = f"{site_id}-{uuid.uuid4().hex[:12]}"
    amount = unit_price * quantity
    pg = sandbox.issue_virtual_account(provider, pg_order_id, amount, order_name="테스트 상품", holder="김민지")
    payment: dict[str, Any] = {
        "method": "virtual_account", "amount": amount, "provider": provider, "pg_payment_key": pg.key,
        "pg_order_id": pg_order_id,
        "virtual_account": {"bank": "신한은행", "account_no": pg.account_no, "holder": "데모샵",
                            "due_at": pg.due_at.isoformat() if pg.due_at else None},
    }
    if provider == "toss":
        payment["deposit_secret"] = pg.secret
    if cash_receipt:
        payment["cash_receipt"] = cash_receipt
    body = {
        "site_id": site_id, "checkout_id": uuid.uuid4().hex,
        "buyer": {"name": "김민지", "phone": "010-1234-5678"},
        "recipient": {"name": "김민지", "phone": "010-1234-5678", "postal_code": "04524", "address1": "서울 중구"},
        "lines": [{"product_code": stock_sku or "TEE-01", "product_name": "티셔츠", "quantity": quantity,
                   "unit_price": unit_price, "kind": kind}],
        "payment": payment,
    }
    order_id, _ = intake.create_order(IntakeOrderIn.model_validate(body))
    _, items = store.load_order(site_id, order_id)
    payment_id = next(str(i["payment_id"]) for i in items if i["SK"].startswith("PAY#"))
    return order_id, payment_id, pg


def webhook_event(provider: str, headers: dict[str, str], body: bytes) -> dict[str, Any]:
    path = f"/webhooks/{provider}"
    return {
        "version": "2.0", "routeKey": "POST /webhooks/{provider}", "rawPath": path, "rawQueryString": "",
        "headers": {k.lower(): v for k, v in headers.items()},
        "pathParameters": {"provider": provider},
        "requestContext": {"accountId": "000000000000", "apiId": "local", "domainName": "127.0.0.1",
                           "http": {"method": "POST", "path": path, "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1",
                                    "userAgent": "pg"},
                           "requestId": uuid.uuid4().hex, "routeKey": "POST /webhooks/{provider}",
                           "stage": "$default", "timeEpoch": 0},
        "body": body.decode(), "isBase64Encoded": False,
    }


def deliver(provider: str, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, Any]]:
    from webhooks_api.app import lambda_handler

    resp = lambda_handler(webhook_event(provider, headers, body), FakeContext())
    return resp["statusCode"], json.loads(resp["body"])


def snapshot(site_id: str, order_id: str) -> dict[str, Any]:
    """What a callback may change: the order's version, statuses, money, payments and timeline."""
    order, events = store.load_detail(site_id, order_id, timeline_limit=200)
    pays = [p.view() for p in order.payments.values()]
    return {"version": order.version, "statuses": [line.status.value for line in order.lines],
            "paid_total": order.paid_total, "refunded_total": order.refunded_total,
            "payments": pays, "events": [e["kind"] for e in events], "closed": order.closed}
