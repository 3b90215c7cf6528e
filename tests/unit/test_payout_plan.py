"""The refund order of a payout: card and easy-pay payments first, newest first, deposits last;
the plan never asks a payment for more than it has left and stops at what the order owes."""

from __future__ import annotations

from typing import Any

from oms.services.payouts import plan, refund_order
from tests.claims_support import standard


def pay(pid: str, method: str, amount: int, paid_at: str, refunded: int = 0, status: str = "paid") -> dict[str, Any]:
    return {"SK": f"PAY#{pid}", "payment_id": pid, "method": method, "amount": amount, "status": status,
            "paid_at": paid_at, "refunded_amount": refunded, "provider": "toss", "pg_payment_key": f"k-{pid}"}


ITEMS = [
    pay("VA1", "virtual_account", 30000, "2024-05-01T01:00:00Z"),
    pay("CARD1", "card", 10000, "2024-05-01T02:00:00Z"),
    pay("EASY2", "easy_pay", 5000, "2024-05-03T02:00:00Z"),
    pay("CARD0", "card", 8000, "2024-04-30T02:00:00Z", refunded=8000, status="cancelled"),
    pay("BANK", "bank_transfer", 2000, "2024-05-02T02:00:00Z"),
]


def test_cards_newest_first_then_deposits_newest_first() -> None:
    assert [p.payment_id for p in refund_order(ITEMS)] == ["EASY2", "CARD1", "BANK", "VA1"]


def test_the_plan_takes_what_each_payment_has_left_up_to_what_is_owed() -> None:
    order = standard()
    order.paid_total += 12000  # the order was paid 12,000원 more than it owes: −12,000 outstanding
    assert order.outstanding == -12000
    assert [(p.payment_id, amount) for p, amount in plan(order, ITEMS)] == [("EASY2", 5000), ("CARD1", 7000)]
    order.paid_total += 30000
    assert [(p.payment_id, amount) for p, amount in plan(order, ITEMS)] == [
        ("EASY2", 5000), ("CARD1", 10000), ("BANK", 2000), ("VA1", 25000)]


def test_nothing_owed_plans_nothing() -> None:
    assert plan(standard(), ITEMS) == []
