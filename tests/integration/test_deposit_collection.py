"""Collecting and matching bank deposits on DynamoDB Local: a matched deposit confirms the order
through the manual-deposit rules (자동 입금확인 with the deposit's reference on the timeline), the
same feed row delivered 20 times at once confirms once, a manual confirmation racing an automatic one
confirms once, unmatched deposits are kept with their reason, and the poller respects the provider's
limit and backs off on errors (one read and no provider call when an account is not due)."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from oms.domain.clock import iso
from oms.domain.order import Actor
from oms.integrations.banking import Account, Deposit, FeedPage, ProviderDown, RateLimited
from oms.schemas.orders import IntakeOrderIn
from oms.services import deposit_collection as collection
from oms.services import intake, payments
from oms.store import deposits as store
from oms.store import orders
from tests.tracking_support import timeline

ACCOUNT = Account("1002123456789", "020")
ADMIN = Actor("admin", "admin-1", "운영자")


def transfer_order(site_id: str, name: str, amount: int) -> str:
    body = {"site_id": site_id, "checkout_id": uuid.uuid4().hex, "buyer": {"name": name, "phone": "010-3456-7890"},
            "recipient": {"name": name, "phone": "010-3456-7890", "postal_code": "04524",
                          "address1": "서울특별시 중구 세종대로 110"},
            "lines": [{"product_code": "P1", "product_name": "상품", "quantity": 1, "unit_price": amount - 3000}],
            "shipping_fee": 3000,
            "payment": {"method": "bank_transfer", "amount": amount, "virtual_account": {
                "bank": "우리은행", "account_no": "1002-123-456789", "holder": "데모샵",
                "due_at": (datetime.now(UTC) + timedelta(days=3)).isoformat()}}}
    order_id, _ = intake.create_order(IntakeOrderIn.model_validate(body))
    return order_id


def deposit(name: str, amount: int, tx: str | None = None) -> Deposit:
    return Deposit(tx or f"BK{uuid.uuid4().hex[:10]}", ACCOUNT.number, amount, name,
                   iso(datetime.now(UTC) - timedelta(minutes=1)))


def payment_of(site_id: str, order_id: str) -> Any:
    return next(iter(orders.load(site_id, order_id).payments.values()))


class FakeFeed:
    name = "bankda"
    min_interval = 300

    def __init__(self, rows: list[Deposit], error: Exception | None = None) -> None:
        self.rows, self.error, self.calls = rows, error, 0

    def fetch(self, account: Account, cursor: str | None, now: str) -> FeedPage:
        self.calls += 1
        if self.error:
            raise self.error
        return FeedPage(list(self.rows), "20261206", 1)


def test_a_matching_deposit_confirms_like_a_manual_one(site_id: str) -> None:
    order_id = transfer_order(site_id, "홍길동", 38000)
    feed = FakeFeed([deposit("홍 길동", 38000, "BK-1")])
    polled = collection.collect_account(site_id, ACCOUNT, provider="bankda", adapter=feed)
    assert (polled.status, polled.confirmed, polled.provider_calls) == ("read", ["BK-1"], 1)
    pay = payment_of(site_id, order_id)
    assert pay.status == "paid" and pay.record["deposit_source"] == "auto"
    assert pay.record["confirmed_by"]["name"] == "자동 입금확인"
    events = [e for e in timeline(site_id, order_id) if e["kind"] == "payment"]
    assert len(events) == 1 and "자동 입금확인 bankda:BK-1" in events[0]["data"]["text_ko"]
    assert store.get_deposit(site_id, ACCOUNT.number, "BK-1")["order_id"] == order_id  # type: ignore[index]


def test_the_same_row_twenty_times_at_once_confirms_once(site_id: str) -> None:
    order_id = transfer_order(site_id, "김동시", 41000)
    row = deposit("김동시", 41000, "BK-SAME")
    found = collection.candidates(site_id)
    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(lambda _: collection.record_deposit(site_id, row, "bankda", "ignore_spaces", found),
                                range(20)))
    assert [r[0] for r in results].count("confirmed") == 1
    assert {r[0] for r in results} <= {"confirmed", "duplicate"}
    assert payment_of(site_id, order_id).status == "paid"
    assert len([e for e in timeline(site_id, order_id) if e["kind"] == "payment"]) == 1
    assert store.list_unmatched(site_id) == []


def test_a_manual_confirmation_racing_an_automatic_one_confirms_once(site_id: str) -> None:
    order_id = transfer_order(site_id, "이경주", 25000)
    pay_id = payment_of(site_id, order_id).payment_id
    row = deposit("이경주", 25000, "BK-RACE")
    found = collection.candidates(site_id)

    def manual() -> str:
        try:
            payments.confirm_manual_deposit(site_id, order_id, pay_id, ADMIN)
            return "confirmed"
        except Exception as exc:  # the loser's refusal
            return getattr(exc, "code", type(exc).__name__)

    with ThreadPoolExecutor(max_workers=2) as pool:
        auto = pool.submit(collection.record_deposit, site_id, row, "bankda", "ignore_spaces", found)
        by_hand = pool.submit(manual)
        outcomes = [auto.result()[0], by_hand.result()]
    assert outcomes.count("confirmed") == 1, outcomes
    assert len([e for e in timeline(site_id, order_id) if e["kind"] == "payment"]) == 1
    kept = store.get_deposit(site_id, ACCOUNT.number, "BK-RACE")
    assert kept is not None  # the money is recorded either way: matched, or 미확인 when the admin was first
    assert kept["status"] == ("matched" if outcomes[0] == "confirmed" else "unmatched")


def test_unmatched_deposits_keep_their_reason_and_underpaid_stays_pending(site_id: str) -> None:
    short = transfer_order(site_id, "박부족", 30000)
    transfer_order(site_id, "최중복", 20000)
    transfer_order(site_id, "최중복", 20000)
    feed = FakeFeed([deposit("박부족", 25000, "U-1"), deposit("최중복", 20000, "U-2"),
                     deposit("모르는사람", 99000, "U-3"), deposit("다른이름", 30000, "U-4")])
    polled = collection.collect_account(site_id, ACCOUNT, provider="bankda", adapter=feed)
    assert (polled.new, polled.unmatched, polled.confirmed) == (4, 4, [])
    listed = {d["tx_id"]: d for d in store.list_unmatched(site_id)}
    assert listed["U-1"]["reason"] == "amount_differs" and listed["U-1"]["gap"] == -5000
    assert listed["U-1"]["reason_ko"] == "금액이 5,000원 적음" and listed["U-1"]["suggested"] == [short]
    assert listed["U-2"]["reason"] == "several_candidates" and len(listed["U-2"]["suggested"]) == 2
    assert listed["U-3"]["reason"] == "no_candidate"
    assert listed["U-4"]["reason"] == "name_differs"
    assert payment_of(site_id, short).status == "pending"


def test_overpaid_confirms_and_shows_the_refund_to_make(site_id: str) -> None:
    order_id = transfer_order(site_id, "정초과", 20000)
    collection.collect_account(site_id, ACCOUNT, provider="bankda", adapter=FakeFeed([deposit("정초과", 21000, "O-1")]))
    assert payment_of(site_id, order_id).status == "paid"
    text = next(e for e in timeline(site_id, order_id) if e["kind"] == "payment")["data"]["text_ko"]
    assert "초과 입금 1,000원: 환불이 필요합니다." in text
    assert store.get_deposit(site_id, ACCOUNT.number, "O-1")["surplus"] == 1000  # type: ignore[index]


def test_a_repeating_feed_is_counted_once_and_an_idle_account_costs_one_read(site_id: str) -> None:
    transfer_order(site_id, "한반복", 15000)
    row = deposit("한반복", 15000, "R-1")
    feed = FakeFeed([row, row, row])
    now = datetime.now(UTC)
    first = collection.collect_account(site_id, ACCOUNT, provider="bankda", adapter=feed, now=iso(now))
    assert (first.new, len(first.confirmed)) == (1, 1)
    early = collection.collect_account(site_id, ACCOUNT, provider="bankda", adapter=feed,
                                       now=iso(now + timedelta(seconds=60)))
    assert (early.status, feed.calls) == ("not_due", 1)  # the provider's 5 minutes are respected
    again = collection.collect_account(site_id, ACCOUNT, provider="bankda", adapter=feed,
                                       now=iso(now + timedelta(seconds=301)))
    assert (again.status, again.new, again.provider_calls) == ("read", 0, 1)


@pytest.mark.parametrize(("error", "status", "wait"), [
    (RateLimited(300, "계좌당 5분에 한 번만 조회할 수 있습니다."), "rate_limited", 300),
    (ProviderDown("HTTP 503"), "down", 300),
])
def test_the_limit_and_errors_decide_the_next_read(site_id: str, error: Exception, status: str, wait: int) -> None:
    now = datetime.now(UTC)
    polled = collection.collect_account(site_id, ACCOUNT, provider="bankda", adapter=FakeFeed([], error),
                                        now=iso(now))
    assert polled.status == status
    state = store.get_account(site_id, ACCOUNT.number)
    assert state["next_at"] == iso(now + timedelta(seconds=wait))
    if status == "down":  # the second failure waits twice as long
        collection.collect_account(site_id, ACCOUNT, provider="bankda", adapter=FakeFeed([], error),
                                   now=iso(now + timedelta(seconds=wait)))
        assert store.get_account(site_id, ACCOUNT.number)["next_at"] == iso(now + timedelta(seconds=wait + 600))
