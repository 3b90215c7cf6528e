"""Free text and date ranges every route takes: control characters, bidi overrides and invisible-only
values are refused with the field named (nothing stored, nothing sent); newlines only where the text
is multi-line; dates are YYYY-MM-DD strings with from ≤ to."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from admin_api.app import lambda_handler as admin_handler
from exports_fn.app import lambda_handler as exports_handler
from oms.schemas import validation
from oms.schemas.labels import ROUTE_FIELD_KO
from oms.store import messages as message_store
from oms_local.sms_sandbox import SmsSandbox
from tests.integration.test_input_hardening import items_of
from tests.korean_text import problems
from tests.support import call, http_event, order_payload

pytestmark = pytest.mark.usefixtures("standard_buyer_points")

PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def sms() -> Iterator[SmsSandbox]:
    sb = SmsSandbox(port=0).start()
    try:
        yield sb
    finally:
        sb.stop()


@pytest.fixture
def sender(sms: SmsSandbox, site_id: str, monkeypatch: pytest.MonkeyPatch) -> str:
    import random

    for k, v in sms.env("nhn").items():
        monkeypatch.setenv(k, v)
    number = f"02{random.randint(10_000_000, 99_999_999)}"
    assert admin("POST", "/admin/messages/senders", site_id, {"number": number})[0] == 201
    sms.verify(number)
    assert admin("PUT", "/admin/messages/senders/default", site_id, {"number": number})[0] == 200
    return number


def admin(method: str, path: str, site_id: str, body: Any = None, query: dict[str, Any] | None = None,
          handler: Any = admin_handler) -> tuple[int, Any]:
    status, answer, headers = call(handler, http_event(method, path, body, site_id=site_id, query=query))
    if status >= 400:
        assert headers.get("Content-Type") == PROBLEM, answer
    return status, answer


def refused_naming(resp: tuple[int, Any], field: str) -> dict[str, Any]:
    status, problem = resp
    assert status == 400, problem
    assert problem["code"] == "VALIDATION_FAILED" and problem["errors"][0]["field"] == field, problem
    # the field by its Korean label (the route's own name where it has one), never its code
    loc = [int(p) if p.isdigit() else p for p in field.split(".")]
    labels = {validation.field_label(loc), *(names[field] for names in ROUTE_FIELD_KO.values() if field in names)}
    assert any(label in problem["message_ko"] for label in labels), (labels, problem["message_ko"])
    assert problems(problem["message_ko"]) == [] and problem["errors"][0]["message_ko"] == problem["message_ko"]
    return problem


def intake(body: dict[str, Any]) -> tuple[int, Any]:
    status, answer, _ = call(admin_handler, http_event("POST", "/intake/orders", body, iam=True))
    return status, answer


def new_order(site_id: str) -> str:
    status, body = intake(order_payload(site_id))
    assert status == 201, body
    return str(body["order_id"])


def order_count(site_id: str) -> int:
    status, page = admin("GET", "/admin/orders", site_id, query={"limit": 100})
    assert status == 200, page
    return len(page["orders"])


# ---- text ---------------------------------------------------------------------------------------

def _intake_with(site_id: str, path: tuple[Any, ...], value: str) -> dict[str, Any]:
    body = order_payload(site_id)
    node: Any = body
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return body


ORDER_TEXT = [  # (method, path under the order, body, the field named)
    ("POST", "memos", {"text": "배송 전 연락\x00"}, "text"),
    ("POST", "memos", {"text": "\u200b"}, "text"),
    ("POST", "memos", {"text": " \u200b\u2060 \ufeff "}, "text"),
    ("POST", "memos", {"text": "메모\ufeff"}, "text"),
    ("POST", "memos", {"text": "\u202e모메"}, "text"),
    ("POST", "memos", {"text": "메모\x7f"}, "text"),
    ("POST", "memos", {"text": "줄\r바꿈"}, "text"),
    ("POST", "lines", {"product_code": "GIFT-1", "product_name": "사은품\u202egnp.exe", "quantity": 1,
                       "unit_price": 0}, "product_name"),
    ("POST", "lines", {"product_code": "GIFT-1", "product_name": "사은품", "quantity": 1, "unit_price": 0,
                       "options": [{"name": "색상\x1b", "value": "빨강"}]}, "options.0.name"),
    ("PATCH", "recipient", {"name": "김\n민지", "phone": "010-1234-5678", "postal_code": "04524",
                            "address1": "서울특별시 중구 세종대로 110"}, "name"),
    ("PATCH", "recipient", {"name": "김민지", "phone": "010-1234-5678", "postal_code": "04524",
                            "address1": "서울특별시 중구\t세종대로 110"}, "address1"),
    ("PATCH", "recipient", {"name": "김민지", "phone": "010-1234-5678", "postal_code": "04524",
                            "address1": "서울특별시 중구 세종대로 110", "message": "문 앞\u2066에\u2069"}, "message"),
    ("POST", "claims", {"type": "cancel", "items": [{"line_id": "L002", "quantity": 1}], "reason": "sold_out",
                        "note": "품절\x00"}, "note"),
    ("POST", "messages", {"text": "\x00"}, "text"),
    ("POST", "messages", {"text": "안녕하세요", "title": "안내\n제목"}, "title"),
]


@pytest.mark.parametrize(("method", "sub", "body", "field"), ORDER_TEXT)
def test_bad_text_on_order_routes_is_refused_and_nothing_changes(
        site_id: str, sender: str, sms: SmsSandbox, method: str, sub: str, body: dict[str, Any], field: str) -> None:
    oid = new_order(site_id)
    before = items_of(site_id, oid)
    refused_naming(admin(method, f"/admin/orders/{oid}/{sub}", site_id, body), field)
    assert items_of(site_id, oid) == before  # no memo, line, claim, timeline entry or outbox item
    assert sms.list_messages(site_id) == [] and message_store.list_messages(site_id, oid) == []


@pytest.mark.parametrize(("path", "value", "field"), [
    (("buyer", "name"), "김\x1b[31m민지", "buyer.name"),
    (("recipient", "name"), "\u200b", "recipient.name"),
    (("recipient", "address2"), "3층\x00", "recipient.address2"),
    (("lines", 0, "product_name"), "오버핏 \u202e츠셔티", "lines.0.product_name"),
    (("lines", 0, "options", 0, "value"), "블랙\x7f", "lines.0.options.0.value"),
])
def test_bad_text_at_intake_stores_no_order(site_id: str, path: tuple[Any, ...], value: str, field: str) -> None:
    refused_naming(intake(_intake_with(site_id, path, value)), field)
    assert order_count(site_id) == 0


@pytest.mark.parametrize(("method", "path", "body", "field", "handler", "listing", "key"), [
    ("POST", "/admin/messages/templates", {"name": "안내", "text": "\x00"}, "text", admin_handler,
     "/admin/messages/templates", "templates"),
    ("POST", "/admin/messages/templates", {"name": "안내\n문자", "text": "본문"}, "name", admin_handler,
     "/admin/messages/templates", "templates"),
    ("POST", "/admin/exports/templates", {"name": "\u202e양식", "columns": [{"field": "order_id"}]}, "name",
     exports_handler, "/admin/exports/templates", "templates"),
])
def test_bad_text_in_templates_stores_nothing(site_id: str, method: str, path: str, body: dict[str, Any],
                                              field: str, handler: Any, listing: str, key: str) -> None:
    before = admin("GET", listing, site_id, handler=handler)
    refused_naming(admin(method, path, site_id, body, handler=handler), field)
    after = admin("GET", listing, site_id, handler=handler)
    assert after[0] == 200 and after == before and all(t["name"] != body["name"] for t in after[1][key])


def test_newlines_only_where_the_text_is_multi_line(site_id: str, sender: str, sms: SmsSandbox, relay: Any) -> None:
    oid = new_order(site_id)
    status, detail = admin("POST", f"/admin/orders/{oid}/memos", site_id, {"text": "첫 줄\n둘째 줄\r\n\t셋째 줄"})
    assert status in (200, 201), detail
    status, msg = admin("POST", f"/admin/orders/{oid}/messages", site_id, {"text": "안녕하세요\n입금 확인되었습니다"})
    assert status in (200, 201), msg
    relay.drain()  # the relay sends it after the commit
    assert [m.text for m in sms.list_messages(site_id)] == ["안녕하세요\n입금 확인되었습니다"]
    # the same newline in a name is refused
    refused_naming(intake(_intake_with(site_id, ("buyer", "name"), "김\n민지")), "buyer.name")


# ---- dates --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("query", "field"), [
    ({"date_from": "2026-03-02", "date_to": "2026-03-01"}, "date_to"),
    ({"date_from": "0"}, "date_from"),
    ({"date_to": "20260301"}, "date_to"),
    ({"date_from": "2026-02-30"}, "date_from"),
    ({"date_to": "9999-12-31"}, "date_to"),
    ({"date_from": "2026-03-01T00:00:00"}, "date_from"),
])
def test_order_list_dates(site_id: str, query: dict[str, str], field: str) -> None:
    new_order(site_id)
    refused_naming(admin("GET", "/admin/orders", site_id, query=query), field)
    status, page = admin("GET", "/admin/orders", site_id, query={"date_from": "2026-03-01", "date_to": "2026-03-01"})
    assert status == 200, page


@pytest.mark.parametrize(("search", "field"), [
    ({"date_from": "2026-03-02", "date_to": "2026-03-01"}, "search.date_to"),
    ({"date_from": 0}, "search.date_from"),
    ({"date_to": 20260301}, "search.date_to"),
    ({"date_from": "2026-03-01T00:00:00+09:00"}, "search.date_from"),
])
@pytest.mark.parametrize("action", ["print", "status"])
def test_job_search_dates_start_no_job(site_id: str, search: dict[str, Any], field: str, action: str) -> None:
    body = {"action": action, "search": search, **({"to": "ready_to_ship"} if action == "status" else {})}
    refused_naming(admin("POST", "/admin/jobs", site_id, body, handler=exports_handler), field)
    status, listed = admin("GET", "/admin/jobs", site_id, handler=exports_handler)
    assert status == 200 and listed["jobs"] == [], listed
