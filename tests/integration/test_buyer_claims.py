"""The buyer's claims through the buyer handler (members and guests): a cancel before shipping, a
return after delivery with the shop's refund estimate, withdrawing, and what buyers may not do."""

from __future__ import annotations

from pathlib import Path

import pytest

from oms_local import tokens
from oms_local.pg_sandbox import PgSandbox
from tests.integration.claims_support import (
    GUEST,
    buyer_call,
    card_order,
    deliver,
    guest_claims,
    member_claims,
    ok,
    use_pg,
)
from tests.integration.payments_support import sandbox_fixture  # noqa: F401


@pytest.fixture(autouse=True)
def _guest_signing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for k, v in tokens.guest_signing_env().items():
        monkeypatch.setenv(k, v)


def test_member_cancels_before_shipping_and_sees_the_estimate(sandbox: PgSandbox, site_id: str) -> None:
    use_pg(site_id)
    order_id, _ = card_order(sandbox, site_id)
    me = member_claims(site_id)
    cancel_one = {"type": "cancel", "items": [{"line_id": "L001", "quantity": 1}], "reason": "wrong_order"}
    status, view = buyer_call("POST", f"/buyer/orders/{order_id}/claims", me, cancel_one)
    assert status == 201, view
    [claim] = view["claims"]
    assert (claim["type"], claim["step"], claim["reason_ko"]) == ("cancel", "requested", "오주문")
    assert claim["can_withdraw"] is True
    assert claim["estimate"]["total"] == 10000
    assert {li["status"] for li in claim["lines"]} == {"cancel_requested"}
    # the admin sees who asked
    detail = ok("GET", f"/admin/orders/{order_id}", site_id)
    assert detail["claims"][0]["requested_by"] == {"kind": "buyer", "id": "m-100", "name": "구매자"}

    # withdrawn by the buyer: the unit is back in 상품준비
    status, view = buyer_call("POST", f"/buyer/orders/{order_id}/claims/{claim['claim_id']}/withdraw", me,
                              {"reason": "다시 생각해보니 필요해요"})
    assert status == 200, view
    assert view["claims"][0]["step"] == "withdrawn" and view["claims"][0]["estimate"] is None
    assert {li["status"] for li in view["lines"]} == {"preparing"}

    # another member sees nothing of it
    status, _ = buyer_call("POST", f"/buyer/orders/{order_id}/claims", member_claims(site_id, "m-999"), cancel_one)
    assert status == 404


def test_guest_returns_after_delivery_and_may_not_cancel_what_shipped(sandbox: PgSandbox, site_id: str) -> None:
    use_pg(site_id, return_shipping_fee=3000)
    order_id, _ = card_order(sandbox, site_id, buyer=GUEST)
    guest = guest_claims(site_id, order_id)
    # nothing delivered yet: a return is refused with its code
    status, problem = buyer_call("POST", f"/buyer/guest/orders/{order_id}/claims", guest,
                                 {"type": "return", "items": [{"line_id": "L002", "quantity": 1}],
                                  "reason": "intent_changed"})
    assert status in (409, 422) and problem["code"]
    deliver(site_id, order_id)
    status, problem = buyer_call("POST", f"/buyer/guest/orders/{order_id}/claims", guest,
                                 {"type": "cancel", "items": [{"line_id": "L002", "quantity": 1}],
                                  "reason": "intent_changed"})
    assert status in (409, 422) and problem["code"]  # shipped: no cancel any more
    status, view = buyer_call("POST", f"/buyer/guest/orders/{order_id}/claims", guest,
                              {"type": "return", "items": [{"line_id": "L002", "quantity": 1}],
                               "reason": "intent_changed", "fee_payment": "deduct",
                               "collection": {"method": "buyer_sends"}})
    assert status == 201, view
    [claim] = view["claims"]
    assert claim["estimate"]["total"] == 30000 - 3000 and claim["estimate"]["return_fee"] == 3000
    assert claim["fault"] == "buyer"
    # a guest token opens its own order only
    status, _ = buyer_call("POST", f"/buyer/guest/orders/{order_id}x/claims", guest,
                           {"type": "return", "items": [{"line_id": "L001", "quantity": 1}], "reason": "other"})
    assert status == 404


def test_guest_withdraws_their_request(sandbox: PgSandbox, site_id: str) -> None:
    use_pg(site_id)
    order_id, _ = card_order(sandbox, site_id, buyer=GUEST)
    guest = guest_claims(site_id, order_id)
    status, view = buyer_call("POST", f"/buyer/guest/orders/{order_id}/claims", guest,
                              {"type": "cancel", "items": [{"line_id": "L002", "quantity": 1}],
                               "reason": "delayed_delivery"})
    assert status == 201 and view["claims"][0]["fault"] == "shop"
    cid = view["claims"][0]["claim_id"]
    status, view = buyer_call("POST", f"/buyer/guest/orders/{order_id}/claims/{cid}/withdraw", guest, {})
    assert status == 200 and view["claims"][0]["step"] == "withdrawn"
    assert {li["line_id"]: li["status"] for li in view["lines"]} == {"L001": "preparing", "L002": "preparing"}
    # withdrawn once: a second withdrawal is refused
    status, problem = buyer_call("POST", f"/buyer/guest/orders/{order_id}/claims/{cid}/withdraw", guest, {})
    assert status in (409, 422) and problem["code"]
