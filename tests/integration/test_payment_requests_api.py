"""결제요청 and the balance through the admin and buyer handlers on DynamoDB Local with the PG sandbox:
added lines, requests paid by card and by new virtual accounts (Toss and PortOne style), cancelling
a request with its waiting account, the address change to 제주."""

from __future__ import annotations

from oms_local.pg_sandbox import PgSandbox
from tests.integration.claims_support import COAT, admin, card_order, deliver, lines, ok, use_pg
from tests.integration.payments_support import sandbox_fixture  # noqa: F401


def test_added_line_and_payment_request_paid_by_card(sandbox: PgSandbox, site_id: str) -> None:
    use_pg(site_id)
    order_id, _ = card_order(sandbox, site_id)
    status, problem = admin("POST", f"/admin/orders/{order_id}/payment-requests", site_id, {})
    assert status == 409 and problem["code"] == "NOTHING_OUTSTANDING"
    detail = ok("POST", f"/admin/orders/{order_id}/lines", site_id, {**COAT, "shipping_fee": 0}, expect=201)
    assert lines(detail)["L003"] == ("preparing", 1) and detail["amounts"]["outstanding"] == 35000
    req = ok("POST", f"/admin/orders/{order_id}/payment-requests", site_id, {"note": "코트로 교환 차액"},
             expect=201)["payment_requests"][0]
    assert (req["status"], req["amount"]) == ("open", 35000)
    status, problem = admin("POST", f"/admin/orders/{order_id}/payment-requests", site_id, {})
    assert status == 409 and problem["code"] == "PAYMENT_REQUEST_OPEN"

    # cancel and ask again
    ok("POST", f"/admin/orders/{order_id}/payment-requests/{req['request_id']}/cancel", site_id, {})
    req = ok("POST", f"/admin/orders/{order_id}/payment-requests", site_id, {}, expect=201)["payment_requests"][0]

    from tests.integration.claims_support import buyer_call, member_claims

    pg = sandbox.authorise("toss", req["pg_order_id"], 35000)  # the buyer approves in the PG's window
    assert pg.status == "IN_PROGRESS" and sandbox.captured("toss", {req["pg_order_id"]}) == 0
    path = f"/buyer/orders/{order_id}/payment-requests/{req['request_id']}/pay"
    status, view = buyer_call("POST", path, member_claims(site_id), {"method": "card", "payment_key": pg.key})
    assert status == 200, view
    assert view["amounts"]["outstanding"] == 0 and view["payment_requests"][0]["status"] == "paid"
    again = buyer_call("POST", path, member_claims(site_id), {"method": "card", "payment_key": pg.key})
    assert again[0] == 200 and again[1]["amounts"]["paid"] == 53000 + 35000  # recorded once
    assert sandbox.captured("toss", {req["pg_order_id"]}) == 35000  # we confirmed it: captured once
    # another order's payment is not this request's
    wrong = sandbox.create_paid("toss", "other-order-id", 35000)
    status, problem = buyer_call("POST", path, member_claims(site_id), {"method": "card", "payment_key": wrong.key})
    assert status == 409 and problem["code"] == "PAYMENT_NOT_FOR_REQUEST"
    assert sandbox.captured("toss", {"other-order-id"}) == 35000  # not ours: left alone
    # another member cannot pay it
    status, _ = buyer_call("POST", path, member_claims(site_id, "m-999"), {"method": "card", "payment_key": pg.key})
    assert status == 404


def test_payment_request_paid_by_a_new_virtual_account(sandbox: PgSandbox, site_id: str) -> None:
    from tests.integration.claims_support import GUEST, buyer_call, guest_claims
    from tests.integration.payments_support import deliver as deliver_callback

    use_pg(site_id)
    order_id, _ = card_order(sandbox, site_id, buyer=GUEST)
    ok("POST", f"/admin/orders/{order_id}/lines", site_id, {**COAT, "shipping_fee": 2500}, expect=201)
    req = ok("POST", f"/admin/orders/{order_id}/payment-requests", site_id, {}, expect=201)["payment_requests"][0]
    assert req["amount"] == 37500
    path = f"/buyer/guest/orders/{order_id}/payment-requests/{req['request_id']}/pay"
    status, view = buyer_call("POST", path, guest_claims(site_id, order_id), {"method": "virtual_account"})
    assert status == 200, view
    shown = view["payment_requests"][0]
    assert shown["status"] == "awaiting_deposit" and shown["payment"]["virtual_account"]["account_no"]

    # the buyer deposits; the PG's deposit callback pays the request (twice delivered, counted once)
    pay = sandbox.find("toss", order_id=f"{req['pg_order_id']}-V1")
    sandbox.deposited(pay)
    headers, body = sandbox.callback("toss", pay)
    for _ in range(2):
        status, answer = deliver_callback("toss", headers, body)
        assert status == 200, answer
    detail = ok("GET", f"/admin/orders/{order_id}", site_id)
    assert detail["amounts"]["outstanding"] == 0 and detail["amounts"]["paid"] == 53000 + 37500
    assert detail["payment_requests"][0]["status"] == "paid"


def test_address_change_to_jeju_adds_the_remote_fee(sandbox: PgSandbox, site_id: str) -> None:
    use_pg(site_id)
    order_id, _ = card_order(sandbox, site_id)
    jeju = {"name": "김민지", "phone": "010-1234-5678", "postal_code": "63100",
            "address1": "제주특별자치도 제주시 첨단로 242", "address2": ""}
    detail = ok("PATCH", f"/admin/orders/{order_id}/recipient", site_id, jeju)
    assert detail["recipient"]["postal_code"] == "631**"  # masked in the detail
    assert detail["recipient"]["address1"] == "제주특별자치도 제주시 ***"
    assert ok("POST", f"/admin/orders/{order_id}/personal", site_id, {})["recipient"]["postal_code"] == "63100"
    [charge] = detail["charges"]
    assert charge["kind"] == "remote_area" and charge["amount"] > 0
    assert detail["amounts"]["outstanding"] == charge["amount"]
    back = ok("PATCH", f"/admin/orders/{order_id}/recipient", site_id, {**jeju, "postal_code": "04524",
                                                                         "address1": "서울 중구"})
    assert back["amounts"]["outstanding"] == 0 and [c["amount"] for c in back["charges"]] == [charge["amount"],
                                                                                           -charge["amount"]]
    deliver(site_id, order_id, ["L001"])
    status, problem = admin("PATCH", f"/admin/orders/{order_id}/recipient", site_id, jeju)
    assert status in (409, 422) and problem["code"]


def test_payment_request_paid_by_a_portone_virtual_account(sandbox: PgSandbox, site_id: str) -> None:
    from oms.schemas.settings import PaymentSettings, SiteSettingsPatch
    from oms.store import settings
    from tests.integration.claims_support import buyer_call, member_claims
    from tests.integration.payments_support import deliver as deliver_callback

    order_id, _ = card_order(sandbox, site_id)
    settings.update(site_id, SiteSettingsPatch(payments=PaymentSettings(pg_provider="portone")), "test")
    ok("POST", f"/admin/orders/{order_id}/lines", site_id, {**COAT, "shipping_fee": 0}, expect=201)
    req = ok("POST", f"/admin/orders/{order_id}/payment-requests", site_id, {}, expect=201)["payment_requests"][0]
    status, view = buyer_call("POST", f"/buyer/orders/{order_id}/payment-requests/{req['request_id']}/pay",
                              member_claims(site_id), {"method": "virtual_account", "holder": "김민지"})
    assert status == 200, view
    account = view["payment_requests"][0]["payment"]["virtual_account"]
    assert account["account_no"] and view["payment_requests"][0]["status"] == "awaiting_deposit"
    pay = sandbox.find("portone", f"{req['pg_order_id']}-V1")
    assert pay.amount == 35000 and pay.method == "virtual_account"
    sandbox.deposited(pay)
    status, answer = deliver_callback("portone", *sandbox.callback("portone", pay))
    assert status == 200, answer
    detail = ok("GET", f"/admin/orders/{order_id}", site_id)
    assert detail["amounts"]["outstanding"] == 0 and detail["payment_requests"][0]["status"] == "paid"


def test_a_request_waiting_for_its_deposit_is_cancelled_with_its_account(sandbox: PgSandbox, site_id: str) -> None:
    from tests.integration.claims_support import buyer_call, member_claims

    use_pg(site_id)
    order_id, _ = card_order(sandbox, site_id)
    ok("POST", f"/admin/orders/{order_id}/lines", site_id, {**COAT, "shipping_fee": 0}, expect=201)
    req = ok("POST", f"/admin/orders/{order_id}/payment-requests", site_id, {}, expect=201)["payment_requests"][0]
    status, view = buyer_call("POST", f"/buyer/orders/{order_id}/payment-requests/{req['request_id']}/pay",
                              member_claims(site_id), {"method": "virtual_account"})
    assert status == 200 and view["payment_requests"][0]["status"] == "awaiting_deposit"
    detail = ok("POST", f"/admin/orders/{order_id}/payment-requests/{req['request_id']}/cancel", site_id,
                {"reason": "다른 방법으로 결제"})
    [cancelled] = detail["payment_requests"]
    assert cancelled["status"] == "cancelled" and cancelled["payment"]["status"] == "cancelled"
    assert sandbox.find("toss", order_id=f"{req['pg_order_id']}-V1").status == "CANCELED"
    assert detail["amounts"]["outstanding"] == 35000  # still owed: a new request may ask for it
    again = ok("POST", f"/admin/orders/{order_id}/payment-requests", site_id, {}, expect=201)
    assert [r["status"] for r in again["payment_requests"]] == ["open", "cancelled"]


def test_a_request_whose_account_expired_unpaid_is_paid_again(sandbox: PgSandbox, site_id: str) -> None:
    from oms.store import keys
    from oms.store.table import client, dump, key, table_name
    from tests.integration.claims_support import buyer_call, member_claims

    use_pg(site_id)
    order_id, _ = card_order(sandbox, site_id)
    ok("POST", f"/admin/orders/{order_id}/lines", site_id, {**COAT, "shipping_fee": 0}, expect=201)
    req = ok("POST", f"/admin/orders/{order_id}/payment-requests", site_id, {}, expect=201)["payment_requests"][0]
    pay_path = f"/buyer/orders/{order_id}/payment-requests/{req['request_id']}/pay"
    status, view = buyer_call("POST", pay_path, member_claims(site_id), {"method": "virtual_account"})
    assert status == 200, view
    first = view["payment_requests"][0]["payment"]["payment_id"]
    # the account's due date passes without a deposit
    client().update_item(TableName=table_name(), Key=key(keys.order_pk(site_id, order_id), keys.payment_sk(first)),
                         UpdateExpression="SET virtual_account.due_at = :d",
                         ExpressionAttributeValues=dump({":d": "2020-01-01T00:00:00.000000Z"}))
    shown = ok("GET", f"/admin/orders/{order_id}", site_id)["payment_requests"][0]
    assert shown["status"] == "expired"
    status, problem = admin("POST", f"/admin/orders/{order_id}/payment-requests", site_id, {})
    assert status == 409 and problem["code"] == "PAYMENT_REQUEST_OPEN"  # still the open request

    # the buyer pays it by card now: the expired account is closed in the same transaction
    pg = sandbox.create_paid("toss", req["pg_order_id"], 35000)
    status, view = buyer_call("POST", pay_path, member_claims(site_id), {"method": "card", "payment_key": pg.key})
    assert status == 200, view
    assert view["amounts"]["outstanding"] == 0 and view["payment_requests"][0]["status"] == "paid"
    payments = {p["payment_id"]: p["status"] for p in ok("GET", f"/admin/orders/{order_id}", site_id)["payments"]}
    assert payments[first] == "expired" and sorted(payments.values()) == ["expired", "paid", "paid"]
