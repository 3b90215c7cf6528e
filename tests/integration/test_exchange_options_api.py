"""교환 옵션 over the HTTP API on DynamoDB Local: an exchange to another size takes the new size's
stock once, when the shop accepts it (refused when short, the order unchanged), gives the returned
size back on completion, ships the replacement as a new line in 상품준비 and owes the option
difference; the buyer's request is priced by the admin at 수거중.

Money (by hand): 티셔츠 39,000원 사이즈 M (+0) × 2 → 사이즈 L (+3,000원): difference 3,000 × 2 = +6,000원;
단순변심 → exchange fee 3,000 × 2 ways = 6,000원; the order then owes 6,000 + 6,000 = +12,000원.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from oms.store import orders as store
from oms_local.pg_sandbox import PgSandbox
from tests.integration.claims_support import admin, buyer_call, card_order, deliver, member_claims, ok, use_pg
from tests.integration.payments_support import sandbox_fixture  # noqa: F401

TEE = {"product_code": "TEE", "product_name": "티셔츠", "quantity": 2, "unit_price": 39000,
       "options": [{"name": "사이즈", "value": "M"}]}
M, L = "TEE|사이즈=M", "TEE|사이즈=L"
LARGE = {"options": [{"name": "사이즈", "value": "L", "price": 3000}]}
PICKUP = {"method": "courier", "courier": "CJGLS", "tracking_no": "555000111"}


def set_stock(site_id: str, sku: str, quantity: int) -> None:
    ok("PUT", f"/admin/stock/{quote(sku, safe='')}", site_id, {"quantity": quantity})


def stock_of(site_id: str) -> dict[str, int]:
    return {i["sku"]: i["quantity"] for i in ok("GET", "/admin/stock", site_id)["items"]}


def exchange_body(**over: Any) -> dict[str, Any]:
    return {"type": "exchange", "items": [{"line_id": "L001", "quantity": 2}], "reason": "intent_changed",
            "collection": PICKUP, "fee_payment": "deduct", "exchange_option": LARGE, **over}


def step(site_id: str, order_id: str, cid: str, to: str, **body: Any) -> Any:
    return ok("POST", f"/admin/orders/{order_id}/claims/{cid}/steps", site_id, {"to": to, **body})


def test_admin_exchange_to_another_size(sandbox: PgSandbox, site_id: str) -> None:
    use_pg(site_id, return_shipping_fee=3000)
    set_stock(site_id, M, 10)
    set_stock(site_id, L, 1)
    order_id, _ = card_order(sandbox, site_id, lines=[TEE])  # 78,000 + 3,000 shipping
    deliver(site_id, order_id, ["L001"])
    assert stock_of(site_id) == {M: 8, L: 1}

    # one L left for two units: refused with the intake's code, nothing written
    before = store.load_order(site_id, order_id)[0]
    status, problem = admin("POST", f"/admin/orders/{order_id}/claims", site_id, exchange_body())
    assert status == 409 and problem["code"] == "OUT_OF_STOCK", problem
    assert (problem["sku"], problem["requested"], problem["available"]) == (L, 2, 1)
    after = store.load_order(site_id, order_id)[0]
    assert (after.version, after.claims, after.lines) == (before.version, {}, before.lines)
    assert stock_of(site_id) == {M: 8, L: 1}

    # another product is refused by the rule
    status, problem = admin("POST", f"/admin/orders/{order_id}/claims", site_id,
                            exchange_body(exchange_option={**LARGE, "product_code": "COAT"}))
    assert status == 422 and problem["code"] == "EXCHANGE_OPTION_OTHER_PRODUCT", problem

    # accepted (the admin's request): the two L are taken at once, once
    set_stock(site_id, L, 5)
    detail = ok("POST", f"/admin/orders/{order_id}/claims", site_id, exchange_body(), expect=201)
    claim = detail["claims"][0]
    cid = claim["claim_id"]
    assert claim["replacement"]["option_price"] == 3000 and claim["replacement"]["stock_keys"] == [L]
    assert claim["replacement_text"] == "사이즈: L"
    assert stock_of(site_id) == {M: 8, L: 3}
    for to in ("collecting", "collected"):
        step(site_id, order_id, cid, to)
    assert stock_of(site_id) == {M: 8, L: 3}

    # completed: the M come back, the replacement is a new line in 상품준비 with the new size
    detail = step(site_id, order_id, cid, "complete")
    assert stock_of(site_id) == {M: 10, L: 3}
    [new] = [li for li in detail["lines"] if li["line_id"] == detail["claims"][0]["exchange_lines"][0]]
    assert (new["status"], new["quantity"], new.get("shipment_id")) == ("preparing", 2, None)
    assert new["option_text"] == "사이즈: L" and new["options"] == [{"name": "사이즈", "value": "L", "price": 3000}]
    saved = store.load_order(site_id, order_id)[0]
    line = saved.line(new["line_id"])
    assert (line.option_price, line.stock_keys, line.shipment_id) == (3000, [L], None)
    assert detail["amounts"]["outstanding"] == 6000  # (3,000 − 0) × 2

    # the calculation itemises the difference; settling requests difference + fee both ways
    calc = ok("POST", f"/admin/orders/{order_id}/claims/{cid}/calculate", site_id, {"basis": "paid"})
    assert (calc["option_difference"]["amount"], calc["option_difference"]["rule"]) == (
        6000, "exchange.option_difference")
    assert (calc["return_fee"]["amount"], calc["total"], calc["outstanding_after"]) == (6000, -12000, 12000)
    done = ok("POST", f"/admin/orders/{order_id}/claims/{cid}/settle", site_id,
              {"direction": "request", "basis": "paid"})
    assert done["order"]["amounts"]["outstanding"] == 12000
    assert [(c["kind"], c["amount"]) for c in done["order"]["charges"]] == [("exchange_fee", 6000)]
    assert done["payment_request"]["amount"] == 12000


def test_buyer_asks_for_another_size_and_the_admin_prices_it_at_collection(sandbox: PgSandbox,
                                                                          site_id: str) -> None:
    use_pg(site_id, return_shipping_fee=3000)
    set_stock(site_id, L, 2)
    order_id, _ = card_order(sandbox, site_id, lines=[TEE])
    deliver(site_id, order_id, ["L001"])
    body = {"type": "exchange", "items": [{"line_id": "L001", "quantity": 2}], "reason": "color_and_size",
            "exchange_option": {"options": [{"name": "사이즈", "value": "L"}]}}
    status, view = buyer_call("POST", f"/buyer/orders/{order_id}/claims", member_claims(site_id), body)
    assert status == 201, view
    [claim] = view["claims"]
    assert claim["exchange_option"] == {"options": [{"name": "사이즈", "value": "L"}], "option_text": "사이즈: L",
                                        "option_price": None, "confirmed": False}
    assert stock_of(site_id) == {L: 2}  # not accepted yet
    # a price in the buyer's request is not accepted by the schema
    priced = {**body, "exchange_option": {"options": [{"name": "사이즈", "value": "L", "price": 0}]}}
    status, _ = buyer_call("POST", f"/buyer/orders/{order_id}/claims", member_claims(site_id), priced)
    assert status == 400

    cid = claim["claim_id"]
    status, problem = admin("POST", f"/admin/orders/{order_id}/claims/{cid}/steps", site_id, {"to": "collecting"})
    assert status == 422 and problem["code"] == "EXCHANGE_OPTION_PRICE_REQUIRED", problem
    step(site_id, order_id, cid, "collecting", exchange_option_price=3000)
    assert stock_of(site_id) == {L: 0}
    # rejected after acceptance: the L come back
    step(site_id, order_id, cid, "reject", reason="수거 상품 불량")
    assert stock_of(site_id) == {L: 2}
