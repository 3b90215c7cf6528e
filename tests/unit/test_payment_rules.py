"""Pure payment rules: deposit, reversal, unpaid cancellation, refunds, cash receipts."""

from __future__ import annotations

import pytest

from oms.domain.cash_receipts import manual_receipt, request_receipt
from oms.domain.deposits import cancel_unpaid, confirm_deposit, reverse_deposit
from oms.domain.errors import DomainError
from oms.domain.order import SYSTEM, Actor, Buyer, Order, Recipient
from oms.domain.payments import Payment
from oms.domain.payouts import Refund, record_refunds
from oms.domain.pricing import LineInput, build_order
from oms.domain.statuses import Channel, DeliveryScope, PaymentMethod, ProductKind, Status

ADMIN = Actor("admin", "a-1", "관리자")
PG = Actor("pg", "toss", "토스페이먼츠")
AT = "2026-03-01T03:00:00.000000Z"


def order(kinds: tuple[ProductKind, ...] = (ProductKind.PHYSICAL,)) -> Order:
    lines = [LineInput(product_code=f"P{i}", product_name=f"상품{i}", kind=k, quantity=2, unit_price=10000)
             for i, k in enumerate(kinds)]
    o = build_order(site_id="s", order_id="20260301-000001", created_at=AT, channel=Channel.STORE,
                    payment_method=PaymentMethod.VIRTUAL_ACCOUNT, scope=DeliveryScope.DOMESTIC,
                    buyer=Buyer("구매자", "010-1111-2222"),
                    recipient=Recipient("구매자", "010-1111-2222", "04524", "서울"),
                    lines=lines, shipping_fee=0, shipping_fee_cod=False, coupon_total=0, points_total=0, paid=False,
                    payment_due_at="2026-03-04T03:00:00.000000Z")
    for line in o.lines:
        line.stock_keys = [line.product_code]
    return o


def pending(amount: int = 20000, method: str = "virtual_account") -> Payment:
    return Payment(payment_id="P1", method=method, amount=amount, status="pending", provider="toss")


def test_deposit_moves_pending_units_to_preparing_and_records_payment_time() -> None:
    o = order()
    pc = confirm_deposit(o, pending(), paid_at="2026-03-01T02:59:00.000000Z", actor=PG, at=AT, source="pg")
    new = pc.change.order
    assert [line.status for line in new.lines] == [Status.PREPARING]
    assert new.paid_total == 20000 and new.outstanding == 0
    assert pc.payment_set["status"] == "paid"
    assert pc.payment_set["paid_at"] == "2026-03-01T02:59:00.000000Z"
    assert pc.expect_status == "pending"
    assert [e.kind for e in pc.change.events] == ["payment", "status_changed"]
    assert pc.change.touched_lines == {"L001"}
    assert o.lines[0].status is Status.PAYMENT_PENDING  # pure: the input is untouched


def test_deposit_of_digital_goods_confirms_and_closes() -> None:
    pc = confirm_deposit(order((ProductKind.DIGITAL,)), pending(), paid_at=AT, actor=PG, at=AT, source="pg")
    assert pc.change.order.lines[0].status is Status.CONFIRMED
    assert pc.change.order.closed is True
    assert pc.change.events[-1].kind == "order_closed"


def test_deposit_twice_is_refused() -> None:
    paid = pending()
    paid.status = "paid"
    with pytest.raises(DomainError) as exc:
        confirm_deposit(order(), paid, paid_at=AT, actor=ADMIN, at=AT, source="manual")
    assert exc.value.code == "PAYMENT_ALREADY_PAID"


def test_deposit_amount_must_match() -> None:
    with pytest.raises(DomainError) as exc:
        confirm_deposit(order(), pending(), paid_at=AT, actor=PG, at=AT, source="pg", amount=19000)
    assert exc.value.code == "DEPOSIT_AMOUNT_MISMATCH"


def test_cancel_unpaid_cancels_directly_and_restores_stock() -> None:
    pc = cancel_unpaid(order(), pending(), actor=SYSTEM, at=AT, reason="va_expired")
    assert [line.status for line in pc.change.order.lines] == [Status.CANCELLED]
    assert pc.change.stock_restore == {"P0": 2}
    assert pc.change.order.closed is True
    assert pc.payment_set["status"] == "expired"


def test_reverse_deposit_goes_back_to_pending_when_nothing_moved() -> None:
    o = order()
    pc = confirm_deposit(o, pending(), paid_at=AT, actor=PG, at=AT, source="pg")
    paid = pending()
    paid.status = "paid"
    back = reverse_deposit(pc.change.order, paid, actor=PG, at=AT, reason="deposit_error")
    assert [line.status for line in back.change.order.lines] == [Status.PAYMENT_PENDING]
    assert back.change.order.paid_total == 0
    assert back.payment_set["status"] == "pending"
    pc.change.order.lines[0].status = Status.READY_TO_SHIP
    flagged = reverse_deposit(pc.change.order, paid, actor=PG, at=AT, reason="deposit_error")
    assert flagged.payment_set["status"] == "deposit_error"
    assert flagged.change.order.lines[0].status is Status.READY_TO_SHIP


def test_refunds_count_once_by_pg_key() -> None:
    paid = pending()
    paid.status = "paid"
    pc = record_refunds(order(), paid, [Refund("cx-1", 5000, AT)], actor=PG, at=AT)
    assert pc.change.order.refunded_total == 5000
    assert pc.payment_set["status"] == "partial_cancelled"
    paid.refunds = pc.payment_set["refunds"]
    paid.refunded_amount = 5000
    with pytest.raises(DomainError) as exc:
        record_refunds(order(), paid, [Refund("cx-1", 5000, AT)], actor=PG, at=AT)
    assert exc.value.code == "REFUND_ALREADY_RECORDED"
    rest = record_refunds(order(), paid, [Refund("cx-1", 5000, AT), Refund("cx-2", 15000, AT)],
                          actor=PG, at=AT)
    assert rest.payment_set["status"] == "cancelled"
    assert rest.payment_set["refunded_amount"] == 20000


def test_cash_receipt_rules() -> None:
    paid = pending()
    paid.status = "paid"
    pc = request_receipt(order(), paid, receipt_type="소득공제", identity_number="010-1234-5678", actor=ADMIN,
                         at=AT, request_id="r1")
    assert pc.payment_set["cash_receipt"]["status"] == "requested"
    assert pc.payment_set["cash_receipt"]["identity_number"] == "*******5678"
    paid.cash_receipt = pc.payment_set["cash_receipt"]
    with pytest.raises(DomainError) as exc:
        request_receipt(order(), paid, receipt_type="소득공제", identity_number="01012345678", actor=ADMIN,
                        at=AT, request_id="r2")
    assert exc.value.code == "CASH_RECEIPT_EXISTS"
    card = Payment(payment_id="P2", method="card", amount=100, status="paid")
    with pytest.raises(DomainError) as exc:
        manual_receipt(order(), card, receipt_type="소득공제", identity_number=None, issue_number=None,
                       actor=ADMIN, at=AT, site_has_pg=False)
    assert exc.value.code == "CASH_RECEIPT_NOT_APPLICABLE"
    fresh = pending()
    fresh.status = "paid"
    with pytest.raises(DomainError) as exc:
        manual_receipt(order(), fresh, receipt_type="소득공제", identity_number=None, issue_number=None,
                       actor=ADMIN, at=AT, site_has_pg=True)
    assert exc.value.code == "CASH_RECEIPT_USE_PG"
    done = manual_receipt(order(), fresh, receipt_type="지출증빙", identity_number="123-45-67890",
                          issue_number="A1", actor=ADMIN, at=AT, site_has_pg=False)
    assert done.payment_set["cash_receipt"]["status"] == "issued"
    assert done.payment_set["cash_receipt"]["source"] == "manual"
