"""The home screen's 결제요청 대기 (requests stored ``open``) on DynamoDB Local with the PG sandbox:
+1 when a request is made, −1 when it is cancelled, paid by card, given a virtual account, or
covered by money received outside — each in the order's own transaction."""

from __future__ import annotations

from oms_local.pg_sandbox import PgSandbox
from tests.integration.claims_support import COAT, buyer_call, card_order, member_claims, ok, use_pg
from tests.integration.payments_support import sandbox_fixture  # noqa: F401
from tests.integration.test_home import expect


def test_open_payment_requests_plus_one_when_made_minus_one_when_closed(sandbox: PgSandbox, site_id: str) -> None:
    use_pg(site_id)
    order_id, _ = card_order(sandbox, site_id)
    expect(site_id, preparing=1)
    ok("POST", f"/admin/orders/{order_id}/lines", site_id, {**COAT, "shipping_fee": 0}, expect=201)
    req = ok("POST", f"/admin/orders/{order_id}/payment-requests", site_id, {}, expect=201)["payment_requests"][0]
    expect(site_id, preparing=1, payreqs_open=1)
    ok("POST", f"/admin/orders/{order_id}/payment-requests/{req['request_id']}/cancel", site_id, {})
    expect(site_id, preparing=1)

    # asked again, then paid by card: −1 in the transaction that records the payment
    req = ok("POST", f"/admin/orders/{order_id}/payment-requests", site_id, {}, expect=201)["payment_requests"][0]
    expect(site_id, preparing=1, payreqs_open=1)
    pg = sandbox.authorise("toss", req["pg_order_id"], 35000)
    path = f"/buyer/orders/{order_id}/payment-requests/{req['request_id']}/pay"
    status, view = buyer_call("POST", path, member_claims(site_id), {"method": "card", "payment_key": pg.key})
    assert status == 200 and view["payment_requests"][0]["status"] == "paid", view
    expect(site_id, preparing=1)
    again = buyer_call("POST", path, member_claims(site_id), {"method": "card", "payment_key": pg.key})
    assert again[0] == 200  # answered again, recorded (and counted) once
    expect(site_id, preparing=1)
    expect(site_id + "-other")


def test_a_request_covered_by_money_received_outside_or_given_an_account_leaves_the_count(
        sandbox: PgSandbox, site_id: str) -> None:
    use_pg(site_id)
    covered, _ = card_order(sandbox, site_id)
    ok("POST", f"/admin/orders/{covered}/lines", site_id, {**COAT, "shipping_fee": 0}, expect=201)
    ok("POST", f"/admin/orders/{covered}/payment-requests", site_id, {}, expect=201)
    waiting, _ = card_order(sandbox, site_id)
    ok("POST", f"/admin/orders/{waiting}/lines", site_id, {**COAT, "shipping_fee": 0}, expect=201)
    req = ok("POST", f"/admin/orders/{waiting}/payment-requests", site_id, {}, expect=201)["payment_requests"][0]
    expect(site_id, preparing=2, payreqs_open=2)

    detail = ok("POST", f"/admin/orders/{covered}/payments/outside", site_id, {"amount": 35000}, expect=201)
    assert detail["payment_requests"][0]["status"] == "cancelled"  # closed by the money received
    expect(site_id, preparing=2, payreqs_open=1)
    # the buyer takes a virtual account: no longer waiting for the buyer (the deposit is)
    status, view = buyer_call("POST", f"/buyer/orders/{waiting}/payment-requests/{req['request_id']}/pay",
                              member_claims(site_id), {"method": "virtual_account"})
    assert status == 200 and view["payment_requests"][0]["status"] == "awaiting_deposit", view
    expect(site_id, preparing=2)
