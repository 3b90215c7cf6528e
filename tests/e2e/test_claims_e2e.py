"""End to end over HTTP on the local stack (gateway from template.yaml, PG sandbox calling back):
the four flows of the README tour "Returns, exchanges and refunds"."""

from __future__ import annotations

import base64
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from oms_local import tokens
from oms_local.gateway import Gateway
from oms_local.parameters import bootstrap_local
from oms_local.pg_sandbox import PgSandbox
from oms_local.template import TEMPLATE_PATH, load_template


@pytest.fixture(scope="module")
def stack(ddb_endpoint: str, table_name: str, local_dir: Path, parameter_store: str) -> Iterator[dict[str, Any]]:
    sandbox = PgSandbox(port=0, cancel_callback_delay=0.05).start()
    with pytest.MonkeyPatch.context() as mp:  # guest tokens are signed with this session's dev key
        mp.setenv("OMS_LOCAL_DIR", str(local_dir))
        # the guest token key is a parameter of the store: this session's key, back to the default after
        bootstrap_local(parameter_store, load_template())
        gw = Gateway(TEMPLATE_PATH, table_name=table_name, port=0, env=sandbox.env()).start()
    sandbox.gateway_url = gw.url
    try:
        yield {"api": gw.url, "pg": sandbox.url, "sandbox": sandbox}
    finally:
        gw.stop()
        sandbox.stop()
        bootstrap_local(parameter_store, load_template())


class Client:
    def __init__(self, http: httpx.Client, api: str, pg: str, site_id: str) -> None:
        self.http, self.api, self.pg, self.site = http, api, pg, site_id
        self.admin = {"authorization": f"Bearer {tokens.mint_admin_token(site_id)}"}
        self.service = {"authorization": f"Bearer {tokens.service_token()}"}

    def call(self, method: str, path: str, body: Any = None, *, expect: int = 200,
             headers: dict[str, str] | None = None) -> Any:
        r = self.http.request(method, f"{self.api}{path}", json=body, headers=headers or self.admin)
        assert r.status_code == expect, r.text
        return r.json()

    def card_order(self, lines: list[dict[str, Any]], *, postal_code: str = "06236", shipping_fee: int = 3000,
                   method: str = "card") -> str:
        """The storefront takes a card payment at the PG (sandbox), then hands the order in."""
        amount = sum(li["unit_price"] * li["quantity"] for li in lines) + shipping_fee
        pg_order_id = f"{self.site}-{uuid.uuid4().hex[:10]}"
        paid = self.http.post(f"{self.pg}/_sandbox/payments",
                              json={"provider": "toss", "order_id": pg_order_id, "amount": amount}).json()
        body = {"site_id": self.site, "checkout_id": uuid.uuid4().hex,
                "buyer": {"name": "홍길동", "phone": "010-9999-0000"},
                "recipient": {"name": "홍길동", "phone": "010-9999-0000", "postal_code": postal_code,
                              "address1": "서울 강남구 테헤란로 1"},
                "lines": lines, "shipping_fee": shipping_fee,
                "payment": {"method": method, "amount": amount, "provider": "toss",
                            "pg_payment_key": paid["paymentKey"], "pg_order_id": pg_order_id}}
        return str(self.call("POST", "/intake/orders", body, expect=201, headers=self.service)["order_id"])

    def deliver(self, order_id: str, line_ids: list[str]) -> None:
        for to in ("ready_to_ship", "shipping", "delivered"):
            self.call("POST", f"/admin/orders/{order_id}/status",
                      {"moves": [{"line_id": lid, "to": to} for lid in line_ids]})

    def claim(self, order_id: str, type: str, items: list[tuple[str, int]], reason: str) -> str:
        d = self.call("POST", f"/admin/orders/{order_id}/claims",
                      {"type": type, "items": [{"line_id": lid, "quantity": q} for lid, q in items],
                       "reason": reason, "fee_payment": "deduct",
                       "collection": {"method": "courier", "courier": "CJGLS", "tracking_no": "123456789012"}},
                      expect=201)
        cid = str(d["claims"][-1]["claim_id"])
        for to in ("collecting", "collected", "complete"):
            self.call("POST", f"/admin/orders/{order_id}/claims/{cid}/steps", {"to": to})
        return cid


SHIRT = {"product_code": "TEE-01", "product_name": "오버핏 티셔츠", "quantity": 2, "unit_price": 19900}
CAP = {"product_code": "CAP-02", "product_name": "볼캡", "quantity": 1, "unit_price": 15000}


@pytest.fixture
def client(stack: dict[str, Any], site_id: str, local_keys: Any) -> Iterator[Client]:
    with httpx.Client(timeout=30) as http:
        c = Client(http, stack["api"], stack["pg"], site_id)
        c.call("PATCH", "/admin/settings", {"payments": {"pg_provider": "toss"},
                                            "claims": {"return_shipping_fee": 3000}})
        yield c


def _pg_payments(c: Client) -> dict[str, dict[str, Any]]:
    return {p["orderId"]: p for p in c.http.get(f"{c.pg}/_sandbox/payments").json()}


def test_partial_return_with_a_return_fee_refunded_through_the_pg(client: Client) -> None:
    c = client
    order_id = c.card_order([SHIRT, CAP])  # 39,800 + 15,000 + 3,000 = 57,800
    c.deliver(order_id, ["L001", "L002"])
    cid = c.claim(order_id, "return", [("L001", 1)], "intent_changed")
    calc = c.call("POST", f"/admin/orders/{order_id}/claims/{cid}/calculate", {"basis": "paid"})
    assert (calc["product"]["amount"], calc["return_fee"]["amount"], calc["total"]) == (19900, 3000, 16900)
    done = c.call("POST", f"/admin/orders/{order_id}/claims/{cid}/settle", {"direction": "refund"})
    assert done["refund"]["refunded"] == 16900 and done["order"]["amounts"]["outstanding"] == 0
    pg_order_id = done["order"]["payments"][0]["pg_order_id"]
    pg = _pg_payments(c)[pg_order_id]
    assert pg["status"] == "PARTIAL_CANCELED" and pg["balanceAmount"] == 57800 - 16900
    # the PG's own cancel callback arrives later and is not counted twice
    time.sleep(0.5)
    detail = c.call("GET", f"/admin/orders/{order_id}")
    assert detail["amounts"]["refunded"] == 16900 and detail["amounts"]["outstanding"] == 0


def test_exchange_to_another_product_then_the_guest_pays_the_request(client: Client) -> None:
    c = client
    order_id = c.card_order([SHIRT])  # 39,800 + 3,000
    c.deliver(order_id, ["L001"])
    # the buyer wants a cap instead of one shirt (색상/사이즈 변경: buyer's fault): return + added line
    cid = c.claim(order_id, "return", [("L001", 1)], "color_and_size")
    added = c.call("POST", f"/admin/orders/{order_id}/lines", {**CAP, "quantity": 2}, expect=201)
    assert added["amounts"]["outstanding"] == 2 * 15000 - 19900
    # settling as 결제요청 asks the buyer for the outstanding at once
    done = c.call("POST", f"/admin/orders/{order_id}/claims/{cid}/settle", {"direction": "request"})
    assert done["order"]["amounts"]["outstanding"] == 30000 - 19900 + 3000
    req = done["payment_request"]
    assert (req["amount"], req["status"]) == (13100, "open")
    c.call("POST", f"/admin/orders/{order_id}/payment-requests", {}, expect=409)  # one open at a time

    # the guest opens the order (order number + phone), approves the amount in the PG's card window, pays
    session = c.call("POST", "/buyer/guest/session", {"site_id": c.site, "order_id": order_id,
                                                      "phone": "010-9999-0000"}, headers={})
    guest = {"authorization": f"Bearer {session['access_token']}"}
    mine = c.call("GET", f"/buyer/guest/orders/{order_id}", headers=guest)
    [shown] = mine["payment_requests"]
    assert (shown["status"], shown["amount"]) == ("open", 13100)
    paid = c.http.post(f"{c.pg}/_sandbox/payments",
                       json={"provider": "toss", "order_id": shown["pg_order_id"], "amount": 13100}).json()
    view = c.call("POST", f"/buyer/guest/orders/{order_id}/payment-requests/{shown['request_id']}/pay",
                  {"method": "card", "payment_key": paid["paymentKey"]}, headers=guest)
    assert view["amounts"]["outstanding"] == 0 and view["payment_requests"][0]["status"] == "paid"


def test_va_partial_refund_refused_then_force_completed(client: Client, stack: dict[str, Any]) -> None:
    c, sandbox = client, stack["sandbox"]
    auth = {"authorization": "Basic " + base64.b64encode(f"{sandbox.toss_secret_key}:".encode()).decode()}
    pg_order_id = f"{c.site}-{uuid.uuid4().hex[:10]}"
    va = c.http.post(f"{c.pg}/toss/v1/virtual-accounts", headers=auth,
                     json={"amount": 42800, "orderId": pg_order_id, "orderName": "티셔츠",
                           "customerName": "홍길동"}).json()
    body = {"site_id": c.site, "checkout_id": uuid.uuid4().hex, "buyer": {"name": "홍길동", "phone": "010-9999-0000"},
            "recipient": {"name": "홍길동", "phone": "010-9999-0000", "postal_code": "06236", "address1": "서울"},
            "lines": [SHIRT], "shipping_fee": 3000,
            "payment": {"method": "virtual_account", "amount": 42800, "provider": "toss",
                        "pg_payment_key": va["paymentKey"], "pg_order_id": pg_order_id, "deposit_secret": va["secret"],
                        "virtual_account": {"bank": "신한은행", "account_no": va["virtualAccount"]["accountNumber"],
                                            "holder": "데모샵", "due_at": va["virtualAccount"]["dueDate"]}}}
    order_id = c.call("POST", "/intake/orders", body, expect=201, headers=c.service)["order_id"]
    sent = c.http.post(f"{c.pg}/_sandbox/deposit", json={"provider": "toss", "order_id": pg_order_id}).json()
    assert sent["sent"][0]["status"] == 200
    c.deliver(order_id, ["L001"])
    cid = c.claim(order_id, "return", [("L001", 1)], "broken")  # shop's fault: no return fee
    done = c.call("POST", f"/admin/orders/{order_id}/claims/{cid}/settle", {"direction": "refund"})
    [result] = done["refund"]["results"]
    assert result["code"] == "VA_PARTIAL_REFUND_NOT_ALLOWED" and result["amount"] == 19900
    payment_id = result["payment_id"]
    detail = c.call("POST", f"/admin/orders/{order_id}/payments/{payment_id}/refunds/force-complete",
                    {"amount": 19900, "bank_note": "국민 123-***-789 홍길동 (PG 관리자 화면에서 부분환불)"})
    assert detail["amounts"]["outstanding"] == 0 and detail["amounts"]["refunded"] == 19900
    assert detail["timeline"][0]["kind"] == "refund_forced"


def test_address_change_to_jeju_becomes_outstanding(client: Client) -> None:
    c = client
    order_id = c.card_order([CAP])
    detail = c.call("PATCH", f"/admin/orders/{order_id}/recipient",
                    {"name": "홍길동", "phone": "010-9999-0000", "postal_code": "63100",
                     "address1": "제주특별자치도 제주시 첨단로 242"})
    assert detail["amounts"]["outstanding"] == 3000
    assert detail["charges"][0]["kind"] == "remote_area"
    req = c.call("POST", f"/admin/orders/{order_id}/payment-requests", {}, expect=201)["payment_requests"][0]
    assert req["amount"] == 3000


def test_a_request_paid_by_a_new_virtual_account_and_the_sandbox_deposit(client: Client) -> None:
    c = client
    order_id = c.card_order([SHIRT])
    c.call("POST", f"/admin/orders/{order_id}/lines", CAP, expect=201)
    req = c.call("POST", f"/admin/orders/{order_id}/payment-requests", {}, expect=201)["payment_requests"][0]
    session = c.call("POST", "/buyer/guest/session", {"site_id": c.site, "order_id": order_id,
                                                      "phone": "010-9999-0000"}, headers={})
    guest = {"authorization": f"Bearer {session['access_token']}"}
    view = c.call("POST", f"/buyer/guest/orders/{order_id}/payment-requests/{req['request_id']}/pay",
                  {"method": "virtual_account"}, headers=guest)
    assert view["payment_requests"][0]["payment"]["virtual_account"]["account_no"]
    # the buyer deposits: the sandbox calls the gateway back, as in the README
    sent = c.http.post(f"{c.pg}/_sandbox/deposit",
                       json={"provider": "toss", "order_id": f"{req['pg_order_id']}-V1"}).json()
    assert sent["sent"][0]["status"] == 200, sent
    mine = c.call("GET", f"/buyer/guest/orders/{order_id}", headers=guest)
    assert mine["amounts"]["outstanding"] == 0 and mine["payment_requests"][0]["status"] == "paid"
