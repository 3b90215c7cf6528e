"""The admin and intake API through its Lambda handler (API Gateway HTTP API events, in process)."""

from __future__ import annotations

import copy
import json
import re
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import quote

import pytest

from admin_api.app import lambda_handler
from oms.schemas.orders import IntakeOrderIn
from oms.services import intake as intake_service
from tests.support import FakeContext, as_guest, call, http_event, order_payload

pytestmark = pytest.mark.usefixtures("standard_buyer_points")

PROBLEM = "application/problem+json"
TEE_SKU = "TEE-01|색상=블랙|사이즈=L"
HANGUL = re.compile(r"[가-힣]")


def api(method: str, path: str, body: Any = None, *, site_id: str | None = None,
        query: dict[str, Any] | None = None, claims: dict[str, Any] | None = None) -> tuple[int, Any, dict[str, str]]:
    return call(lambda_handler, http_event(method, path, body, site_id=site_id, query=query, claims=claims))


def intake(body: dict[str, Any]) -> tuple[int, Any, dict[str, str]]:
    return call(lambda_handler, http_event("POST", "/intake/orders", body, iam=True))


def new_order(site_id: str, **over: Any) -> dict[str, Any]:
    status, body, _ = intake(order_payload(site_id, **over))
    assert status == 201, body
    return body


def move(site_id: str, order_id: str, *moves: dict[str, Any], **extra: Any) -> tuple[int, Any, dict[str, str]]:
    return api("POST", f"/admin/orders/{order_id}/status", {"moves": list(moves), **extra}, site_id=site_id)


def lines(detail: dict[str, Any]) -> dict[str, tuple[str, int]]:
    return {li["line_id"]: (li["status"], li["quantity"]) for li in detail["lines"]}


def timeline(site_id: str, order_id: str) -> list[dict[str, Any]]:
    status, body, _ = api("GET", f"/admin/orders/{order_id}/timeline", site_id=site_id)
    assert status == 200
    return body["events"]


def assert_problem(resp: tuple[int, Any, dict[str, str]], status: int, code: str) -> dict[str, Any]:
    got_status, body, headers = resp
    assert got_status == status, body
    assert headers["Content-Type"] == PROBLEM
    assert body["status"] == status
    assert body["code"] == code
    assert HANGUL.search(body["message_ko"])
    assert body["title"] and body["detail"]
    return body


# ---- intake ---------------------------------------------------------------------------------


def test_intake_answers_201_then_200_with_the_same_order_on_retry(site_id: str) -> None:
    body = order_payload(site_id)
    status, first, headers = intake(body)
    assert status == 201
    assert headers["Content-Type"].startswith("application/json")
    assert lines(first) == {"L001": ("preparing", 3), "L002": ("preparing", 1)}
    assert first["amounts"]["order_amount"] == 76700 and first["amounts"]["outstanding"] == 0

    status, again, _ = intake(body)
    assert status == 200
    assert again["order_id"] == first["order_id"]
    _, listed, _ = api("GET", "/admin/orders", site_id=site_id)
    assert [row["order_id"] for row in listed["orders"]] == [first["order_id"]]
    assert listed["counts"] == {"all": 1, "preparing": 1}


def test_intake_needs_the_checkout_services_iam_identity(site_id: str) -> None:
    body = order_payload(site_id)
    assert_problem(api("POST", "/intake/orders", body, site_id=site_id), 403, "FORBIDDEN")  # an admin token
    assert_problem(api("POST", "/intake/orders", body), 403, "FORBIDDEN")  # nobody
    _, listed, _ = api("GET", "/admin/orders", site_id=site_id)
    assert listed["orders"] == [] and listed["counts"] == {}


def test_intake_refuses_a_payment_that_does_not_match_the_order(site_id: str) -> None:
    body = order_payload(site_id)
    body["payment"]["amount"] += 1
    problem = assert_problem(intake(body), 422, "PAYMENT_AMOUNT_MISMATCH")
    assert problem["expected"] == 76700
    assert problem["field"] == "payment.amount"


def test_invalid_intake_names_the_field(site_id: str) -> None:
    body = order_payload(site_id)
    body["lines"][0]["quantity"] = 0
    problem = assert_problem(intake(body), 400, "VALIDATION_FAILED")
    fields = [e["field"] for e in problem["errors"]]
    assert "lines.0.quantity" in fields
    assert problem["message_ko"] == "품목 1번째 수량은 1 이상이어야 합니다."
    assert (problem["field"], problem["rule"], problem["limit"]) == ("lines.0.quantity", "greater_than_equal", 1)

    body = order_payload(site_id)
    body["buyer"]["phone"] = "전화없음"
    body["lines"][1]["unit_price"] = -5
    problem = assert_problem(intake(body), 400, "VALIDATION_FAILED")
    assert {"buyer.phone", "lines.1.unit_price"} <= {e["field"] for e in problem["errors"]}
    assert all(e["rule"] for e in problem["errors"])

    body = order_payload(site_id)
    body["lines"][0]["colour"] = "red"  # unknown fields are refused, not ignored
    problem = assert_problem(intake(body), 400, "VALIDATION_FAILED")
    assert "lines.0.colour" in {e["field"] for e in problem["errors"]}


# ---- detail and status changes --------------------------------------------------------------


def test_detail_shows_lines_amounts_payments_and_timeline(site_id: str) -> None:
    order_id = new_order(site_id)["order_id"]
    status, detail, _ = api("GET", f"/admin/orders/{order_id}", site_id=site_id)
    assert status == 200
    assert detail["order_id"] == order_id and detail["version"] == 1
    assert lines(detail) == {"L001": ("preparing", 3), "L002": ("preparing", 1)}
    l001 = detail["lines"][0]
    assert (l001["gross_amount"], l001["coupon_discount"], l001["points_used"], l001["paid_amount"]) == (
        62700, 2421, 807, 59472)
    assert l001["option_text"] == "색상: 블랙 / 사이즈: L"
    assert detail["amounts"]["order_amount"] == 76700 and detail["amounts"]["paid"] == 76700
    assert [p["amount"] for p in detail["payments"]] == [76700]
    assert detail["buyer"]["type"] == "member"
    assert {e["kind"] for e in detail["timeline"]} >= {"order_created", "payment", "status_changed"}


def test_partial_move_answers_with_the_split_lines(site_id: str) -> None:
    order_id = new_order(site_id)["order_id"]
    status, detail, _ = move(site_id, order_id, {"line_id": "L001", "to": "ready_to_ship", "quantity": 1},
                             expected_version=1)
    assert status == 200
    assert detail["version"] == 2
    assert lines(detail) == {"L001": ("preparing", 2), "L002": ("preparing", 1), "L003": ("ready_to_ship", 1)}
    split = next(li for li in detail["lines"] if li["line_id"] == "L003")
    assert split["origin_line_id"] == "L001" and split["status_ko"] == "배송대기"
    assert sum(li["paid_amount"] for li in detail["lines"]) == 59472 + 14228
    assert detail["status_quantities"] == {"preparing": 3, "ready_to_ship": 1}

    newest = timeline(site_id, order_id)[0]
    assert newest["kind"] == "status_changed"
    assert (newest["data"]["from"], newest["data"]["to"], newest["data"]["quantity"]) == (
        "preparing", "ready_to_ship", 1)
    assert newest["actor"]["kind"] == "admin"

    # the same request on the old version is a conflict, and changes nothing
    assert_problem(move(site_id, order_id, {"line_id": "L002", "to": "ready_to_ship"}, expected_version=1),
                   409, "VERSION_CONFLICT")
    _, detail, _ = api("GET", f"/admin/orders/{order_id}", site_id=site_id)
    assert detail["version"] == 2 and lines(detail)["L002"] == ("preparing", 1)


def test_refused_move_is_a_problem_with_the_rule_and_lands_on_the_timeline(site_id: str) -> None:
    order_id = new_order(site_id, channel="naverpay_order")["order_id"]
    problem = assert_problem(move(site_id, order_id, {"line_id": "L001", "to": "ready_to_ship", "quantity": 1}),
                             422, "SPLIT_NOT_ALLOWED_EXTERNAL_CHANNEL")
    assert problem["line_id"] == "L001"
    problem = assert_problem(move(site_id, order_id, {"line_id": "L002", "to": "delivered"}),
                             422, "STEP_SKIP_NOT_ALLOWED")
    assert (problem["from"], problem["to"]) == ("preparing", "delivered")

    events = timeline(site_id, order_id)
    refused = [e["data"]["code"] for e in events if e["kind"] == "refused"]
    assert refused == ["STEP_SKIP_NOT_ALLOWED", "SPLIT_NOT_ALLOWED_EXTERNAL_CHANNEL"]  # newest first
    _, detail, _ = api("GET", f"/admin/orders/{order_id}", site_id=site_id)
    assert detail["version"] == 1
    assert lines(detail) == {"L001": ("preparing", 3), "L002": ("preparing", 1)}


def test_invalid_moves_name_the_field(site_id: str) -> None:
    order_id = new_order(site_id)["order_id"]
    problem = assert_problem(move(site_id, order_id, {"line_id": "L001", "to": "ready_to_ship", "quantity": 0}),
                             400, "VALIDATION_FAILED")
    assert "moves.0.quantity" in {e["field"] for e in problem["errors"]}
    problem = assert_problem(move(site_id, order_id, {"line_id": "L001", "to": "flying"}), 400, "VALIDATION_FAILED")
    assert "moves.0.to" in {e["field"] for e in problem["errors"]}
    problem = assert_problem(api("POST", f"/admin/orders/{order_id}/status", {"moves": []}, site_id=site_id),
                             400, "VALIDATION_FAILED")
    assert "moves" in {e["field"] for e in problem["errors"]}
    assert_problem(move(site_id, order_id, {"line_id": "L009", "to": "ready_to_ship"}), 404, "LINE_NOT_FOUND")
    assert_problem(move(site_id, order_id, {"line_id": "L001", "to": "ready_to_ship", "quantity": 4}),
                   422, "QUANTITY_OUT_OF_RANGE")
    _, detail, _ = api("GET", f"/admin/orders/{order_id}", site_id=site_id)
    assert detail["version"] == 1


def test_a_body_that_is_not_json_is_reported_as_such(site_id: str) -> None:
    """Not a field problem: the registered MALFORMED_JSON answer, not a VALIDATION_FAILED naming field "1"."""
    order_id = new_order(site_id)["order_id"]
    problem = assert_problem(api("POST", f"/admin/orders/{order_id}/status", "{not json", site_id=site_id),
                             400, "MALFORMED_JSON")
    assert all(e.get("field") != "1" for e in problem.get("errors", []))
    _, detail, _ = api("GET", f"/admin/orders/{order_id}", site_id=site_id)
    assert detail["version"] == 1


def test_unpaid_virtual_account_order_waits_for_the_deposit(site_id: str) -> None:
    body = order_payload(site_id)
    body["payment"]["method"] = "virtual_account"
    body["payment"]["virtual_account"] = {"bank": "신한은행", "account_no": "56211234567890", "holder": "샵",
                                          "due_at": "2030-01-01T23:59:59+09:00"}
    status, detail, _ = intake(body)
    assert status == 201
    assert lines(detail) == {"L001": ("payment_pending", 3), "L002": ("payment_pending", 1)}
    assert detail["amounts"]["outstanding"] == 76700
    order_id = detail["order_id"]
    assert_problem(move(site_id, order_id, {"line_id": "L001", "to": "preparing"}), 422, "PAYMENT_NOT_CONFIRMED")
    status, detail, _ = move(site_id, order_id, {"line_id": "L002", "to": "cancel_requested"})
    assert status == 200 and lines(detail)["L002"] == ("cancel_requested", 1)


def test_digital_order_closes_at_payment_and_is_reopened_to_cancel(site_id: str) -> None:
    body = order_payload(
        site_id,
        lines=[{"product_code": "EBOOK-1", "product_name": "전자책", "kind": "digital", "quantity": 1,
                "unit_price": 12000}],
        coupon_discount=0, points_used=0, shipping_fee=0,
    )
    status, detail, _ = intake(body)
    assert status == 201
    order_id = detail["order_id"]
    assert detail["closed"] is True
    assert lines(detail) == {"L001": ("confirmed", 1)}
    assert detail["lines"][0]["confirmed_by"] == "payment"

    assert_problem(move(site_id, order_id, {"line_id": "L001", "to": "cancel_requested"}), 422, "ORDER_CLOSED")
    status, detail, _ = api("POST", f"/admin/orders/{order_id}/reopen", site_id=site_id)
    assert status == 200 and detail["closed"] is False
    assert_problem(api("POST", f"/admin/orders/{order_id}/reopen", site_id=site_id), 422, "ORDER_NOT_CLOSED")
    assert_problem(move(site_id, order_id, {"line_id": "L001", "to": "return_requested"}), 422,
                   "NON_PHYSICAL_NOT_RETURNABLE")
    status, detail, _ = move(site_id, order_id, {"line_id": "L001", "to": "cancel_requested"})
    assert status == 200 and lines(detail) == {"L001": ("cancel_requested", 1)}
    status, detail, _ = move(site_id, order_id, {"line_id": "L001", "to": "cancelled"})
    assert status == 200
    # every unit is final, but the 12,000원 paid is owed back: the order stays open until it is refunded
    assert lines(detail) == {"L001": ("cancelled", 1)} and detail["closed"] is False
    assert detail["amounts"]["order_amount"] == 0 and detail["amounts"]["refund_due"] == 12000
    payment_id = detail["payments"][0]["payment_id"]
    status, detail, _ = api("POST", f"/admin/orders/{order_id}/payments/{payment_id}/refunds/force-complete",
                            {"amount": 12000, "bank_note": "신한 110-***-1234 김민지"}, site_id=site_id)
    assert status == 200 and detail["closed"] is True and detail["amounts"]["outstanding"] == 0
    kinds = [e["kind"] for e in timeline(site_id, order_id)]
    assert "order_reopened" in kinds and kinds.count("order_closed") == 2


# ---- bulk -----------------------------------------------------------------------------------


def test_bulk_status_change_of_50_orders_answers_per_order(site_id: str) -> None:
    # taken in through the service, in parallel (the handler itself is one request at a time, like Lambda)
    with ThreadPoolExecutor(max_workers=6) as pool:
        order_ids = list(pool.map(
            lambda _: intake_service.create_order(IntakeOrderIn.model_validate(order_payload(site_id)))[0], range(50)))
    cancelled = order_ids[:3]
    for order_id in cancelled:
        status, _, _ = move(site_id, order_id, {"line_id": "L001", "to": "cancel_requested"},
                            {"line_id": "L002", "to": "cancel_requested"})
        assert status == 200

    status, body, _ = api("POST", "/admin/orders/bulk/status", {"order_ids": order_ids, "to": "ready_to_ship"},
                          site_id=site_id)
    assert status == 200
    assert (body["done"], body["refused"]) == (47, 3)
    results = {r["order_id"]: r for r in body["results"]}
    assert set(results) == set(order_ids)
    for order_id in cancelled:
        assert results[order_id]["result"] == "refused"
        # the reason the single-order move gives: 취소접수 units go on only to 취소완료 (or back)
        assert results[order_id]["code"] == "STEP_SKIP_NOT_ALLOWED"
        assert results[order_id]["message_ko"] == "취소접수에서 배송대기로 변경할 수 없습니다. 단계별로 처리하세요."
    assert all(results[o]["result"] == "done" for o in order_ids[3:])

    _, listed, _ = api("GET", "/admin/orders", site_id=site_id, query={"tab": "ready_to_ship", "limit": 100})
    assert len(listed["orders"]) == 47
    assert all(row["status_qty"] == {"ready_to_ship": 4} for row in listed["orders"])
    assert listed["counts"] == {"all": 50, "ready_to_ship": 47, "cancel_requested": 3}
    _, detail, _ = api("GET", f"/admin/orders/{order_ids[10]}", site_id=site_id)
    assert lines(detail) == {"L001": ("ready_to_ship", 3), "L002": ("ready_to_ship", 1)}
    # a refusal in a bulk action is on that order's timeline too
    refused = [e for e in timeline(site_id, cancelled[0]) if e["kind"] == "refused"]
    assert [(e["data"]["code"], e["data"]["action"]) for e in refused] == [
        ("STEP_SKIP_NOT_ALLOWED", "bulk_status_change")]


def test_bulk_answers_orders_of_another_site_as_not_found_and_refuses_51_orders(site_id: str) -> None:
    mine = new_order(site_id)["order_id"]
    theirs = new_order(f"{site_id}-b")["order_id"]
    status, body, _ = api("POST", "/admin/orders/bulk/status",
                          {"order_ids": [mine, "20990101-999999"], "to": "ready_to_ship"}, site_id=site_id)
    assert status == 200 and (body["done"], body["refused"]) == (1, 1)
    assert [r["code"] for r in body["results"] if r["result"] == "refused"] == ["ORDER_NOT_FOUND"]

    too_many = [f"20240101-{i:06d}" for i in range(50)] + [theirs]
    problem = assert_problem(
        api("POST", "/admin/orders/bulk/status", {"order_ids": too_many, "to": "ready_to_ship"}, site_id=site_id),
        400, "VALIDATION_FAILED")
    assert "order_ids" in {e["field"] for e in problem["errors"]}
    _, other, _ = api("GET", f"/admin/orders/{theirs}", site_id=f"{site_id}-b")
    assert lines(other) == {"L001": ("preparing", 3), "L002": ("preparing", 1)}


# ---- memos ----------------------------------------------------------------------------------


def test_memo_shows_in_the_list_row_and_on_the_timeline(site_id: str) -> None:
    order_id = new_order(site_id)["order_id"]
    status, body, _ = api("POST", f"/admin/orders/{order_id}/memos", {"text": "부재 시 경비실에 맡겨 주세요"},
                          site_id=site_id)
    assert status == 201
    assert body["memo_count"] == 1 and body["last_memo"]["text"] == "부재 시 경비실에 맡겨 주세요"

    _, listed, _ = api("GET", "/admin/orders", site_id=site_id)
    [row] = listed["orders"]
    assert row["last_memo"]["text"] == "부재 시 경비실에 맡겨 주세요"
    assert row["last_memo"]["by"] == "관리자"
    assert row["memo_count"] == 1
    memo = timeline(site_id, order_id)[0]
    assert memo["kind"] == "memo" and memo["data"]["text"] == "부재 시 경비실에 맡겨 주세요"

    problem = assert_problem(api("POST", f"/admin/orders/{order_id}/memos", {"text": ""}, site_id=site_id),
                             400, "VALIDATION_FAILED")
    assert "text" in {e["field"] for e in problem["errors"]}
    assert_problem(api("POST", f"/admin/orders/{order_id}/memos", {"text": "x" * 2001}, site_id=site_id),
                   400, "VALIDATION_FAILED")


# ---- tenancy and identity -------------------------------------------------------------------


def test_another_sites_order_is_404_everywhere(site_id: str) -> None:
    order_id = new_order(site_id)["order_id"]
    other = f"{site_id}-x"
    assert_problem(api("GET", f"/admin/orders/{order_id}", site_id=other), 404, "ORDER_NOT_FOUND")
    assert_problem(move(other, order_id, {"line_id": "L001", "to": "ready_to_ship"}), 404, "ORDER_NOT_FOUND")
    assert_problem(api("GET", f"/admin/orders/{order_id}/timeline", site_id=other), 404, "ORDER_NOT_FOUND")
    assert_problem(api("POST", f"/admin/orders/{order_id}/memos", {"text": "남의 주문"}, site_id=other),
                   404, "ORDER_NOT_FOUND")
    _, listed, _ = api("GET", "/admin/orders", site_id=other, query={"order_id": order_id})
    assert listed["orders"] == []

    _, detail, _ = api("GET", f"/admin/orders/{order_id}", site_id=site_id)
    assert detail["version"] == 1 and detail["memo_count"] == 0
    assert not any(e["kind"] == "refused" for e in timeline(site_id, order_id))


def test_admin_identity_comes_from_the_token(site_id: str) -> None:
    order_id = new_order(site_id)["order_id"]
    no_site = {"sub": "admin-1", "role": "admin", "name": "관리자"}
    buyer = {"sub": "m-100", "site_id": site_id, "role": "buyer"}
    for claims in (no_site, buyer):
        assert_problem(api("GET", "/admin/orders", claims=claims), 403, "FORBIDDEN")
        assert_problem(api("GET", f"/admin/orders/{order_id}", claims=claims), 403, "FORBIDDEN")
        assert_problem(api("POST", f"/admin/orders/{order_id}/status",
                           {"moves": [{"line_id": "L001", "to": "ready_to_ship"}]}, claims=claims), 403, "FORBIDDEN")
    assert_problem(api("GET", "/admin/orders"), 403, "FORBIDDEN")
    # the site in a query string is not a way in
    _, listed, _ = api("GET", "/admin/orders", site_id=f"{site_id}-x", query={"site_id": site_id})
    assert listed["orders"] == []
    _, detail, _ = api("GET", f"/admin/orders/{order_id}", site_id=site_id)
    assert detail["version"] == 1


# ---- the list -------------------------------------------------------------------------------


def test_list_filters_lookups_and_pages_over_http(site_id: str) -> None:
    first = new_order(site_id)["order_id"]
    guest = as_guest(order_payload(site_id), "최유나", "010-5555-0000")
    second = intake(guest)[1]["order_id"]
    third = new_order(site_id, channel="kakao_checkout")["order_id"]

    def q(**query: Any) -> list[str]:
        status, body, _ = api("GET", "/admin/orders", site_id=site_id, query=query)
        assert status == 200, body
        return [row["order_id"] for row in body["orders"]]

    assert q() == [third, second, first]
    assert q(channel="kakao_checkout") == [third]
    assert q(buyer_type="guest") == [second]
    assert q(buyer_phone="01055550000") == [second]
    assert q(buyer_name="김민지", channel="store") == [first]
    assert q(order_id=first) == [first]

    _, page, _ = api("GET", "/admin/orders", site_id=site_id, query={"limit": 2})
    assert [r["order_id"] for r in page["orders"]] == [third, second]
    _, rest, _ = api("GET", "/admin/orders", site_id=site_id, query={"limit": 2, "cursor": page["next_cursor"]})
    assert [r["order_id"] for r in rest["orders"]] == [first] and rest["next_cursor"] is None

    assert_problem(api("GET", "/admin/orders", site_id=site_id, query={"cursor": "%%%"}), 400, "INVALID_CURSOR")
    problem = assert_problem(api("GET", "/admin/orders", site_id=site_id, query={"limit": 0}), 400,
                             "VALIDATION_FAILED")
    assert "limit" in {e["field"] for e in problem["errors"]}
    problem = assert_problem(api("GET", "/admin/orders", site_id=site_id, query={"tab": "nowhere"}), 400,
                             "VALIDATION_FAILED")
    assert problem["errors"] and all(e["field"].startswith("tab") for e in problem["errors"])


# ---- stock ----------------------------------------------------------------------------------


def test_stock_put_and_get_and_intake_respects_it(site_id: str) -> None:
    status, body, _ = api("PUT", f"/admin/stock/{TEE_SKU}", {"quantity": 4}, site_id=site_id)
    assert status == 200 and (body["sku"], body["quantity"]) == (TEE_SKU, 4)
    status, body, _ = api("GET", "/admin/stock", site_id=site_id)
    assert [(i["sku"], i["quantity"]) for i in body["items"]] == [(TEE_SKU, 4)]

    new_order(site_id)  # 3 units
    _, body, _ = api("GET", "/admin/stock", site_id=site_id)
    assert [(i["sku"], i["quantity"]) for i in body["items"]] == [(TEE_SKU, 1)]

    problem = assert_problem(intake(order_payload(site_id)), 409, "OUT_OF_STOCK")
    assert (problem["sku"], problem["requested"], problem["available"]) == (TEE_SKU, 3, 1)
    _, listed, _ = api("GET", "/admin/orders", site_id=site_id)
    assert len(listed["orders"]) == 1

    problem = assert_problem(api("PUT", f"/admin/stock/{TEE_SKU}", {"quantity": -1}, site_id=site_id), 400,
                             "VALIDATION_FAILED")
    assert "quantity" in {e["field"] for e in problem["errors"]}
    assert_problem(api("PUT", f"/admin/stock/{TEE_SKU}", {"quantity": "5"}, site_id=site_id), 400,
                   "VALIDATION_FAILED")
    # stock is per site
    _, other, _ = api("GET", "/admin/stock", site_id=f"{site_id}-b")
    assert other["items"] == []
    _, body, _ = api("GET", "/admin/stock", site_id=site_id)
    assert [(i["sku"], i["quantity"]) for i in body["items"]] == [(TEE_SKU, 1)]



def test_the_product_picker_finds_skus_by_the_start_of_their_code_within_the_site(site_id: str) -> None:
    skus = ["CAP-02|색상=블랙", "CAP-02|색상=화이트", "CAP-03", "TEE-01"]
    for sku in skus:
        assert api("PUT", f"/admin/stock/{quote(sku, safe='')}", {"quantity": 2}, site_id=site_id)[0] == 200
    api("PUT", f"/admin/stock/{quote('CAP-99', safe='')}", {"quantity": 1}, site_id=f"{site_id}-b")

    def found(prefix: str, site: str = site_id) -> list[str]:
        status, body, _ = api("GET", "/admin/stock", site_id=site, query={"prefix": prefix})
        assert status == 200, body
        return [i["sku"] for i in body["items"]]

    assert found("CAP-02|") == ["CAP-02|색상=블랙", "CAP-02|색상=화이트"]  # one product's options (교환)
    assert found("CAP") == ["CAP-02|색상=블랙", "CAP-02|색상=화이트", "CAP-03"]  # never another site's CAP-99
    assert found("cap-0") == ["CAP-02|색상=블랙", "CAP-02|색상=화이트", "CAP-03"]  # typed in lower case
    assert found("SOCK") == []
    assert found("CAP", f"{site_id}-b") == ["CAP-99"]
    assert_problem(api("GET", "/admin/stock", site_id=site_id, query={"prefix": "C" * 101}), 400, "VALIDATION_FAILED")

def test_cancelling_through_the_api_gives_stock_back(site_id: str) -> None:
    api("PUT", f"/admin/stock/{TEE_SKU}", {"quantity": 3}, site_id=site_id)
    order_id = new_order(site_id)["order_id"]
    assert move(site_id, order_id, {"line_id": "L001", "to": "cancel_requested", "quantity": 2})[0] == 200
    assert move(site_id, order_id, {"line_id": "L003", "to": "cancelled"})[0] == 200
    _, stock, _ = api("GET", "/admin/stock", site_id=site_id)
    assert [(i["sku"], i["quantity"]) for i in stock["items"]] == [(TEE_SKU, 2)]

    two = copy.deepcopy(order_payload(site_id)["lines"])
    two[0]["quantity"] = 2
    new_order(site_id, lines=two)
    _, stock, _ = api("GET", "/admin/stock", site_id=site_id)
    assert [(i["sku"], i["quantity"]) for i in stock["items"]] == [(TEE_SKU, 0)]


def test_problem_bodies_are_utf8_json(site_id: str) -> None:
    resp = lambda_handler(http_event("GET", "/admin/orders/20990101-000001", site_id=site_id), FakeContext())
    assert resp["statusCode"] == 404
    assert "주문" in resp["body"]  # not \\uXXXX escapes
    assert json.loads(resp["body"])["code"] == "ORDER_NOT_FOUND"
