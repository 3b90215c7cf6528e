"""Checkout intake: a paid or pending order arrives from the storefront's checkout service."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from oms.domain.cash_receipts import mask_identity
from oms.domain.clock import iso, kst_date, utcnow
from oms.domain.errors import Conflict, DomainError
from oms.domain.moves import mark_paid
from oms.domain.order import MAX_STOCK_SKUS, SYSTEM, Actor, Buyer, Change, Event, Option, Order, Recipient
from oms.domain.payments import Payment
from oms.domain.pricing import LineInput, build_order, stock_keys_for
from oms.domain.statuses import PaymentMethod
from oms.schemas.orders import IntakeOrderIn
from oms.services import effects
from oms.services.orders import Committed
from oms.store import checkout, orders, stock
from oms.store import payments as pay_store

#: Payment methods whose money arrives later (a deposit): the order waits in payment_pending.
DEPOSIT_METHODS = frozenset({PaymentMethod.VIRTUAL_ACCOUNT, PaymentMethod.BANK_TRANSFER})

SERVICE = Actor("service", "checkout", "체크아웃")


def create_order(body: IntakeOrderIn) -> tuple[str, bool]:
    """Create the order; returns (order id, created). A retried checkout returns the first order."""
    committed, order_id = take(body)
    return order_id, committed is not None


def take(body: IntakeOrderIn, *, actor: Actor = SERVICE,
         decorate: Callable[[Order, str], None] | None = None) -> tuple[Committed | None, str]:
    """Create the order: (what was committed, order id); (None, first order id) for a retried checkout.
    ``actor``: who brings it (the checkout, a channel's sync); ``decorate``: marks the built order
    before it is written (a channel's links, ``oms.domain.channel_orders.link``)."""
    site_id = body.site_id
    found = checkout.existing_checkout(site_id, body.checkout_id)
    if found:
        return None, found
    now = utcnow()
    line_inputs = [
        LineInput(
            product_code=li.product_code,
            product_name=li.product_name,
            kind=li.kind,
            quantity=li.quantity,
            unit_price=li.unit_price,
            options=[Option(o.name, o.value, o.price) for o in li.options],
            combination=li.combination,
            product_discount=li.product_discount,
            points_eligible=li.points_eligible,
            membership_days=li.membership_days,
        )
        for li in body.lines
    ]
    pay = body.payment
    paid = pay.method not in DEPOSIT_METHODS
    va = pay.virtual_account
    order_id = checkout.next_order_number(site_id, kst_date(now).strftime("%Y%m%d"))
    created_at = iso(now)
    order = build_order(
        site_id=site_id,
        order_id=order_id,
        created_at=created_at,
        channel=body.channel,
        payment_method=pay.method,
        scope=body.scope,
        buyer=Buyer(**body.buyer.model_dump()),
        recipient=Recipient(**body.recipient.model_dump()),
        lines=line_inputs,
        shipping_fee=body.shipping_fee,
        shipping_fee_cod=body.shipping_fee_cod,
        coupon_total=body.coupon_discount,
        points_total=body.points_used,
        paid=False,
        checkout_id=body.checkout_id,
        payment_due_at=iso(va.due_at) if va else None,
    )
    order.shipping_method = body.shipping_method
    if decorate is not None:
        decorate(order, created_at)
    if pay.amount != order.order_amount:
        raise DomainError(
            "PAYMENT_AMOUNT_MISMATCH",
            f"결제금액({pay.amount:,}원)이 주문금액({order.order_amount:,}원)과 다릅니다.",
            field="payment.amount",
            extra={"expected": order.order_amount},
        )

    events = [
        Event(
            "order_created",
            actor,
            created_at,
            {"text_ko": f"주문이 접수되었습니다 ({order.total_quantity}개, {order.order_amount:,}원).",
             "channel": body.channel.value, "order_amount": order.order_amount,
             "quantity": order.total_quantity, "payment_method": pay.method.value},
        )
    ]
    write = orders.Write()
    # stock: every tracked SKU the lines draw from, deducted in the same transaction
    wanted: dict[str, int] = {}
    for li in line_inputs:
        for sku in stock_keys_for(li):
            wanted[sku] = wanted.get(sku, 0) + li.quantity
    tracked = stock.tracked(site_id, list(wanted))
    if len(tracked) > MAX_STOCK_SKUS:
        raise DomainError("ORDER_TOO_MANY_STOCK_ITEMS",
                          f"재고를 관리하는 옵션(SKU)은 한 주문에 최대 {MAX_STOCK_SKUS}개까지 담을 수 있습니다.",
                          field="lines", extra={"limit": MAX_STOCK_SKUS, "skus": len(tracked)})
    for line in order.lines:
        line.stock_keys = [k for k in line.stock_keys if k in tracked]
    for sku in sorted(tracked):
        write.add(
            stock.deduct_action(site_id, sku, wanted[sku]),
            Conflict(
                "OUT_OF_STOCK",
                f"재고가 부족합니다: {sku} (주문 {wanted[sku]}개, 재고 {tracked[sku]}개)",
                extra={"sku": sku, "requested": wanted[sku], "available": tracked[sku]},
            ),
        )

    payment_id = "P" + secrets.token_hex(6)
    paid_at = iso(pay.paid_at) if pay.paid_at else created_at
    payment: dict[str, Any] = dict(
        payment_id=payment_id,
        method=pay.method.value,
        amount=pay.amount,
        status="paid" if paid else "pending",
        provider=pay.provider,
        pg_payment_key=pay.pg_payment_key,
        requested_at=created_at,
        paid_at=paid_at if paid else None,
        virtual_account=(
            {"bank": va.bank, "account_no": va.account_no, "holder": va.holder, "due_at": iso(va.due_at)}
            if va else None
        ),
    )
    _payment_extras(site_id, order_id, payment_id, created_at, pay, payment, write)
    order.payments[payment_id] = Payment.from_item(payment)  # written with the order (``orders.create``)
    if paid:
        events += mark_paid(order, at=paid_at, actor=SYSTEM)
        events.append(
            Event("payment", SYSTEM, paid_at,
                  {"payment_id": payment_id, "method": pay.method.value, "amount": pay.amount,
                   "text_ko": f"결제 완료 {pay.amount:,}원"})
        )
    checkout.add_guard(write, site_id, body.checkout_id, order_id, created_at)
    # digital goods and passes confirmed at payment: points and pass days in the same transaction
    effects.apply(None, Change(order, events, {li.line_id for li in order.lines}), write)
    try:
        orders.create(order, events, write)
    except DomainError as exc:
        if exc.code in ("DUPLICATE_CHECKOUT", "PG_ORDER_ID_IN_USE"):
            first = checkout.existing_checkout(site_id, body.checkout_id)
            if first:
                return None, first
        raise
    return Committed(order, events), order_id



def _payment_extras(site_id: str, order_id: str, payment_id: str, created_at: str, pay: Any,
                    payment: dict[str, Any], write: orders.Write) -> None:
    """PG ids, the deposit-callback secret (only in the PG reference item, never returned) and the
    buyer's cash-receipt request (full identity number in its own item; the payment shows it masked)."""
    if pay.pg_order_id:
        payment["pg_order_id"] = pay.pg_order_id
        pay_store.record_payment_ref(write, str(pay.provider), pay.pg_order_id, site_id, order_id, payment_id,
                                     deposit_secret=pay.deposit_secret, created_at=created_at)
    if pay.cash_receipt:
        payment["cash_receipt_request"] = {"type": pay.cash_receipt.type,
                                           "identity_number": mask_identity(pay.cash_receipt.identity_number)}
        pay_store.record_receipt_request(write, site_id, order_id, payment_id, pay.cash_receipt.type,
                                         pay.cash_receipt.identity_number)
