"""The refund order of a payout: card and easy-pay payments first, newest first, deposits last;
the plan never asks a payment for more than it has left and stops at what the order owes."""

from __future__ import annotations

from oms.domain.balance import Charge
from oms.domain.order import Order
from oms.domain.payments import Payment
from oms.domain.payouts import plan, refund_order
from tests.claims_support import standard


def pay(pid: str, method: str, amount: int, paid_at: str, refunded: int = 0, status: str = "paid") -> Payment:
    return Payment.from_item({"payment_id": pid, "method": method, "amount": amount, "status": status,
                              "paid_at": paid_at, "refunded_amount": refunded, "provider": "toss",
                              "pg_payment_key": f"k-{pid}"})


PAYMENTS = [
    pay("VA1", "virtual_account", 30000, "2024-05-01T01:00:00Z"),
    pay("CARD1", "card", 10000, "2024-05-01T02:00:00Z"),
    pay("EASY2", "easy_pay", 5000, "2024-05-03T02:00:00Z"),
    pay("CARD0", "card", 8000, "2024-04-30T02:00:00Z", refunded=8000, status="cancelled"),
    pay("BANK", "bank_transfer", 2000, "2024-05-02T02:00:00Z"),
]


def owing_back(amount: int) -> Order:
    """``standard()`` paid by PAYMENTS instead, with a charge that leaves −``amount`` outstanding."""
    order = standard()
    order.payments = {p.payment_id: p for p in PAYMENTS}
    order.charges.append(Charge("F001", "adjustment", 0, "조정", "test", None, "", ""))
    order.charges[-1].amount = -amount - order.outstanding
    return order


def test_cards_newest_first_then_deposits_newest_first() -> None:
    assert [p.payment_id for p in refund_order(PAYMENTS)] == ["EASY2", "CARD1", "BANK", "VA1"]


def test_the_plan_takes_what_each_payment_has_left_up_to_what_is_owed() -> None:
    order = owing_back(12000)  # the order was paid 12,000원 more than it owes
    assert order.outstanding == -12000
    assert [(p.payment_id, amount) for p, amount in plan(order)] == [("EASY2", 5000), ("CARD1", 7000)]
    order = owing_back(42000)
    assert [(p.payment_id, amount) for p, amount in plan(order)] == [
        ("EASY2", 5000), ("CARD1", 10000), ("BANK", 2000), ("VA1", 25000)]


def test_nothing_owed_plans_nothing() -> None:
    assert plan(standard()) == []
