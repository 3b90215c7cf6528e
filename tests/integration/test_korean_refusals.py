"""Refused requests answer Korean an operator can act on: the field by its Korean label and the limit
it broke (field, rule and limit stay for programs), more than 50 chosen orders points to selecting
the whole search, and a body that cannot be read is told so in Korean, with no English word."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from admin_api.app import lambda_handler as admin_handler
from tests.korean_text import problems
from tests.support import call, http_event, order_payload

pytestmark = pytest.mark.usefixtures("standard_buyer_points")

PROBLEM = "application/problem+json"
BULK_KO = "주문은 한 번에 50건까지 처리할 수 있습니다. 더 많으면 검색 결과 전체 선택을 사용하세요."


def send(event: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    status, answer, headers = call(admin_handler, event)
    if status >= 400:
        assert headers.get("Content-Type") == PROBLEM, answer
    return status, answer


def admin(method: str, path: str, site_id: str, body: Any = None,
          query: dict[str, Any] | None = None) -> tuple[int, dict[str, Any]]:
    return send(http_event(method, path, body, site_id=site_id, query=query))


def refused(resp: tuple[int, dict[str, Any]], code: str = "VALIDATION_FAILED") -> dict[str, Any]:
    status, problem = resp
    assert (status, problem["code"]) == (400, code), problem
    assert problems(problem["message_ko"]) == [], problem["message_ko"]  # Korean, no English word
    return problem


def new_order(site_id: str) -> str:
    status, body, _ = call(admin_handler, http_event("POST", "/intake/orders", order_payload(site_id), iam=True))
    assert status == 201, body
    return str(body["order_id"])


def memo_count(site_id: str, order_id: str) -> int:
    status, detail = admin("GET", f"/admin/orders/{order_id}", site_id)
    assert status == 200, detail
    return int(detail["memo_count"])


def test_a_bulk_move_of_51_orders_points_to_selecting_the_whole_search(site_id: str) -> None:
    order_id = new_order(site_id)
    ids = [order_id, *(f"{order_id}-{i}" for i in range(50))]
    problem = refused(admin("POST", "/admin/orders/bulk/status", site_id, {"order_ids": ids, "to": "ready_to_ship"}))
    assert problem["message_ko"] == BULK_KO
    assert (problem["field"], problem["rule"], problem["limit"]) == ("order_ids", "too_long", 50)
    assert problem["errors"][0] == {"field": "order_ids", "rule": "too_long", "limit": 50, "message_ko": BULK_KO}
    _, detail = admin("GET", f"/admin/orders/{order_id}", site_id)
    assert detail["version"] == 1  # nothing moved
    # 50 is still one request
    status, answer = admin("POST", "/admin/orders/bulk/status", site_id, {"order_ids": ids[:50], "to": "ready_to_ship"})
    assert status == 200 and answer["done"] == 1 and answer["refused"] == 49, answer


def test_the_same_sentence_for_every_selection_of_orders(site_id: str) -> None:
    ids = [f"O-{i}" for i in range(51)]
    problem = refused(admin("POST", "/admin/orders/bulk/deliver-no-shipping", site_id, {"order_ids": ids}))
    assert (problem["message_ko"], problem["field"], problem["limit"]) == (BULK_KO, "order_ids", 50)


def test_a_too_long_memo_names_the_memo_and_its_limit(site_id: str) -> None:
    order_id = new_order(site_id)
    problem = refused(admin("POST", f"/admin/orders/{order_id}/memos", site_id, {"text": "가" * 2001}))
    assert problem["message_ko"] == "메모는 최대 2,000자까지 입력할 수 있습니다."
    assert (problem["field"], problem["rule"], problem["limit"]) == ("text", "string_too_long", 2000)
    problem = refused(admin("POST", f"/admin/orders/{order_id}/memos", site_id, {"text": ""}))
    assert problem["message_ko"] == "메모를 입력하세요."
    assert memo_count(site_id, order_id) == 0


def test_a_number_where_text_belongs_is_told_in_korean(site_id: str) -> None:
    order_id = new_order(site_id)
    problem = refused(admin("POST", f"/admin/orders/{order_id}/memos", site_id, {"text": 12345}))
    assert problem["message_ko"] == "메모는 숫자가 아닌 글자로 입력하세요."
    assert (problem["field"], problem["rule"]) == ("text", "string_type") and "limit" not in problem
    assert memo_count(site_id, order_id) == 0


def test_a_body_that_is_not_utf8_or_not_json_is_told_in_korean(site_id: str) -> None:
    order_id = new_order(site_id)
    event = http_event("POST", f"/admin/orders/{order_id}/memos", None, site_id=site_id)
    event["body"] = base64.b64encode(b'{"text": "\xff\xfe memo"}').decode()
    event["isBase64Encoded"] = True
    problem = refused(send(event), "BODY_NOT_UTF8")
    assert problem["message_ko"] == "요청 본문에 읽을 수 없는 글자가 있습니다. 유니코드 텍스트로 보내세요."
    assert problem["field"] == "body"
    problem = refused(admin("POST", f"/admin/orders/{order_id}/memos", site_id, '{"text": '), "MALFORMED_JSON")
    assert problem["message_ko"] == "요청 본문의 형식이 올바르지 않습니다. 괄호, 따옴표, 쉼표가 맞는지 확인하세요."
    assert memo_count(site_id, order_id) == 0


def test_query_parameters_and_choices_are_named_in_korean(site_id: str) -> None:
    problem = refused(admin("GET", "/admin/orders", site_id, query={"limit": "many"}))
    assert (problem["message_ko"], problem["field"]) == ("조회 건수는 숫자로 입력하세요.", "limit")
    problem = refused(admin("GET", "/admin/orders", site_id, query={"limit": 500}))
    assert (problem["message_ko"], problem["limit"]) == ("조회 건수는 100 이하여야 합니다.", 100)
    problem = refused(admin("GET", "/admin/orders", site_id, query={"tab": "flying"}))
    assert problem["message_ko"].startswith("상태 탭의 값이 올바르지 않습니다. 허용된 값: ")
    allowed_ko = set(problem["message_ko"].split(": ", 1)[1].rstrip(".").split(", "))
    assert {"전체", "배송 이상", "상품준비", "교환완료"} <= allowed_ko
    assert {"all", "preparing"} <= set(problem["errors"][0]["allowed"])


def test_a_missing_order_is_named_in_korean(site_id: str) -> None:
    status, problem = admin("GET", "/admin/orders/NOPE-1", site_id)
    assert (status, problem["code"]) == (404, "ORDER_NOT_FOUND")
    assert problem["message_ko"] == "주문을 찾을 수 없습니다: NOPE-1"
