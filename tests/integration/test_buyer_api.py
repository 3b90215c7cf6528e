"""Buyer my-page API through the handler: members see only their orders, guests only the one order
their token names; early confirmation accrues points; the guest token verifies like the authorizer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from buyer_api.app import lambda_handler
from oms.domain.clock import iso, utcnow
from oms_local import tokens
from tests.integration.confirm_helpers import deliver, one_line, take_in
from tests.support import call, http_event

GUEST = {"name": "박지우", "phone": "010-3456-7890", "member_id": None}


@pytest.fixture(autouse=True)
def _guest_signing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for k, v in tokens.guest_signing_env().items():
        monkeypatch.setenv(k, v)


def member(site: str, member_id: str) -> dict[str, Any]:
    return {"sub": member_id, "site_id": site, "role": "buyer", "member_id": member_id}


def test_member_sees_own_orders_and_confirms_early(site_id: str) -> None:
    mine = take_in(site_id, **one_line())
    other = take_in(site_id, **one_line(buyer={"name": "이서준", "phone": "010-2345-6789", "member_id": "m-101"}))
    deliver(site_id, mine, iso(utcnow()))

    status, body, _ = call(lambda_handler, http_event("GET", "/buyer/orders", claims=member(site_id, "m-100")))
    assert status == 200
    assert [o["order_id"] for o in body["orders"]] == [mine]

    status, body, _ = call(lambda_handler, http_event("GET", f"/buyer/orders/{other}",
                                                      claims=member(site_id, "m-100")))
    assert status == 404
    status, body, _ = call(lambda_handler, http_event("GET", f"/buyer/orders/{mine}",
                                                      claims=member(site_id, "m-100")))
    assert status == 200
    assert body["lines"][0]["status"] == "delivered" and body["lines"][0]["can_confirm"] is True
    assert body["amounts"]["outstanding"] == 0
    assert body["payments"][0]["method"] == "card"

    status, body, _ = call(lambda_handler, http_event("POST", f"/buyer/orders/{mine}/confirm", {},
                                                      claims=member(site_id, "m-100")))
    assert status == 200, body
    assert body["lines"][0]["status"] == "confirmed"
    assert body["lines"][0]["confirmed_by"] == "buyer"
    assert body["lines"][0]["points_accrued"] == 200
    status, body, _ = call(lambda_handler, http_event("GET", "/buyer/points", claims=member(site_id, "m-100")))
    assert body["balance"] == 200 and body["entries"][0]["kind"] == "accrual"
    # confirming again: nothing delivered is left
    status, body, _ = call(lambda_handler, http_event("POST", f"/buyer/orders/{mine}/confirm", {},
                                                      claims=member(site_id, "m-100")))
    assert status == 422 and body["code"] == "NOTHING_TO_CONFIRM"
    # another member cannot confirm it either (404, not 403)
    status, body, _ = call(lambda_handler, http_event("POST", f"/buyer/orders/{mine}/confirm", {},
                                                      claims=member(site_id, "m-101")))
    assert status == 404


def test_guest_session_token_opens_only_its_order(site_id: str) -> None:
    a = take_in(site_id, **one_line(buyer=GUEST))
    b = take_in(site_id, **one_line(buyer={**GUEST, "phone": "010-9999-0000"}))
    member_order = take_in(site_id, **one_line())

    wrong = call(lambda_handler, http_event("POST", "/buyer/guest/session",
                                            {"site_id": site_id, "order_id": a, "phone": "010-0000-0000"}))
    assert wrong[0] == 404 and wrong[1]["code"] == "GUEST_ORDER_NOT_FOUND"
    nomember = call(lambda_handler, http_event("POST", "/buyer/guest/session",
                                               {"site_id": site_id, "order_id": member_order,
                                                "phone": "010-1234-5678"}))
    assert nomember[0] == 404
    status, body, _ = call(lambda_handler, http_event("POST", "/buyer/guest/session",
                                                      {"site_id": site_id, "order_id": a, "phone": "01034567890"}))
    assert status == 200, body
    claims = tokens.verify(body["access_token"], audience="oms-buyer")  # what the gateway's authorizer does
    assert claims["order_id"] == a and claims["site_id"] == site_id and "member_id" not in claims
    assert claims["exp"] - claims["iat"] == 1800

    ok = call(lambda_handler, http_event("GET", f"/buyer/guest/orders/{a}", claims=claims))
    assert ok[0] == 200 and ok[1]["order_id"] == a
    assert call(lambda_handler, http_event("GET", f"/buyer/guest/orders/{b}", claims=claims))[0] == 404
    assert call(lambda_handler, http_event("POST", f"/buyer/guest/orders/{b}/confirm", {}, claims=claims))[0] == 404
    # a guest token is not a member token
    assert call(lambda_handler, http_event("GET", "/buyer/orders", claims=claims))[0] == 403
    # the same order number in another site is another order
    other_site = {**claims, "site_id": "another-site"}
    assert call(lambda_handler, http_event("GET", f"/buyer/guest/orders/{a}", claims=other_site))[0] == 404


def test_guest_confirm_accrues_nothing(site_id: str) -> None:
    a = take_in(site_id, **one_line(buyer=GUEST))
    deliver(site_id, a, iso(utcnow()))
    claims = {"sub": f"guest:{a}", "site_id": site_id, "role": "buyer", "order_id": a}
    status, body, _ = call(lambda_handler, http_event("POST", f"/buyer/guest/orders/{a}/confirm",
                                                      {"line_ids": ["L001"]}, claims=claims))
    assert status == 200, body
    assert body["lines"][0]["status"] == "confirmed" and body["lines"][0]["points_accrued"] == 0


def test_guest_lookups_are_rate_limited(site_id: str) -> None:
    a = take_in(site_id, **one_line(buyer=GUEST))
    codes = [call(lambda_handler, http_event("POST", "/buyer/guest/session",
                                             {"site_id": site_id, "order_id": a, "phone": "010-1111-2222"}))[0]
             for _ in range(6)]
    assert codes == [404] * 5 + [429]
    # even the right phone is refused until the window passes
    right = call(lambda_handler, http_event("POST", "/buyer/guest/session",
                                            {"site_id": site_id, "order_id": a, "phone": GUEST["phone"]}))
    assert right[0] == 429


def test_jwks_publishes_the_signing_key(site_id: str) -> None:
    status, body, _ = call(lambda_handler, http_event("GET", "/buyer/guest/.well-known/jwks.json"))
    assert status == 200
    assert body["keys"][0]["kid"] == tokens.jwks()["keys"][0]["kid"]
    status, body, _ = call(lambda_handler, http_event("GET", "/buyer/guest/.well-known/openid-configuration"))
    assert body["jwks_uri"].endswith("/.well-known/jwks.json")


def test_a_retried_confirm_with_the_same_key_answers_the_first_result_once(site_id: str) -> None:
    mine = take_in(site_id, **one_line())
    deliver(site_id, mine, iso(utcnow()))
    key = {"Idempotency-Key": "confirm-1"}
    first = call(lambda_handler, http_event("POST", f"/buyer/orders/{mine}/confirm", {},
                                            claims=member(site_id, "m-100"), headers=key))
    again = call(lambda_handler, http_event("POST", f"/buyer/orders/{mine}/confirm", {},
                                            claims=member(site_id, "m-100"), headers=key))
    assert first[0] == again[0] == 200 and again[1] == first[1]
    assert again[2].get("Idempotent-Replayed") == "true" and "Idempotent-Replayed" not in first[2]
    assert first[1]["lines"][0]["points_accrued"] == 200  # accrued once: the balance shows one accrual
    points = call(lambda_handler, http_event("GET", "/buyer/points", claims=member(site_id, "m-100")))[1]
    assert points["balance"] == 200 and [e["kind"] for e in points["entries"]] == ["accrual"]
    # keys are the caller's: another member's same key on the same path is their own (404 here)
    other = call(lambda_handler, http_event("POST", f"/buyer/orders/{mine}/confirm", {},
                                            claims=member(site_id, "m-101"), headers=key))
    assert other[0] == 404
    # the guest sign-in (no token) is never stored: its token is answered fresh each time
    guest = take_in(site_id, **one_line(buyer=GUEST))
    body = {"site_id": site_id, "order_id": guest, "phone": GUEST["phone"]}
    a = call(lambda_handler, http_event("POST", "/buyer/guest/session", body, headers={"Idempotency-Key": "g-1"}))
    b = call(lambda_handler, http_event("POST", "/buyer/guest/session", body, headers={"Idempotency-Key": "g-1"}))
    assert a[0] == b[0] == 200 and "Idempotent-Replayed" not in b[2]
