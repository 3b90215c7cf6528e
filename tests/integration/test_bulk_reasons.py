"""A bulk status change answers each refused order with the reason the single-order move gives."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.bulk_reasons_support import cancel_requested, cancelled, shipping, single_refusal, state, tracked
from tests.shipping_support import admin, api_order

pytestmark = pytest.mark.usefixtures("standard_buyer_points")


def _bulk(site_id: str, ids: list[str], to: str, **extra: str) -> dict[str, dict[str, object]]:
    status, body = admin("POST", "/admin/orders/bulk/status", site_id, {"order_ids": ids, "to": to, **extra})
    assert status == 200, body
    return {str(r["order_id"]): r for r in body["results"]}


@pytest.mark.parametrize(("to", "refused"), [
    ("cancel_requested", {"CANCEL_NOT_ALLOWED_WITH_TRACKING": tracked,
                          "CANCEL_NOT_ALLOWED_AFTER_SHIPPING": shipping,
                          "LINE_IN_FINAL_STATUS": cancelled, "SAME_STATUS": cancel_requested}),
    ("ready_to_ship", {"STEP_SKIP_NOT_ALLOWED": cancel_requested, "LINE_IN_FINAL_STATUS": cancelled,
                       "SAME_STATUS": tracked}),
    ("delivered", {"STEP_SKIP_NOT_ALLOWED": tracked, "LINE_IN_FINAL_STATUS": cancelled}),
])
def test_bulk_refusals_carry_the_single_routes_code_and_message(
        site_id: str, to: str, refused: dict[str, Callable[[str], str]]) -> None:
    movable = api_order(site_id, ready=False) if to != "delivered" else shipping(site_id)
    ids = {code: make(site_id) for code, make in refused.items()}
    before = {oid: state(site_id, oid) for oid in ids.values()}
    expected = {oid: single_refusal(site_id, oid, to) for oid in ids.values()}
    assert {oid: code for oid, (code, _) in expected.items()} == {oid: code for code, oid in ids.items()}

    results = _bulk(site_id, [movable, *ids.values()], to)
    assert results[movable]["result"] == "done"
    assert set(state(site_id, movable)[1].values()) == {to}
    for oid, (code, message_ko) in expected.items():
        assert results[oid]["result"] == "refused"
        assert (results[oid]["code"], results[oid]["message_ko"]) == (code, message_ko)
        assert "배송대기로 변경할 수 있는 품목이 없습니다" not in message_ko
        assert state(site_id, oid) == before[oid]  # nothing of a refused order changed


def test_no_line_in_the_from_status_says_so(site_id: str) -> None:
    ready = api_order(site_id)
    before = state(site_id, ready)
    got = _bulk(site_id, [ready], "ready_to_ship", from_status="preparing")[ready]
    assert (got["result"], got["code"]) == ("refused", "NO_ELIGIBLE_LINES")
    assert got["message_ko"] == "상품준비 상태인 품목이 없어 배송대기로 변경할 수 없습니다."
    detail = got["detail"]
    assert isinstance(detail, dict) and (detail["to"], detail["from_status"]) == ("ready_to_ship", "preparing")
    assert state(site_id, ready) == before


def test_some_lines_movable_moves_those_and_leaves_the_rest(site_id: str) -> None:
    oid = api_order(site_id)  # 배송대기, a tracking number on L001 only
    status, body = admin("POST", f"/admin/orders/{oid}/tracking", site_id,
                         {"line_ids": ["L001"], "courier": "CJ", "tracking_no": "631234567890"})
    assert status == 200, body
    assert _bulk(site_id, [oid], "cancel_requested")[oid]["result"] == "done"
    assert state(site_id, oid)[1] == {"L001": "ready_to_ship", "L002": "cancel_requested"}
