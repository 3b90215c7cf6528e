"""Bad input never answers 500: bodies (UTF-8, depth), cursors, id lengths, times, strict types,
claims, the problem builder; and an unexpected error is a problem+json 500 that logs no buyer data."""

from __future__ import annotations

import base64
import json
import os
import time
from collections.abc import Iterator
from typing import Any

import pytest

from admin_api.app import lambda_handler as admin_handler
from buyer_api.app import lambda_handler as buyer_handler
from oms.store import keys
from oms.store.table import client, load, table_name
from tests.integration.confirm_helpers import deliver, one_line, take_in
from tests.support import call, http_event, order_payload

pytestmark = pytest.mark.usefixtures("standard_buyer_points")

PROBLEM = "application/problem+json"
GUEST = {"name": "박지우", "phone": "010-3456-7890", "member_id": None}


def admin(method: str, path: str, body: Any = None, *, site_id: str, query: dict[str, Any] | None = None,
          claims: dict[str, Any] | None = None) -> tuple[int, Any, dict[str, str]]:
    return call(admin_handler, http_event(method, path, body, site_id=site_id, query=query, claims=claims))


def member(site: str, member_id: str = "m-100") -> dict[str, Any]:
    return {"sub": member_id, "site_id": site, "role": "buyer", "member_id": member_id}


def problem_of(resp: tuple[int, Any, dict[str, str]], status: int, code: str) -> dict[str, Any]:
    got, body, headers = resp
    assert got == status, body
    assert headers.get("Content-Type") == PROBLEM
    assert body["code"] == code and body["status"] == status and body["message_ko"]
    return body


def items_of(site_id: str, order_id: str) -> list[dict[str, Any]]:
    resp = client().query(TableName=table_name(), KeyConditionExpression="PK = :pk",
                          ExpressionAttributeValues={":pk": {"S": keys.order_pk(site_id, order_id)}},
                          ConsistentRead=True)
    return [load(i) for i in resp.get("Items", [])]


def raw_event(method: str, path: str, raw: bytes, **kw: Any) -> dict[str, Any]:
    event = http_event(method, path, None, **kw)
    event["body"] = base64.b64encode(raw).decode()
    event["isBase64Encoded"] = True
    return event


# ---- bodies -------------------------------------------------------------------------------------

DEEP = ("[" * 5000 + "]" * 5000).encode()
NOT_UTF8 = b'{"text": "\xff\xfe\xed\xa0\x80"}'
SURROGATE = b'{"text": "\\ud800 memo"}'


@pytest.mark.parametrize(("raw", "code"), [(NOT_UTF8, "BODY_NOT_UTF8"), (DEEP, "JSON_TOO_DEEP"),
                                           (SURROGATE, "BODY_NOT_UTF8"), (b'{"text": ', "MALFORMED_JSON")])
def test_bodies_are_read_once_for_every_function(site_id: str, raw: bytes, code: str) -> None:
    order_id = take_in(site_id, **one_line())
    before = items_of(site_id, order_id)
    for handler, method, path, kw in (
        (admin_handler, "POST", f"/admin/orders/{order_id}/memos", {"site_id": site_id}),
        (admin_handler, "POST", "/intake/orders", {"iam": True}),
        (admin_handler, "PATCH", "/admin/settings", {"site_id": site_id}),
        (admin_handler, "PUT", "/admin/stock/TEE-01", {"site_id": site_id}),
        (buyer_handler, "POST", f"/buyer/orders/{order_id}/confirm", {"claims": member(site_id)}),
        (buyer_handler, "POST", "/buyer/guest/session", {}),
    ):
        problem_of(call(handler, raw_event(method, path, raw, **kw)), 400, code)
    assert items_of(site_id, order_id) == before


@pytest.mark.parametrize("raw", [NOT_UTF8, DEEP, SURROGATE])
def test_webhook_bodies_are_refused_before_anything_reads_them(raw: bytes) -> None:
    from tests.integration.payments_support import webhook_event
    from tests.support import FakeContext
    from webhooks_api.app import lambda_handler as webhook_handler

    for provider in ("toss", "portone"):
        event = webhook_event(provider, {"content-type": "application/json"}, b"{}")
        event["body"] = base64.b64encode(raw).decode()
        event["isBase64Encoded"] = True
        resp = webhook_handler(event, FakeContext())
        assert resp["statusCode"] == 400
        assert resp["headers"]["content-type"] == PROBLEM
        assert json.loads(resp["body"])["code"] in ("BODY_NOT_UTF8", "JSON_TOO_DEEP")


def test_unexpected_error_is_a_problem_with_correlation_id_and_logs_no_buyer_data(
        site_id: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    from oms.services import orders as order_service

    order_id = take_in(site_id, **one_line())

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("김민지 010-1234-5678 서울특별시 중구 세종대로 110")

    monkeypatch.setattr(order_service, "memo", broken)
    event = http_event("POST", f"/admin/orders/{order_id}/memos", {"text": "고객 요청 메모"}, site_id=site_id)
    body = problem_of(call(admin_handler, event), 500, "INTERNAL_ERROR")
    assert body["correlation_id"] == event["requestContext"]["requestId"]
    logged = " ".join(str(vars(r)) for r in caplog.records)
    assert "RuntimeError" in logged and body["correlation_id"] in logged
    assert "김민지" not in logged and "010-1234-5678" not in logged and "세종대로" not in logged


# ---- cursors ------------------------------------------------------------------------------------


def _plain_cursor(key: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode()


def test_cursors_are_ours_and_the_callers(site_id: str) -> None:
    other_site = site_id + "-b"
    mine = take_in(site_id, **one_line())
    theirs = take_in(other_site, **one_line())
    for _ in range(2):
        take_in(site_id, **one_line())
        take_in(other_site, **one_line())
    # a real cursor of the other site, and hand-made keys of every shape
    status, page, _ = admin("GET", "/admin/orders", site_id=other_site, query={"limit": 1})
    assert status == 200 and page["next_cursor"]
    their_cursor = page["next_cursor"]
    status, tl, _ = admin("GET", f"/admin/orders/{theirs}/timeline", site_id=other_site, query={"limit": 1})
    assert status == 200
    forged = [_plain_cursor({}), _plain_cursor({"PK": "x"}), _plain_cursor({"PK": {"S": "x"}, "SK": {"S": "y"}}),
              _plain_cursor({"PK": {"S": keys.order_pk(other_site, theirs)}, "SK": {"S": "TL#"}}),
              "not-base64-!!", "x" * 9000, their_cursor]
    if tl["next_cursor"]:
        forged.append(tl["next_cursor"])
    for cursor in forged:
        for path, handler, kw in (
            ("/admin/orders", admin_handler, {"site_id": site_id}),
            (f"/admin/orders/{mine}/timeline", admin_handler, {"site_id": site_id}),
            ("/admin/members/m-100/points", admin_handler, {"site_id": site_id}),
            ("/buyer/orders", buyer_handler, {"claims": member(site_id)}),
            ("/buyer/points", buyer_handler, {"claims": member(site_id)}),
        ):
            status, answer, _ = call(handler, http_event("GET", path, query={"cursor": cursor, "limit": 1}, **kw))
            assert status == 400, (path, cursor[:40], answer)
            if answer["code"] == "VALIDATION_FAILED":  # longer than any cursor we hand out
                assert answer["errors"][0]["field"] == "cursor"
            else:
                assert answer["code"] == "INVALID_CURSOR" and answer["field"] == "cursor"
    # our own cursors still page through our own list
    status, first, _ = admin("GET", "/admin/orders", site_id=site_id, query={"limit": 2})
    status, second, _ = admin("GET", "/admin/orders", site_id=site_id,
                              query={"limit": 2, "cursor": first["next_cursor"]})
    assert status == 200
    seen = [o["order_id"] for o in first["orders"] + second["orders"]]
    assert len(seen) == 3 == len(set(seen))


# ---- ids and times ------------------------------------------------------------------------------

LONG = ["x" * 3000, "가" * 1000]


@pytest.mark.parametrize("long_id", LONG)
def test_ids_longer_than_a_key_allows_are_refused_with_the_field(site_id: str, long_id: str) -> None:
    order_id = take_in(site_id, **one_line())
    before = items_of(site_id, order_id)
    cases: list[tuple[str, str, Any, dict[str, Any] | None]] = [
        ("GET", f"/admin/orders/{long_id}/timeline", None, None),
        ("GET", f"/admin/orders/{long_id}", None, None),
        ("GET", f"/admin/members/{long_id}/points", None, None),
        ("POST", f"/admin/members/{long_id}/points", {"amount": 100, "reason": "보상"}, None),
        ("PUT", f"/admin/stock/{long_id}", {"quantity": 1}, None),
        ("GET", f"/admin/invoices/imports/{long_id}", None, None),
        ("GET", "/admin/orders", None, {"buyer_name": long_id}),
        ("GET", "/admin/orders", None, {"tracking_no": long_id}),
        ("GET", "/admin/orders", None, {"order_id": long_id}),
        ("POST", "/admin/orders/bulk/status", {"order_ids": [order_id, long_id], "to": "ready_to_ship"}, None),
        ("POST", "/admin/orders/bulk/deliver-no-shipping", {"order_ids": [long_id]}, None),
        ("POST", f"/admin/orders/{order_id}/status", {"moves": [{"line_id": long_id, "to": "ready_to_ship"}]}, None),
        ("POST", f"/admin/orders/{order_id}/tracking", {"line_ids": [long_id], "tracking_no": "1234"}, None),
        ("POST", f"/admin/orders/{order_id}/payments/{long_id}/deposit", {}, None),
    ]
    for method, path, body, query in cases:
        status, answer, headers = admin(method, path, body, site_id=site_id, query=query)
        assert 400 <= status < 500, (method, path[:60], answer)
        assert headers.get("Content-Type") == PROBLEM and answer["code"], answer
        assert answer.get("field") or answer.get("errors"), answer
    from invoices_fn.handler import lambda_handler as invoices_handler

    for handler, method, path, body, kw in (
        (invoices_handler, "GET", "/admin/invoices/template", None,
         {"site_id": site_id, "query": {"order_ids": f"{order_id},{long_id}"}}),
        (buyer_handler, "GET", f"/buyer/orders/{long_id}", None, {"claims": member(site_id)}),
        (buyer_handler, "POST", f"/buyer/orders/{order_id}/confirm", {"line_ids": [long_id]},
         {"claims": member(site_id)}),
        (buyer_handler, "POST", "/buyer/guest/session", {"site_id": site_id, "order_id": long_id,
                                                         "phone": "010-1234-5678"}, {}),
    ):
        status, answer, headers = call(handler, http_event(method, path, body, **kw))
        assert 400 <= status < 500 and headers.get("Content-Type") == PROBLEM, answer
    assert items_of(site_id, order_id) == before


@pytest.fixture
def new_york() -> Iterator[None]:
    """The host's zone is neither UTC nor KST (as a misconfigured host could be)."""
    saved = os.environ.get("TZ")
    os.environ["TZ"] = "America/New_York"
    time.tzset()
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = saved
        time.tzset()


def intake(body: dict[str, Any]) -> tuple[int, Any, dict[str, str]]:
    return call(admin_handler, http_event("POST", "/intake/orders", body, iam=True))


def va_payment(site_id: str, due_at: str) -> dict[str, Any]:
    body = order_payload(site_id)
    amount = body["payment"]["amount"]
    body["payment"] = {"method": "virtual_account", "amount": amount,
                       "virtual_account": {"bank": "신한은행", "account_no": "110-123-456789", "holder": "데모샵",
                                           "due_at": due_at}}
    return body


def test_times_need_an_offset_and_are_stored_utc(site_id: str, new_york: None) -> None:
    assert time.strftime("%Z") in ("EST", "EDT")
    # no offset: refused with the field named, whatever the host's zone
    body = order_payload(site_id)
    body["payment"]["paid_at"] = "2026-11-26T10:00:00"
    problem = problem_of(intake(body), 400, "VALIDATION_FAILED")
    assert problem["errors"][0]["field"] == "payment.paid_at"
    problem = problem_of(intake(va_payment(site_id, "2026-11-30T23:59:59")), 400, "VALIDATION_FAILED")
    assert problem["errors"][0]["field"] == "payment.virtual_account.due_at"
    # with an offset: stored as the UTC instant
    body = order_payload(site_id)
    body["payment"]["paid_at"] = "2026-11-26T10:00:00+09:00"
    status, detail, _ = intake(body)
    assert status == 201, detail
    assert detail["payments"][0]["paid_at"] == "2026-11-26T01:00:00.000000Z"
    status, detail, _ = intake(va_payment(site_id, "2099-11-30T23:59:59+09:00"))
    assert status == 201, detail
    va_order, pid = detail["order_id"], detail["payments"][0]["payment_id"]
    assert detail["payments"][0]["virtual_account"]["due_at"] == "2099-11-30T14:59:59.000000Z"
    # the manual deposit: no offset, out of range → refused; nothing written
    before = items_of(site_id, va_order)
    for paid_at in ("2026-11-26T10:00:00", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59+09:00"):
        status, problem, _ = admin("POST", f"/admin/orders/{va_order}/payments/{pid}/deposit",
                                   {"paid_at": paid_at}, site_id=site_id)
        assert status == 400 and problem["code"] == "VALIDATION_FAILED", problem
        assert problem["errors"][0]["field"] == "paid_at"
    assert items_of(site_id, va_order) == before
    status, detail, _ = admin("POST", f"/admin/orders/{va_order}/payments/{pid}/deposit",
                              {"paid_at": "2026-11-26T09:30:00+09:00"}, site_id=site_id)
    assert status == 200, detail
    assert detail["payments"][0]["paid_at"] == "2026-11-26T00:30:00.000000Z"


# ---- strict types -------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [True, "1", 1.0, 1.5, None])
def test_no_bool_string_or_float_for_an_integer(site_id: str, bad: Any) -> None:
    body = order_payload(site_id)
    body["lines"][1]["quantity"] = bad
    problem = problem_of(intake(body), 400, "VALIDATION_FAILED")
    assert problem["errors"][0]["field"] == "lines.1.quantity"
    problem = problem_of(admin("PUT", "/admin/stock/TEE-01", {"quantity": bad}, site_id=site_id), 400,
                         "VALIDATION_FAILED")
    assert problem["errors"][0]["field"] == "quantity"
    problem_of(admin("POST", "/admin/members/m-1/points", {"amount": bad, "reason": "보상"}, site_id=site_id),
               400, "VALIDATION_FAILED")


@pytest.mark.parametrize(("section", "value"), [
    ({"points": {"enabled": "yes"}}, "points.enabled"),
    ({"points": {"enabled": 1}}, "points.enabled"),
    ({"points": {"rate_bp": "5"}}, "points.rate_bp"),
    ({"confirmation": {"auto_confirm_days": 7.0}}, "confirmation.auto_confirm_days"),
    ({"payments": {"bank_matching": "true"}}, "payments.bank_matching"),
    ({"payments": {"callback_registered_at": "2026-11-26 10:00"}}, "payments.callback_registered_at"),
])
def test_settings_take_no_strings_for_booleans_or_integers(site_id: str, section: dict[str, Any], value: str) -> None:
    problem = problem_of(admin("PATCH", "/admin/settings", section, site_id=site_id), 400, "VALIDATION_FAILED")
    assert problem["errors"][0]["field"] == value
    status, current, _ = admin("GET", "/admin/settings", site_id=site_id)
    assert status == 200 and current["points"]["enabled"] is True and current["points"]["rate_bp"] == 100


# ---- claims and tenancy -------------------------------------------------------------------------


@pytest.mark.parametrize("claims", [
    {"sub": "a-1", "site_id": "SITE"},                      # no role claim
    {"sub": "a-1", "site_id": "SITE", "role": ""},
    {"sub": "a-1", "site_id": "SITE", "role": "buyer"},
    {"sub": "a-1", "role": "admin"},                        # no site
])
def test_an_admin_token_needs_the_admin_role_and_a_site(site_id: str, claims: dict[str, Any]) -> None:
    order_id = take_in(site_id, **one_line())
    before = items_of(site_id, order_id)
    c = {k: (site_id if v == "SITE" else v) for k, v in claims.items()}
    for method, path, body in (("GET", f"/admin/orders/{order_id}", None), ("GET", "/admin/orders", None),
                               ("POST", f"/admin/orders/{order_id}/memos", {"text": "메모"})):
        problem_of(admin(method, path, body, site_id=site_id, claims=c), 403, "FORBIDDEN")
    assert items_of(site_id, order_id) == before


def test_cash_receipt_for_another_sites_order_is_404_and_writes_nothing(site_id: str) -> None:
    other_site = site_id + "-b"
    order_id = take_in(site_id, **one_line())
    _, detail, _ = admin("GET", f"/admin/orders/{order_id}", site_id=site_id)
    pid = detail["payments"][0]["payment_id"]
    before = items_of(site_id, order_id)
    base = f"/admin/orders/{order_id}/payments/{pid}"
    for path, body in ((f"{base}/cash-receipt", {"type": "소득공제", "identity_number": "010-1234-5678"}),
                       (f"{base}/cash-receipt/manual-complete", {"type": "소득공제"}),
                       (f"{base}/refund", {"reason": "고객 요청"}),
                       (f"{base}/deposit", {})):
        problem_of(admin("POST", path, body, site_id=other_site), 404, "ORDER_NOT_FOUND")
    assert items_of(site_id, order_id) == before
    # and the other site's order of the same number (if any) got no refusal either
    assert items_of(other_site, order_id) == []


# ---- the problem builder ------------------------------------------------------------------------


def test_confirming_a_line_not_delivered_is_a_4xx_for_members_and_guests(site_id: str) -> None:
    from oms.domain.clock import iso, utcnow
    from oms_local import tokens

    for k, v in tokens.guest_signing_env().items():
        os.environ.setdefault(k, v)
    mine = take_in(site_id, **one_line())
    guest = take_in(site_id, **one_line(buyer=GUEST))
    guest_claims = {"sub": f"guest:{guest}", "site_id": site_id, "role": "buyer", "order_id": guest}
    for order_id, claims, prefix in ((mine, member(site_id), "/buyer"), (guest, guest_claims, "/buyer/guest")):
        path = f"{prefix}/orders/{order_id}/confirm"
        # still 준비중: naming the line, or not
        problem = problem_of(call(buyer_handler, http_event("POST", path, {"line_ids": ["L001"]}, claims=claims)),
                             422, "CONFIRM_ONLY_DELIVERED")
        assert problem["status"] == 422 and problem["line_id"] == "L001"
        assert problem["extra"]["status"] == "preparing"
        problem_of(call(buyer_handler, http_event("POST", path, {}, claims=claims)), 422, "NOTHING_TO_CONFIRM")
        resp = call(buyer_handler, http_event("POST", path, {"line_ids": ["L999"]}, claims=claims))
        assert 400 <= resp[0] < 500 and resp[1]["code"]
        # delivered, confirmed once; the double click is refused cleanly
        deliver(site_id, order_id, iso(utcnow()))
        status, _, _ = call(buyer_handler, http_event("POST", path, {"line_ids": ["L001"]}, claims=claims))
        assert status == 200
        problem_of(call(buyer_handler, http_event("POST", path, {"line_ids": ["L001"]}, claims=claims)),
                   422, "CONFIRM_ONLY_DELIVERED")


# ---- text UTF-8 cannot carry, outside the body ----------------------------------------------------


def test_unpaired_surrogates_in_headers_paths_and_queries_are_refused(site_id: str) -> None:
    order_id = take_in(site_id, **one_line())
    before = items_of(site_id, order_id)
    for key in ("\ud800", "키-1", "a\nb"):
        event = http_event("POST", f"/admin/orders/{order_id}/memos", {"text": "메모"}, site_id=site_id,
                           headers={"idempotency-key": key})
        problem_of(call(admin_handler, event), 400, "IDEMPOTENCY_KEY_INVALID")
    for query in ({"buyer_name": "\ud800"}, {"order_id": "a\udfffb"}, {"tracking_no": "\ud800"}):
        event = http_event("GET", "/admin/orders", site_id=site_id)
        event["queryStringParameters"] = query
        problem_of(call(admin_handler, event), 400, "VALIDATION_FAILED")
    problem_of(admin("GET", "/admin/members/m\ud800/points", site_id=site_id), 404, "ROUTE_NOT_FOUND")
    assert items_of(site_id, order_id) == before


@pytest.mark.parametrize("ctype", ["multipart/form-data", "multipart/form-data; boundary=x",
                                   "application/x-www-form-urlencoded", "text/plain"])
@pytest.mark.parametrize("raw", ['{"text": "메모"}', ""])
def test_bodies_are_json_only(site_id: str, ctype: str, raw: str) -> None:
    order_id = take_in(site_id, **one_line())
    before = items_of(site_id, order_id)
    for method, path in (("POST", f"/admin/orders/{order_id}/memos"), ("POST", f"/admin/orders/{order_id}/reopen")):
        event = http_event(method, path, raw, site_id=site_id, headers={"content-type": ctype})
        problem_of(call(admin_handler, event), 415, "UNSUPPORTED_CONTENT_TYPE")
    event = http_event("POST", "/buyer/guest/session", raw, headers={"content-type": ctype})
    problem_of(call(buyer_handler, event), 415, "UNSUPPORTED_CONTENT_TYPE")
    assert items_of(site_id, order_id) == before
