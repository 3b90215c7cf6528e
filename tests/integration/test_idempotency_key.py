"""Idempotency-Key on mutating admin calls: a retry answers the first result and changes nothing more."""

from __future__ import annotations

import pytest

from oms.store import orders as store
from tests.support import call, http_event, order_payload

pytestmark = pytest.mark.usefixtures("standard_buyer_points")


def _post(path: str, body: object, site_id: str, key: str | None) -> tuple[int, object, dict[str, str]]:
    from admin_api.app import lambda_handler

    headers = {"Idempotency-Key": key} if key else {}
    return call(lambda_handler, http_event("POST", path, body, site_id=site_id, headers=headers))


def _order(site_id: str) -> str:
    from admin_api.app import lambda_handler

    status, body, _ = call(lambda_handler, http_event("POST", "/intake/orders", order_payload(site_id), iam=True))
    assert status == 201
    return str(body["order_id"])


def test_retried_memo_with_the_same_key_is_written_once(site_id: str) -> None:
    order_id = _order(site_id)
    path = f"/admin/orders/{order_id}/memos"
    first = _post(path, {"text": "부재 시 경비실"}, site_id, "memo-key-1")
    again = _post(path, {"text": "부재 시 경비실"}, site_id, "memo-key-1")
    assert first[0] == again[0] == 201
    assert again[1] == first[1]
    assert again[2].get("Idempotent-Replayed") == "true" and "Idempotent-Replayed" not in first[2]
    order, _ = store.load_order(site_id, order_id)
    assert order.memo_count == 1
    # the same key with another body is refused; a new key writes a second memo
    reused = _post(path, {"text": "다른 메모"}, site_id, "memo-key-1")
    assert reused[0] == 422 and reused[1]["code"] == "IDEMPOTENCY_KEY_REUSED"  # type: ignore[index]
    assert _post(path, {"text": "다른 메모"}, site_id, "memo-key-2")[0] == 201
    assert _post(path, {"text": "키 없음"}, site_id, None)[0] == 201
    assert store.load_order(site_id, order_id)[0].memo_count == 3


def test_refusals_are_not_stored_and_keys_are_per_site(site_id: str) -> None:
    order_id = _order(site_id)
    path = f"/admin/orders/{order_id}/status"
    skip = {"moves": [{"line_id": "L001", "to": "delivered"}]}
    assert _post(path, skip, site_id, "k-1")[0] == 422
    assert _post(path, skip, site_id, "k-1")[0] == 422  # ran again (not a stored answer)
    # another site using the same key is a different request (and 404 for this order)
    assert _post(path, {"moves": [{"line_id": "L001", "to": "ready_to_ship"}]}, site_id + "x", "k-2")[0] == 404
    ok = _post(path, {"moves": [{"line_id": "L001", "to": "ready_to_ship"}]}, site_id, "k-2")
    assert ok[0] == 200
    assert store.load_order(site_id, order_id)[0].line("L001").status.value == "ready_to_ship"
