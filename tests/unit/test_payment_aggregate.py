"""The order with its payments and payment requests as one aggregate: what it was paid, refunded
and has on its way is derived from the payments; 결제요청 rules decide on the order alone."""

from __future__ import annotations

import pytest

from oms.domain import payment_requests as rules
from oms.domain.balance import Charge
from oms.domain.deposits import confirm_deposit, reverse_deposit
from oms.domain.errors import DomainError
from oms.domain.order import Actor, Order
from oms.domain.payments import Payment, RefundRequest
from oms.domain.payouts import Refund, record_refunds, with_reservation
from tests.claims_support import standard

ADMIN = Actor("admin", "a-1", "관리자")
PG = Actor("pg", "toss", "토스페이먼츠")
AT = "2026-03-01T03:00:00.000000Z"
DUE = "2026-03-04T03:00:00.000000Z"


def owing(extra: int) -> Order:
    """``standard()`` (47,000원, paid by card) with ``extra`` more owed: an adjustment charge."""
    order = standard()
    order.charges.append(Charge("F001", "adjustment", extra, "조정", "test", None, AT, "a-1"))
    return order


def va(amount: int, status: str = "pending", due: str = DUE, pid: str = "PVA") -> Payment:
    return Payment(payment_id=pid, method="virtual_account", amount=amount, status=status, provider="toss",
                   pg_payment_key=f"k-{pid}", requested_at=AT, virtual_account={"bank": "국민", "due_at": due})


def test_paid_refunded_and_pending_are_derived_from_the_payments() -> None:
    order = owing(10000)
    assert (order.paid_total, order.refunded_total, order.outstanding) == (47000, 0, 10000)
    order.payments["PVA"] = va(10000)
    assert order.pending_total(AT) == 10000 and order.paid_total == 47000  # on its way, not paid in
    assert order.pending_total("2026-03-04T04:00:01.000000Z") == 0  # past its due date and the grace hour
    deposited = confirm_deposit(order, order.payments["PVA"], paid_at=AT, actor=PG, at=AT, source="pg").change.order
    assert (deposited.paid_total, deposited.outstanding, deposited.pending_total(AT)) == (57000, 0, 0)
    back = reverse_deposit(deposited, deposited.payments["PVA"], actor=PG, at=AT, reason="deposit_error")
    assert back.change.order.paid_total == 47000  # a deposit taken back is not paid in
    refunded = record_refunds(deposited, deposited.payments["PVA"], [Refund("c-1", 4000, AT)], actor=ADMIN, at=AT)
    after = refunded.change.order
    assert (after.paid_total, after.refunded_total, after.outstanding) == (57000, 4000, 4000)
    assert after.payments["PVA"].status == "partial_cancelled"
    assert order.payments["PVA"].status == "pending"  # the input order is untouched


def test_a_payment_closed_unpaid_counts_for_nothing() -> None:
    order = owing(0)
    order.payments["PVA"] = va(10000, status="cancelled")
    assert (order.paid_total, order.refunded_total, order.pending_total(AT)) == (47000, 0, 0)


def test_a_reservation_is_laid_over_the_order_as_the_store_writes_it() -> None:
    order = owing(-10000)
    pid = next(iter(order.payments))
    card = order.payments[pid]
    req = RefundRequest("R1", pid, 10000, "환불", "oms-refund-R1", "reserved", AT, ADMIN.as_dict())
    reserved = with_reservation(order, card, req)
    assert (reserved.payments[pid].refund_claimed, reserved.payments[pid].refundable) == (10000, 37000)
    assert reserved.payments[pid].refund_requests == {"R1": req}
    assert order.payments[pid].refund_claimed == 0 and reserved.outstanding == -10000  # reserved is not refunded


def test_a_request_asks_for_what_is_neither_paid_nor_on_its_way() -> None:
    order = owing(30000)
    order.payments["PVA"] = va(10000)
    rc = rules.create(order, "R1", actor=ADMIN, at=AT)
    req = rc.change.order.payment_requests["R1"]
    assert (req.amount, req.status, req.pg_order_id) == (20000, "open", f"{order.order_id}-R1")
    assert rc.new_request is req and not order.payment_requests
    with pytest.raises(DomainError) as again:
        rules.create(rc.change.order, "R2", actor=ADMIN, at=AT)
    assert again.value.code == "PAYMENT_REQUEST_OPEN"
    with pytest.raises(DomainError) as covered:
        rules.create(_with(owing(10000), va(10000)), "R3", actor=ADMIN, at=AT)
    assert covered.value.code == "OUTSTANDING_PENDING"
    with pytest.raises(DomainError) as nothing:
        rules.create(owing(0), "R4", actor=ADMIN, at=AT)
    assert nothing.value.code == "NOTHING_OUTSTANDING"


def _with(order: Order, *payments: Payment) -> Order:
    order.payments.update({p.payment_id: p for p in payments})
    return order


def test_money_that_is_not_the_requests_own_closes_it_when_it_covers_it() -> None:
    asked = rules.create(owing(20000), "R1", actor=ADMIN, at=AT).change.order  # asks for 20,000
    waiting = _with(asked.clone(), va(20000, pid="PVA2"))  # then a deposit of 20,000 arrives elsewhere
    deposit = confirm_deposit(waiting, waiting.payments["PVA2"], paid_at=AT, actor=PG, at=AT, source="pg").change
    closed = rules.close_covered(deposit, PG, AT)
    assert closed is not None and (closed.item_id, closed.expect) == ("R1", "open")
    assert closed.fields["status"] == "cancelled" and closed.fields["covered"] is True
    assert deposit.order.payment_requests["R1"].status == "cancelled"
    assert deposit.events[-1].kind == "payment_request_covered"


def test_the_buyer_pays_a_request_by_card_and_the_request_is_paid() -> None:
    asked = rules.create(owing(15000), "R1", actor=ADMIN, at=AT).change.order
    req, status = rules.payable(asked, "R1", AT)
    with pytest.raises(DomainError) as wrong:
        rules.check_card(req, status, 14000)
    assert wrong.value.code == "PAYMENT_AMOUNT_MISMATCH"
    rc = rules.record_payment(asked, req, status, payment_id="PC1", at=AT, actor=ADMIN, provider="toss",
                              method="card", paid=True, pg_payment_key="pk", pg_order_id=req.pg_order_id,
                              paid_at=AT)
    after = rc.change.order
    assert (after.outstanding, after.payments["PC1"].payment_request_id) == (0, "R1")
    assert after.payment_requests["R1"].effective_status(after.payments, AT) == "paid"
    assert [(u.item_id, u.expect, u.fields["status"]) for u in rc.request_updates] == [("R1", "open", "paid")]
    with pytest.raises(DomainError) as closed:
        rules.payable(after, "R1", AT)
    assert closed.value.code == "PAYMENT_REQUEST_CLOSED"
