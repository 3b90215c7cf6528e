"""결제요청 rules: what may be asked of the buyer, and when an open request is no longer needed.

A payment request never asks twice for the same money:

- **pending** money counts as covered: a payment still waiting for its deposit (the checkout's
  virtual account or bank transfer, a request's own virtual account) until an hour after its due
  date (a deposit made just in time may be reported late);
- **requestable** = outstanding − pending, never below 0; a request asks for exactly that and is
  refused when nothing is left (``NOTHING_OUTSTANDING`` when nothing is owed at all,
  ``OUTSTANDING_PENDING`` when a waiting deposit covers it);
- when money arrives that is not the request's own (a deposit, another payment) and the request
  now asks for more than is requestable, the request closes by itself (``covered_by``): the admin
  asks again for what is left, if anything;
- money nobody owes is still recorded (the balance goes negative and the order shows a refund to
  make): it is never refused, because it has already left the buyer's account.

Pure: payments are the stored items' fields (``status``, ``amount``, ``virtual_account.due_at``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any

from oms.domain.clock import iso, parse_iso
from oms.domain.errors import DomainError
from oms.domain.order import Order

#: a deposit made just before the due time may be reported a little later: still on its way
GRACE = timedelta(hours=1)


def past_due(payment: Mapping[str, Any], now: str) -> bool:
    due = str(((payment.get("virtual_account") or {}).get("due_at")) or "")
    return bool(due) and iso(parse_iso(due) + GRACE) < now


def pending_total(payments: Iterable[Mapping[str, Any]], now: str) -> int:
    """Money on its way: payments waiting for their deposit whose due date has not passed."""
    return sum(int(p.get("amount") or 0) for p in payments
               if p.get("status") == "pending" and not past_due(p, now))


def requestable(order: Order, pending: int) -> int:
    """What a new 결제요청 may ask for: owed, and neither paid nor on its way."""
    return max(0, order.outstanding - pending)


def check_requestable(order: Order, pending: int) -> int:
    """The amount of a new request, or the refusal that says why there is nothing to ask."""
    if order.outstanding <= 0:
        raise DomainError("NOTHING_OUTSTANDING", "청구할 미결금액이 없습니다.", status=409,
                          extra={"outstanding": order.outstanding})
    amount = requestable(order, pending)
    if amount <= 0:
        raise DomainError("OUTSTANDING_PENDING",
                          f"입금 대기 중인 결제({pending:,}원)가 미결금액({order.outstanding:,}원)을 충당합니다. "
                          "입금을 기다리거나 입금 기한이 지난 뒤 다시 요청하세요.",
                          status=409, extra={"outstanding": order.outstanding, "pending": pending})
    return amount


def no_longer_needed(request_amount: int, order_after: Order, pending_after: int) -> bool:
    """An open request asks for more than is still requestable once other money arrived."""
    return request_amount > requestable(order_after, pending_after)
