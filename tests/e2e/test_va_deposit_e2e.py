"""End to end on the local stack: the gateway (routes from template.yaml), the PG sandbox and the
scheduler, over HTTP — create a VA order → the sandbox deposits → units in 상품준비 with the payment
time shown; forged and duplicated deliveries; VA expiry on demand."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from oms_local import tokens
from oms_local.gateway import Gateway
from oms_local.pg_sandbox import PgSandbox
from oms_local.scheduler import Scheduler
from oms_local.template import TEMPLATE_PATH


@pytest.fixture(scope="module")
def stack(ddb_endpoint: str, table_name: str) -> Iterator[dict[str, Any]]:
    sandbox = PgSandbox(port=0).start()
    gw = Gateway(TEMPLATE_PATH, table_name=table_name, port=0, env=sandbox.env()).start()
    sandbox.gateway_url = gw.url
    sched = Scheduler(gw, timers=False).start()
    try:
        yield {"api": gw.url, "pg": sandbox.url, "sandbox": sandbox}
    finally:
        sched.stop()
        gw.stop()
        sandbox.stop()


def _toss_auth(sandbox: PgSandbox) -> dict[str, str]:
    import base64

    return {"authorization": "Basic " + base64.b64encode(f"{sandbox.toss_secret_key}:".encode()).decode()}


def test_va_order_paid_by_sandbox_deposit(stack: dict[str, Any], site_id: str) -> None:
    api, pg, sandbox = stack["api"], stack["pg"], stack["sandbox"]
    admin = {"authorization": f"Bearer {tokens.mint_admin_token(site_id)}"}
    with httpx.Client(timeout=30) as http:
        # 1. the storefront asks the PG for a virtual account
        pg_order_id = f"{site_id}-{uuid.uuid4().hex[:10]}"
        va = http.post(f"{pg}/toss/v1/virtual-accounts", headers=_toss_auth(sandbox),
                       json={"amount": 39800, "orderId": pg_order_id, "orderName": "오버핏 티셔츠 외 1건",
                             "customerName": "홍길동", "validHours": 72}).json()
        assert va["status"] == "WAITING_FOR_DEPOSIT" and va["secret"]
        # 2. ... and hands the order to the checkout intake, with the account and its callback secret
        r = http.post(f"{api}/intake/orders", headers={"authorization": f"Bearer {tokens.service_token()}"}, json={
            "site_id": site_id, "checkout_id": uuid.uuid4().hex,
            "buyer": {"name": "홍길동", "phone": "010-9999-0000"},
            "recipient": {"name": "홍길동", "phone": "010-9999-0000", "postal_code": "06236",
                          "address1": "서울 강남구 테헤란로 1"},
            "lines": [{"product_code": "TEE-01", "product_name": "오버핏 티셔츠", "quantity": 2, "unit_price": 19900}],
            "payment": {"method": "virtual_account", "amount": 39800, "provider": "toss",
                        "pg_payment_key": va["paymentKey"], "pg_order_id": pg_order_id,
                        "deposit_secret": va["secret"],
                        "virtual_account": {"bank": "신한은행", "account_no": va["virtualAccount"]["accountNumber"],
                                            "holder": "데모샵", "due_at": va["virtualAccount"]["dueDate"]}},
        })
        assert r.status_code == 201, r.text
        order = r.json()
        assert "secret" not in r.text
        assert [line["status"] for line in order["lines"]] == ["payment_pending"]
        order_id = order["order_id"]

        # 3. forged callback: refused, nothing changes
        forged = http.post(f"{pg}/_sandbox/deposit", json={"provider": "toss", "payment_key": va["paymentKey"],
                                                            "mode": "forged"}).json()
        assert [s["status"] for s in forged["sent"]] == [401]
        detail = http.get(f"{api}/admin/orders/{order_id}", headers=admin).json()
        assert detail["lines"][0]["status"] == "payment_pending"

        # 4. the buyer deposits: the sandbox sends the genuine callback, three times at once
        sent = http.post(f"{pg}/_sandbox/deposit", json={"provider": "toss", "payment_key": va["paymentKey"],
                                                          "mode": "duplicate", "copies": 3}).json()["sent"]
        assert all(s["status"] in (200, 409) for s in sent) and any(s["status"] == 200 for s in sent)
        replay = http.post(f"{pg}/_sandbox/deposit", json={"provider": "toss", "payment_key": va["paymentKey"],
                                                            "mode": "replay"}).json()["sent"]
        assert replay[0]["status"] == 200

        detail = http.get(f"{api}/admin/orders/{order_id}", headers=admin).json()
        assert [(line["status"], line["status_ko"]) for line in detail["lines"]] == [("preparing", "상품준비")]
        pay = detail["payments"][0]
        assert pay["status"] == "paid" and pay["paid_at"] and pay["deposit_source"] == "pg"
        assert detail["amounts"]["paid"] == 39800 and detail["amounts"]["outstanding"] == 0
        assert [e["kind"] for e in detail["timeline"]].count("payment") == 1

        # 5. the scheduler's on-demand run of the expiry job answers through the gateway hook
        runs = http.post(f"{api}/_local/schedules/VaExpiryFunction").json()["runs"]
        assert runs[0]["ok"] is True and set(runs[0]["result"]) == {"due", "messages"}  # sent to its worker
        listed = http.get(f"{api}/_local/schedules").json()["schedules"]
        assert any(s["function"] == "VaExpiryFunction" for s in listed)


def test_portone_deposit_through_the_gateway(stack: dict[str, Any], site_id: str) -> None:
    api, pg, sandbox = stack["api"], stack["pg"], stack["sandbox"]
    payment_id = f"{site_id}-po-{uuid.uuid4().hex[:8]}"
    with httpx.Client(timeout=30) as http:
        issued = http.post(f"{pg}/portone/payments/{payment_id}/instant",
                           headers={"authorization": f"PortOne {sandbox.portone_api_secret}"},
                           json={"amount": {"total": 15000}, "orderName": "볼캡"}).json()
        r = http.post(f"{api}/intake/orders", headers={"authorization": f"Bearer {tokens.service_token()}"}, json={
            "site_id": site_id, "checkout_id": uuid.uuid4().hex,
            "buyer": {"name": "이서준", "phone": "010-2345-6789"},
            "recipient": {"name": "이서준", "phone": "010-2345-6789", "postal_code": "04524", "address1": "서울"},
            "lines": [{"product_code": "CAP-02", "product_name": "볼캡", "quantity": 1, "unit_price": 15000}],
            "payment": {"method": "virtual_account", "amount": 15000, "provider": "portone",
                        "pg_payment_key": payment_id, "pg_order_id": payment_id,
                        "virtual_account": {"bank": "신한은행", "account_no": issued["method"]["accountNumber"],
                                            "holder": "데모샵", "due_at": issued["method"]["expiredAt"]}},
        })
        order_id = r.json()["order_id"]
        for mode, expected in (("stale", 401), ("forged", 401), ("genuine", 200), ("replay", 200)):
            sent = http.post(f"{pg}/_sandbox/deposit", json={"provider": "portone", "payment_key": payment_id,
                                                              "mode": mode}).json()["sent"]
            assert sent[0]["status"] == expected, (mode, sent)
        admin = {"authorization": f"Bearer {tokens.mint_admin_token(site_id)}"}
        detail = http.get(f"{api}/admin/orders/{order_id}", headers=admin).json()
        assert detail["lines"][0]["status"] == "preparing"
        assert detail["payments"][0]["paid_at"]
