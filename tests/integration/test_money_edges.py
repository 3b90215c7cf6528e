"""Money never moves twice, on DynamoDB Local with the PG sandbox: 결제요청 never asks for money that
is paid or on its way, an open request closes when other money covers it, a buyer's card payment is
confirmed at the PG only after our checks and goes back at the PG when it cannot be recorded, the
buyer's 4xx for an unknown payment, concurrent virtual-account pays, and the closing rule."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from oms.schemas.settings import PaymentSettings, SiteSettingsPatch
from oms.store import keys, settings
from oms.store.table import client, dump, key, table_name
from oms_local.pg_sandbox import PgSandbox
from tests.integration.claims_support import (
    COAT,
    admin,
    buyer_call,
    card_order,
    deliver,
    guest_claims,
    lines,
    member_claims,
    ok,
    return_claim,
    use_pg,
)
from tests.integration.payments_support import deliver as deliver_callback
from tests.integration.payments_support import (
    sandbox_fixture,  # noqa: F401
    va_order,
)


def _kinds(site_id: str, order_id: str) -> list[str]:
    return [e["kind"] for e in ok("GET", f"/admin/orders/{order_id}", site_id)["timeline"]]


def _deposit(sandbox: PgSandbox, key: str | None = None, order_id: str | None = None) -> None:
    """The buyer deposits into a Toss-style account; the PG's callback reaches the webhooks function."""
    pay = sandbox.deposited(sandbox.find("toss", key, order_id))
    status, answer = deliver_callback("toss", *sandbox.callback("toss", pay))
    assert status == 200, answer


def _backdate(site_id: str, order_id: str, payment_id: str) -> None:
    """The payment's virtual-account due date passes (the expiry job has not run yet)."""
    client().update_item(TableName=table_name(), Key=key(keys.order_pk(site_id, order_id), keys.payment_sk(payment_id)),
                         UpdateExpression="SET virtual_account.due_at = :d",
                         ExpressionAttributeValues=dump({":d": "2020-01-01T00:00:00.000000Z"}))


def _request(site_id: str, order_id: str) -> dict[str, Any]:
    return ok("POST", f"/admin/orders/{order_id}/payment-requests", site_id, {}, expect=201)["payment_requests"][0]


def _owed_request(sandbox: PgSandbox, site_id: str) -> tuple[str, dict[str, Any]]:
    """A card order (53,000원) with a coat added (35,000원) and a 결제요청 for it."""
    use_pg(site_id)
    order_id, _ = card_order(sandbox, site_id)
    ok("POST", f"/admin/orders/{order_id}/lines", site_id, {**COAT, "shipping_fee": 0}, expect=201)
    return order_id, _request(site_id, order_id)


def _pay(site_id: str, order_id: str, req: dict[str, Any], body: dict[str, Any]) -> tuple[int, Any]:
    return buyer_call("POST", f"/buyer/orders/{order_id}/payment-requests/{req['request_id']}/pay",
                      member_claims(site_id), body)


# ---- 결제요청 asks only for what is neither paid nor pending ----------------------------------------


def test_an_unpaid_virtual_account_order_is_not_asked_to_pay_again(sandbox: PgSandbox, site_id: str) -> None:
    use_pg(site_id)
    order_id, _, pg = va_order(sandbox, site_id, unit_price=65900)
    before = ok("GET", f"/admin/orders/{order_id}", site_id)
    amounts = before["amounts"]
    assert (amounts["outstanding"], amounts["pending"], amounts["requestable"]) == (65900, 65900, 0)
    status, problem = admin("POST", f"/admin/orders/{order_id}/payment-requests", site_id, {})
    assert status == 409 and problem["code"] == "OUTSTANDING_PENDING" and problem["pending"] == 65900
    after = ok("GET", f"/admin/orders/{order_id}", site_id)
    assert after["payment_requests"] == [] and after["version"] == before["version"]
    # the deposit arrives: paid once, nothing left to ask
    _deposit(sandbox, pg.key)
    paid = ok("GET", f"/admin/orders/{order_id}", site_id)["amounts"]
    assert (paid["paid"], paid["outstanding"], paid["pending"]) == (65900, 0, 0)
    status, problem = admin("POST", f"/admin/orders/{order_id}/payment-requests", site_id, {})
    assert status == 409 and problem["code"] == "NOTHING_OUTSTANDING"


def test_an_open_request_closes_when_other_money_covers_it(sandbox: PgSandbox, site_id: str) -> None:
    use_pg(site_id)
    order_id, payment_id, _ = va_order(sandbox, site_id, unit_price=65900)
    _backdate(site_id, order_id, payment_id)  # past due: no longer counted as on its way
    req = _request(site_id, order_id)
    assert (req["status"], req["amount"]) == ("open", 65900)
    # the bank statement shows the original deposit after all: the admin confirms it
    detail = ok("POST", f"/admin/orders/{order_id}/payments/{payment_id}/deposit", site_id, {})
    [closed] = detail["payment_requests"]
    assert closed["status"] == "cancelled" and closed["covered"] is True
    assert detail["amounts"]["outstanding"] == 0 and detail["amounts"]["paid"] == 65900
    assert "payment_request_covered" in _kinds(site_id, order_id)
    # the buyer can no longer pay it twice
    pg = sandbox.authorise("toss", req["pg_order_id"], 65900)
    status, problem = buyer_call("POST", f"/buyer/guest/orders/{order_id}/payment-requests/{req['request_id']}/pay",
                                 guest_claims(site_id, order_id), {"method": "card", "payment_key": pg.key})
    assert status == 409 and problem["code"] == "PAYMENT_REQUEST_CLOSED"
    assert sandbox.captured("toss", {req["pg_order_id"]}) == 0


def test_money_nobody_owes_is_recorded_and_shown_as_a_refund_to_make(sandbox: PgSandbox, site_id: str) -> None:
    order_id, req = _owed_request(sandbox, site_id)
    status, view = _pay(site_id, order_id, req, {"method": "virtual_account"})
    assert status == 200 and view["payment_requests"][0]["status"] == "awaiting_deposit"
    # the coat is cancelled before the buyer deposits; the deposit arrives anyway
    ok("POST", f"/admin/orders/{order_id}/claims", site_id,
       {"type": "cancel", "items": [{"line_id": "L003", "quantity": 1}], "reason": "intent_changed"}, expect=201)
    ok("POST", f"/admin/orders/{order_id}/claims/C001/steps", site_id, {"to": "complete"})
    _deposit(sandbox, order_id=f"{req['pg_order_id']}-V1")
    detail = ok("GET", f"/admin/orders/{order_id}", site_id)
    # 53,000 + 35,000 paid for 53,000 owed: 35,000 to give back, never silently kept
    assert detail["amounts"]["paid"] == 88000 and detail["amounts"]["outstanding"] == -35000
    assert detail["amounts"]["refund_due"] == 35000 and not detail["closed"]


# ---- the buyer's card: confirmed after our checks, given back when it cannot be recorded -------


def test_a_card_payment_is_captured_only_by_our_confirmation(sandbox: PgSandbox, site_id: str) -> None:
    order_id, req = _owed_request(sandbox, site_id)
    pg = sandbox.authorise("toss", req["pg_order_id"], 35000)
    assert sandbox.captured("toss", {req["pg_order_id"]}) == 0  # authorised, not captured
    status, view = _pay(site_id, order_id, req, {"method": "card", "payment_key": pg.key})
    assert status == 200 and view["amounts"]["outstanding"] == 0
    assert sandbox.captured("toss", {req["pg_order_id"]}) == 35000
    assert sandbox.performed[("toss", "confirm")] >= 1


def test_an_authorisation_for_a_cancelled_request_is_never_captured(sandbox: PgSandbox, site_id: str) -> None:
    order_id, req = _owed_request(sandbox, site_id)
    pg = sandbox.authorise("toss", req["pg_order_id"], 35000)
    ok("POST", f"/admin/orders/{order_id}/payment-requests/{req['request_id']}/cancel", site_id, {})
    status, problem = _pay(site_id, order_id, req, {"method": "card", "payment_key": pg.key})
    assert status == 409 and problem["code"] == "PAYMENT_REQUEST_CLOSED"
    assert sandbox.captured("toss", {req["pg_order_id"]}) == 0  # it lapses at the PG by itself
    assert ok("GET", f"/admin/orders/{order_id}", site_id)["amounts"]["outstanding"] == 35000


def test_a_portone_payment_we_cannot_record_goes_back_at_the_pg(sandbox: PgSandbox, site_id: str) -> None:
    settings.update(site_id, SiteSettingsPatch(payments=PaymentSettings(pg_provider="portone")), "test")
    order_id, _ = card_order(sandbox, site_id)
    ok("POST", f"/admin/orders/{order_id}/lines", site_id, {**COAT, "shipping_fee": 0}, expect=201)
    req = _request(site_id, order_id)
    pg = sandbox.authorise("portone", req["pg_order_id"], 35000)  # PortOne captures in the window
    assert sandbox.captured("portone", {req["pg_order_id"]}) == 35000
    ok("POST", f"/admin/orders/{order_id}/payment-requests/{req['request_id']}/cancel", site_id, {})
    for _ in range(2):  # sent twice: cancelled at the PG once
        status, problem = _pay(site_id, order_id, req, {"method": "card", "payment_key": pg.key})
        assert status == 409 and problem["code"] == "PAYMENT_REQUEST_CLOSED" and problem["pg_cancelled"] is True
    assert sandbox.captured("portone", {req["pg_order_id"]}) == 0
    assert len(sandbox.find("portone", pg.key).cancels) == 1
    detail = ok("GET", f"/admin/orders/{order_id}", site_id)
    assert detail["amounts"]["paid"] == 53000 and detail["amounts"]["outstanding"] == 35000
    assert "payment_voided" in _kinds(site_id, order_id)


def test_a_race_lost_after_confirmation_gives_the_money_back(sandbox: PgSandbox, site_id: str,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from oms.services import request_payments

    order_id, req = _owed_request(sandbox, site_id)
    real = request_payments._confirm

    def confirm_then_admin_cancels(*args: Any) -> Any:
        got = real(*args)  # captured at the PG …
        ok("POST", f"/admin/orders/{order_id}/payment-requests/{req['request_id']}/cancel", site_id, {})
        return got  # … and the request is gone before we record it

    monkeypatch.setattr(request_payments, "_confirm", confirm_then_admin_cancels)
    pg = sandbox.authorise("toss", req["pg_order_id"], 35000)
    status, problem = _pay(site_id, order_id, req, {"method": "card", "payment_key": pg.key})
    assert status == 409 and problem["pg_cancelled"] is True
    assert sandbox.captured("toss", {req["pg_order_id"]}) == 0
    assert [c["amount"] for c in sandbox.find("toss", pg.key).cancels] == [35000]
    detail = ok("GET", f"/admin/orders/{order_id}", site_id)
    assert detail["amounts"]["paid"] == 53000 and [r["status"] for r in detail["payment_requests"]] == ["cancelled"]
    assert "payment_voided" in _kinds(site_id, order_id)


def test_a_confirmation_whose_answer_is_lost_is_looked_up_and_recorded_once(sandbox: PgSandbox,
                                                                              site_id: str) -> None:
    order_id, req = _owed_request(sandbox, site_id)
    pg = sandbox.authorise("toss", req["pg_order_id"], 35000)
    sandbox.fail_next_confirm_after_capture()
    status, view = _pay(site_id, order_id, req, {"method": "card", "payment_key": pg.key})
    assert status == 200, view
    assert view["amounts"]["paid"] == 88000 and sandbox.captured("toss", {req["pg_order_id"]}) == 35000


def test_a_refused_card_and_a_lapsed_authorisation_change_nothing(sandbox: PgSandbox, site_id: str) -> None:
    order_id, req = _owed_request(sandbox, site_id)
    before = ok("GET", f"/admin/orders/{order_id}", site_id)
    pg = sandbox.authorise("toss", req["pg_order_id"], 35000)
    sandbox.refuse_next_confirm()
    status, problem = _pay(site_id, order_id, req, {"method": "card", "payment_key": pg.key})
    assert status == 409 and problem["code"] == "PAYMENT_REFUSED_BY_PG" and problem["pg_code"] == "REJECT_CARD_PAYMENT"
    after = ok("GET", f"/admin/orders/{order_id}", site_id)
    assert after["amounts"] == before["amounts"] and after["payment_requests"][0]["status"] == "open"
    assert sandbox.captured("toss", {req["pg_order_id"]}) == 0
    # the buyer approves again but nobody confirms in time: the authorisation lapses at the PG
    order_id, req = _owed_request(sandbox, site_id)
    sandbox.auth_ttl = 0
    try:
        late = sandbox.authorise("toss", req["pg_order_id"], 35000)
    finally:
        sandbox.auth_ttl = 600
    status, problem = _pay(site_id, order_id, req, {"method": "card", "payment_key": late.key})
    assert status == 409 and problem["code"] == "PAYMENT_AUTH_EXPIRED"
    assert sandbox.find("toss", late.key).status == "EXPIRED" and sandbox.captured("toss", {req["pg_order_id"]}) == 0
    assert ok("GET", f"/admin/orders/{order_id}", site_id)["payment_requests"][0]["status"] == "open"


def test_an_unknown_payment_key_is_the_buyers_4xx(sandbox: PgSandbox, site_id: str) -> None:
    order_id, req = _owed_request(sandbox, site_id)
    status, problem = _pay(site_id, order_id, req, {"method": "card", "payment_key": "tnope-0000000000"})
    assert status == 422 and problem["code"] == "PG_PAYMENT_NOT_FOUND" and problem["field"] == "payment_key"


def test_concurrent_virtual_account_pays_issue_one_account_and_never_5xx(sandbox: PgSandbox, site_id: str) -> None:
    order_id, req = _owed_request(sandbox, site_id)
    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(lambda _: _pay(site_id, order_id, req, {"method": "virtual_account"}), range(20)))
    assert all(status < 500 for status, _ in answers), [a for a in answers if a[0] >= 500]
    assert all(status == 200 or body["code"] == "PAYMENT_IN_PROGRESS" for status, body in answers)
    detail = ok("GET", f"/admin/orders/{order_id}", site_id)
    waiting = [p for p in detail["payments"] if p["status"] == "pending"]
    assert len(waiting) == 1 and detail["payment_requests"][0]["status"] == "awaiting_deposit"
    live = [p for (prov, _), p in sandbox.payments.items()
            if prov == "toss" and p.order_id.startswith(req["pg_order_id"]) and p.status == "WAITING_FOR_DEPOSIT"]
    assert [p.key for p in live] == [waiting[0]["pg_payment_key"]]


# ---- closing: only when everything is final ----------------------------------------------------


def test_a_return_of_the_only_line_keeps_the_order_open_until_it_is_settled(sandbox: PgSandbox,
                                                                            site_id: str) -> None:
    use_pg(site_id, return_shipping_fee=3000)
    order_id, pg = card_order(sandbox, site_id, lines=[{"product_code": "JACKET", "product_name": "자켓",
                                                        "quantity": 1, "unit_price": 29000}], shipping_fee=0)
    deliver(site_id, order_id, ["L001"])
    cid, detail = return_claim(site_id, order_id, [("L001", 1)], reason="color_and_size")
    assert lines(detail) == {"L001": ("returned", 1)}
    assert not detail["closed"] and detail["amounts"]["outstanding"] == -29000
    # the exchange to another product: the new line goes on without 거래 재개
    added = ok("POST", f"/admin/orders/{order_id}/lines", site_id,
               {"product_code": "JACKET", "product_name": "자켓 (네이비)", "quantity": 1, "unit_price": 29000,
                "shipping_fee": 0}, expect=201)
    assert lines(added)["L002"] == ("preparing", 1) and not added["closed"]
    # the net: 29,000 returned, 29,000 added, return fee 3,000 → the buyer owes 3,000
    deliver(site_id, order_id, ["L002"])
    walk_done = ok("POST", f"/admin/orders/{order_id}/status", site_id,
                   {"moves": [{"line_id": "L002", "to": "confirmed"}]})
    assert not walk_done["closed"]  # every unit final, but the claim is not settled
    settled = ok("POST", f"/admin/orders/{order_id}/claims/{cid}/settle", site_id,
                 {"direction": "request", "basis": "paid"})
    order = settled["order"]
    assert order["amounts"]["outstanding"] == 3000 and not order["closed"]
    req = order["payment_requests"][0]
    card = sandbox.authorise("toss", req["pg_order_id"], 3000)
    status, view = _pay(site_id, order_id, req, {"method": "card", "payment_key": card.key})
    assert status == 200 and view["amounts"]["outstanding"] == 0
    final = ok("GET", f"/admin/orders/{order_id}", site_id)
    assert final["closed"] and "order_closed" in _kinds(site_id, order_id)
    # 29,000 (intake) + 3,000 (the request) captured and recorded
    assert sandbox.captured("toss", {pg.order_id, req["pg_order_id"]}) == 32000 == final["amounts"]["paid"]


def test_a_request_never_takes_more_than_is_still_owed(sandbox: PgSandbox, site_id: str) -> None:
    order_id, req = _owed_request(sandbox, site_id)
    # the coat the request asks for is cancelled before the buyer pays: nothing is owed any more
    ok("POST", f"/admin/orders/{order_id}/claims", site_id,
       {"type": "cancel", "items": [{"line_id": "L003", "quantity": 1}], "reason": "intent_changed"}, expect=201)
    ok("POST", f"/admin/orders/{order_id}/claims/C001/steps", site_id, {"to": "complete"})
    before = ok("GET", f"/admin/orders/{order_id}", site_id)
    pg = sandbox.authorise("toss", req["pg_order_id"], 35000)
    status, problem = _pay(site_id, order_id, req, {"method": "card", "payment_key": pg.key})
    assert status == 409 and problem["code"] == "PAYMENT_REQUEST_EXCEEDS_OWED" and problem["requestable"] == 0
    status, problem = _pay(site_id, order_id, req, {"method": "virtual_account"})
    assert status == 409 and problem["code"] == "PAYMENT_REQUEST_EXCEEDS_OWED"
    after = ok("GET", f"/admin/orders/{order_id}", site_id)
    assert after["amounts"] == before["amounts"] and sandbox.captured("toss", {req["pg_order_id"]}) == 0


def test_a_portone_payment_never_reported_by_the_buyer_is_recorded_from_the_callback(
        sandbox: PgSandbox, site_id: str) -> None:
    settings.update(site_id, SiteSettingsPatch(payments=PaymentSettings(pg_provider="portone")), "test")
    order_id, _ = card_order(sandbox, site_id)
    ok("POST", f"/admin/orders/{order_id}/lines", site_id, {**COAT, "shipping_fee": 0}, expect=201)
    req = _request(site_id, order_id)
    pay = sandbox.authorise("portone", req["pg_order_id"], 35000)  # captured; the buyer's tab closes
    status, answer = deliver_callback("portone", *sandbox.callback("portone", pay))
    assert status == 200 and answer["result"] == "applied", answer
    detail = ok("GET", f"/admin/orders/{order_id}", site_id)
    assert detail["amounts"]["outstanding"] == 0 and detail["payment_requests"][0]["status"] == "paid"
    # the buyer's own call afterwards (and the PG's retry) change nothing
    assert _pay(site_id, order_id, req, {"method": "card", "payment_key": pay.key})[0] == 200
    assert deliver_callback("portone", *sandbox.callback("portone", pay))[0] == 200
    again = ok("GET", f"/admin/orders/{order_id}", site_id)
    assert again["amounts"]["paid"] == 88000 and sandbox.captured("portone", {req["pg_order_id"]}) == 35000


def test_a_deposit_into_a_closed_account_is_recorded_as_a_refund_to_make(sandbox: PgSandbox, site_id: str) -> None:
    from oms.services import payments

    use_pg(site_id)
    order_id, payment_id, pg = va_order(sandbox, site_id, unit_price=20000)
    payments.cancel_unpaid_order(site_id, order_id, payment_id, actor=payments.pg_actor("toss"), reason="va_expired")
    cancelled = ok("GET", f"/admin/orders/{order_id}", site_id)
    assert cancelled["closed"] and cancelled["amounts"]["outstanding"] == 0
    _deposit(sandbox, pg.key)  # the PG still took the deposit (our clock closed the account first)
    detail = ok("GET", f"/admin/orders/{order_id}", site_id)
    assert detail["amounts"]["paid"] == 20000 and detail["amounts"]["refund_due"] == 20000
    assert not detail["closed"] and {"payment_late", "order_reopened"} <= set(_kinds(site_id, order_id))


def test_a_shop_without_a_pg_records_money_received_outside_and_the_order_closes(sandbox: PgSandbox,
                                                                                site_id: str) -> None:
    order_id, _ = card_order(sandbox, site_id, lines=[{"product_code": "EBOOK-1", "product_name": "전자책",
                                                        "kind": "digital", "quantity": 1, "unit_price": 12000}],
                             shipping_fee=0)
    assert ok("GET", f"/admin/orders/{order_id}", site_id)["closed"]
    ok("POST", f"/admin/orders/{order_id}/reopen", site_id, {})
    ok("POST", f"/admin/orders/{order_id}/lines", site_id, {**COAT, "shipping_fee": 3000}, expect=201)
    req = _request(site_id, order_id)  # 35,000 + 3,000 shipping; the site has no PG to pay it through
    status, problem = _pay(site_id, order_id, req, {"method": "virtual_account"})
    assert status == 409 and problem["code"] == "NO_PG"
    path = f"/admin/orders/{order_id}/payments/outside"
    status, problem = admin("POST", path, site_id, {"amount": 38001, "note": "계좌이체 홍길동"})
    assert status == 422 and problem["code"] == "OUTSIDE_PAYMENT_EXCEEDS_OUTSTANDING" and problem["field"] == "amount"
    detail = ok("POST", path, site_id, {"amount": 38000, "note": "계좌이체 홍길동"}, expect=201)
    assert detail["amounts"]["paid"] == 12000 + 38000 and detail["amounts"]["outstanding"] == 0
    assert detail["payment_requests"][0]["status"] == "cancelled" and detail["payment_requests"][0]["covered"]
    done = ok("POST", f"/admin/orders/{order_id}/status", site_id, {"moves": [{"line_id": "L002", "to": t}
                                                                              for t in ("ready_to_ship",)]})
    for to in ("shipping", "delivered", "confirmed"):
        done = ok("POST", f"/admin/orders/{order_id}/status", site_id, {"moves": [{"line_id": "L002", "to": to}]})
    assert done["closed"] is True
