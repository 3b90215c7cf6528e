"""미확인 입금 over the admin API on DynamoDB Local: the list with its reasons, count and suggested
candidates, searched by name or amount; matching one to an order in one call (the same confirmation
as a manual deposit, recorded with who) and only once; marking one "not an order" with a note;
an underpaid deposit refused with the gap; the settings turn the feed on."""

from __future__ import annotations

from typing import Any

from oms.services import deposit_collection as collection
from oms.store import deposits as store
from oms.store import orders
from tests.integration.test_deposit_collection import ACCOUNT, FakeFeed, deposit, transfer_order
from tests.shipping_support import admin
from tests.tracking_support import timeline


def unmatched(site_id: str, q: str | None = None) -> dict[str, Any]:
    status, body = admin("GET", "/admin/deposits/unmatched", site_id, query={"q": q} if q else None)
    assert status == 200, body
    return dict(body)


def test_the_list_matching_by_hand_and_not_an_order(site_id: str) -> None:
    order_id = transfer_order(site_id, "김주문", 33000)
    feed = FakeFeed([deposit("김주문엄마", 33000, "H-1"), deposit("이자", 12, "H-2"), deposit("모름", 70000, "H-3")])
    collection.collect_account(site_id, ACCOUNT, provider="bankda", adapter=feed)
    listed = unmatched(site_id)
    assert listed["count"] == 3
    first = next(d for d in listed["deposits"] if d["tx_id"] == "H-1")
    assert first["reason"] == "name_differs" and first["reason_ko"] == "입금자명 불일치"
    assert type(first["amount"]) is int and type(first["gap"]) is int  # money answers as a number, not "55000"
    assert first["candidates"][0]["order_id"] == order_id
    assert first["candidates"][0]["same_amount"] and first["candidates"][0]["similar_name"]
    assert [d["tx_id"] for d in unmatched(site_id, "주문엄마")["deposits"]] == ["H-1"]
    assert [d["tx_id"] for d in unmatched(site_id, "70,000")["deposits"]] == ["H-3"]

    status, body = admin("POST", f"/admin/deposits/{ACCOUNT.number}/H-1/match", site_id, {"order_id": order_id})
    assert status == 200 and body["status"] == "matched", body
    pay = next(iter(orders.load(site_id, order_id).payments.values()))
    assert pay.status == "paid" and pay.record["confirmed_by"]["kind"] == "admin"
    text = next(e for e in timeline(site_id, order_id) if e["kind"] == "payment")["data"]["text_ko"]
    assert "수동 입금 확인 bankda:H-1 입금자 김주문엄마" in text
    kept = store.get_deposit(site_id, ACCOUNT.number, "H-1")
    assert kept is not None and kept["status"] == "matched" and kept["resolved_by"]["kind"] == "admin"
    again, refused = admin("POST", f"/admin/deposits/{ACCOUNT.number}/H-1/match", site_id, {"order_id": order_id})
    assert (again, refused["code"]) == (409, "DEPOSIT_NOT_UNMATCHED")

    status, body = admin("POST", f"/admin/deposits/{ACCOUNT.number}/H-2/dismiss", site_id, {"note": "예금 이자"})
    assert status == 200 and body["status"] == "dismissed"
    assert store.get_deposit(site_id, ACCOUNT.number, "H-2")["resolution_note"] == "예금 이자"  # type: ignore[index]
    assert [d["tx_id"] for d in unmatched(site_id)["deposits"]] == ["H-3"]
    missing, body = admin("POST", f"/admin/deposits/{ACCOUNT.number}/NOPE/dismiss", site_id, {"note": "x"})
    assert (missing, body["code"]) == (404, "DEPOSIT_NOT_FOUND")


def test_an_underpaid_deposit_is_refused_with_the_gap_and_stays_listed(site_id: str) -> None:
    order_id = transfer_order(site_id, "박부족", 30000)
    collection.collect_account(site_id, ACCOUNT, provider="bankda", adapter=FakeFeed([deposit("박부족", 25000, "S-1")]))
    status, body = admin("POST", f"/admin/deposits/{ACCOUNT.number}/S-1/match", site_id, {"order_id": order_id})
    assert (status, body["code"]) == (422, "DEPOSIT_UNDERPAID")
    assert body["deposited"] == 25000 and body["expected"] == 30000
    assert next(iter(orders.load(site_id, order_id).payments.values())).status == "pending"
    assert [d["tx_id"] for d in unmatched(site_id)["deposits"]] == ["S-1"]


def test_saving_the_settings_turns_the_feed_on(site_id: str) -> None:
    status, body = admin("PATCH", "/admin/settings", site_id, {"deposit_feed": {
        "provider": "bankda", "rule": "equal", "accounts": [{"number": ACCOUNT.number, "bank_code": "020"}]}})
    assert status == 200 and body["deposit_feed"]["rule"] == "equal", body
    (item,) = store.list_accounts(site_id)
    assert (item["enabled"], item["provider"], item["rule"]) == (True, "bankda", "equal")
    status, body = admin("GET", "/admin/deposits/accounts", site_id)
    assert status == 200 and [(a["account"], a["enabled"], a["read_at"]) for a in body["accounts"]] == [
        (ACCOUNT.number, True, None)]
    bad, problem = admin("PATCH", "/admin/settings", site_id, {"deposit_feed": {"accounts": [{"number": "12-34"}]}})
    assert bad == 400 and problem["code"] == "VALIDATION_FAILED"
