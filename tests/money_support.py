"""Money on an order in unit tests: what it was paid and refunded is derived from its payments, so
a test that needs a balance adds the payment that makes it."""

from __future__ import annotations

import itertools

from oms.domain.order import Order
from oms.domain.payments import Payment

_ids = itertools.count(1)


def add_payment(order: Order, amount: int, *, refunded: int = 0, method: str = "card",
                at: str = "2026-01-01T00:00:00.000000Z") -> Payment:
    """A payment of ``amount`` that came in (``refunded`` of it given back since) on ``order``."""
    pid = f"PT{next(_ids):06d}"
    status = "paid" if not refunded else "cancelled" if refunded >= amount else "partial_cancelled"
    pay = Payment(payment_id=pid, method=method, amount=amount, status=status, paid_at=at, requested_at=at,
                  refunded_amount=refunded, refund_claimed=refunded)
    order.payments[pid] = pay
    return pay


def refund(order: Order, amount: int) -> None:
    """``amount`` refunded out of the order's payments (the latest that still has it)."""
    for pid, p in reversed(list(order.payments.items())):
        take = min(amount, p.remaining)
        if take <= 0:
            continue
        left = p.refunded_amount + take
        order.payments[pid] = Payment(payment_id=pid, method=p.method, amount=p.amount,
                                      status="cancelled" if left >= p.amount else "partial_cancelled",
                                      paid_at=p.paid_at, requested_at=p.requested_at, refunded_amount=left,
                                      refund_claimed=left)
        amount -= take
        if amount == 0:
            return
    raise AssertionError("nothing left to refund")
