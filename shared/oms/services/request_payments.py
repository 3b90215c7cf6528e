"""The buyer pays a 결제요청 through the PG — and money never moves twice.

By card: the buyer approves the request's amount in the PG's window (PG order id = the request's
``pg_order_id``) and sends us the payment key. We check first (the request is payable, the PG's
payment is this request's, for its amount), only then confirm it at the PG (Toss: confirm with the
amount; PortOne: verify by id) and record it in one transaction of the order. If the PG holds
captured money that we cannot record — the admin cancelled the request meanwhile, a virtual
account won the race, the amount differs — it is cancelled at the PG in the same call (idempotency
key ``void-<payment key>``) and the timeline says so: money captured for an order = money
recorded on it.

By virtual account: a new account is issued through the PG and recorded as pending (its deposit
callback pays it, ``services.webhooks``). Two calls at once issue one account: the loser's account
is cancelled at the PG and it answers the winner's.
"""

from __future__ import annotations

import logging
import secrets
from typing import Any, Literal

from oms.domain import payment_requests as rules
from oms.domain.clock import iso, utcnow
from oms.domain.errors import Conflict, DomainError
from oms.domain.order import Actor, Change, Event, Order
from oms.domain.payment_requests import PaymentRequest
from oms.integrations.pg import PaymentGateway, PgError, PgPayment, gateway
from oms.services.orders import Committed, run
from oms.services.payment_requests import provider_of
from oms.store import orders, payreqs
from oms.store.orders import Write

logger = logging.getLogger(__name__)

#: a lost race on the order's version is decided again this many times before money goes back
ATTEMPTS = 4


class _Recorded(Exception):
    """The payment is on the order already (the same key sent twice, or both at once)."""


def _recorded(order: Order, req: PaymentRequest, payment_key: str) -> bool:
    pay = order.payments.get(req.payment_id or "")
    return pay is not None and pay.pg_payment_key == payment_key and pay.status != "pending"


def _look_up(pg: PaymentGateway, payment_key: str) -> PgPayment:
    try:
        return pg.get_payment(payment_key)
    except PgError as exc:
        if exc.status == 404:
            raise DomainError("PG_PAYMENT_NOT_FOUND", "PG에 해당 결제가 없습니다. 결제를 다시 진행하세요.",
                              field="payment_key", extra={"pg_code": exc.code}) from exc
        raise DomainError("PG_UNAVAILABLE", f"PG 결제 조회 실패: {exc.message}", status=502,
                          extra={"pg_code": exc.code}) from exc


def _card_payable(order: Order, request_id: str, amount: int, now: str) -> tuple[PaymentRequest, str]:
    """The request, if a card payment of ``amount`` may pay it now (the domain's refusals)."""
    req, status = rules.payable(order, request_id, now)
    rules.check_card(req, status, amount)
    rules.check_owed(order, req, now)
    return req, status


def _record(site_id: str, order: Order, req: PaymentRequest, status: str, at: str, actor: Actor, provider: str, *,
            method: Literal["card", "virtual_account"], paid: bool, pg_payment_key: str, pg_order_id: str,
            paid_at: str | None = None, virtual_account: dict[str, Any] | None = None,
            deposit_secret: str | None = None, attempts: int | None = None) -> tuple[Change, Write]:
    rc = rules.record_payment(order, req, status, payment_id="P" + secrets.token_hex(6), at=at, actor=actor,
                              provider=provider, method=method, paid=paid, pg_payment_key=pg_payment_key,
                              pg_order_id=pg_order_id, paid_at=paid_at, virtual_account=virtual_account,
                              attempts=attempts)
    write = Write()
    payreqs.record_request_change(write, order.site_id, order.order_id, rc, deposit_secret=deposit_secret, at=at)
    return rc.change, write


def give_back(site_id: str, order_id: str, pg: PaymentGateway, payment: PgPayment, actor: Actor,
              why: DomainError) -> DomainError:
    """Money the PG captured for this order that we will not record goes back at the PG (once, by
    its idempotency key), with an entry on the timeline; answers ``why`` with what happened."""
    if payment.status == "cancelled":  # given back already (the same refused call again)
        why.extra.update(pg_cancelled=True)
        return why
    if payment.status not in ("paid", "partial_cancelled"):
        return why  # nothing was captured (an authorisation lapses by itself)
    remaining = payment.amount - payment.cancelled_amount
    at = iso(utcnow())
    try:
        pg.cancel(payment.payment_key, reason="주문에 기록할 수 없는 결제 자동 취소",
                  idempotency_key=f"void-{payment.payment_key}")
    except PgError as exc:
        logger.error("payment %s captured but not recorded; the PG refused its cancel: %s", payment.payment_key,
                     exc.code)
        _note(site_id, order_id, Event("payment_void_failed", actor, at, {
            "payment_key": payment.payment_key, "amount": remaining, "pg_code": exc.code, "reason": why.code,
            "text_ko": f"카드 결제 {remaining:,}원을 주문에 기록할 수 없어 PG에 취소를 요청했으나 실패했습니다 "
                       f"({exc.message}). PG 관리자 화면에서 직접 취소하세요."}))
        why.extra.update(pg_cancelled=False)
        return why
    _note(site_id, order_id, Event("payment_voided", actor, at, {
        "payment_key": payment.payment_key, "amount": remaining, "reason": why.code,
        "text_ko": f"카드 결제 {remaining:,}원을 주문에 기록할 수 없어 PG에서 자동 취소했습니다: {why.message_ko}"}))
    why.extra.update(pg_cancelled=True, cancelled_amount=remaining)
    return why


def _note(site_id: str, order_id: str, ev: Event) -> None:
    try:
        orders.record_refusal(site_id, order_id, ev)
    except Exception:  # the PG call's outcome is logged; the answer stays the refusal
        logger.exception("timeline entry %s not written for order %s", ev.kind, order_id)


def _confirm(pg: PaymentGateway, seen: PgPayment, req: PaymentRequest) -> PgPayment:
    """Capture (or verify) the payment for the request's amount; a lost answer is looked up."""
    try:
        got = pg.confirm(seen.payment_key, pg_order_id=req.pg_order_id, amount=req.amount)
    except PgError as exc:
        if not exc.retryable:
            code = "PAYMENT_AUTH_EXPIRED" if exc.status == 404 else "PAYMENT_REFUSED_BY_PG"
            text = "결제 승인 시간이 지났습니다. 다시 결제하세요." if exc.status == 404 \
                else f"카드 결제가 승인되지 않았습니다: {exc.message}"
            raise DomainError(code, text, status=409, extra={"pg_code": exc.code}) from exc
        got = _look_up(pg, seen.payment_key)  # no answer: the PG knows whether it captured
    rules.check_confirmed(req, pg_status=got.status, pg_amount=got.amount, pg_order_id=got.pg_order_id)
    return got


def pay_card(site_id: str, order_id: str, request_id: str, payment_key: str, actor: Actor) -> Committed:
    """The buyer approved the request's amount in the PG's card window: check, confirm, record —
    or give the money back. Sent again after it was recorded, it answers the order as it is."""
    provider = provider_of(site_id)
    order = orders.load(site_id, order_id)
    req = rules.find(order, request_id)
    if _recorded(order, req, payment_key):
        return Committed(order, [])
    pg = gateway(provider)
    seen = _look_up(pg, payment_key)
    rules.check_for_request(req, seen.pg_order_id)
    try:
        req, _ = _card_payable(order, request_id, seen.amount, iso(utcnow()))
    except DomainError as exc:
        raise give_back(site_id, order_id, pg, seen, actor, exc) from None
    got = _confirm(pg, seen, req)

    def decide(order: Order, at: str) -> tuple[Change, Write]:
        if _recorded(order, rules.find(order, request_id), payment_key):
            raise _Recorded
        req, status = _card_payable(order, request_id, got.amount, at)
        return _record(site_id, order, req, status, at, actor, provider, method="card", paid=True,
                       pg_payment_key=got.payment_key, pg_order_id=got.pg_order_id, paid_at=got.paid_at or at)

    try:
        return run(site_id, order_id, actor, decide, action="payment_request_pay", attempts=ATTEMPTS)
    except _Recorded:
        return Committed(orders.load(site_id, order_id), [])
    except Exception as exc:  # a refusal, a lost race, the table unreachable: never keep unrecorded money
        order = orders.load(site_id, order_id)
        if _recorded(order, rules.find(order, request_id), payment_key):  # a concurrent call recorded it
            return Committed(order, [])
        why = exc if isinstance(exc, DomainError) else DomainError(
            "PAYMENT_NOT_RECORDED", "결제를 기록하지 못해 PG에서 취소했습니다. 잠시 후 다시 결제하세요.", status=503)
        raise give_back(site_id, order_id, pg, got, actor, why) from None


def pay_virtual_account(site_id: str, order_id: str, request_id: str, actor: Actor,
                        holder: str | None = None) -> Committed:
    """A new virtual account for the request (through the PG port); the deposit callback pays it.
    Asked again (or twice at once) while an account waits, it answers that account."""
    provider = provider_of(site_id)
    order = orders.load(site_id, order_id)
    now = iso(utcnow())
    req, status = rules.payable(order, request_id, now)
    if status == "awaiting_deposit":
        return Committed(order, [])  # already issued: the same account is shown again
    rules.check_owed(order, req, now)
    attempt = req.attempts + 1
    pg_order_id = f"{req.pg_order_id}-V{attempt}"
    name = order.lines[0].product_name + " 외 추가 결제" if order.lines else "추가 결제"
    pg = gateway(provider)
    try:
        issued = pg.issue_virtual_account(pg_order_id=pg_order_id, amount=req.amount,
                                          order_name=name, customer_name=holder or order.buyer.name)
    except PgError as exc:
        if exc.code == "DUPLICATED_ORDER_ID":  # a concurrent call is issuing this very account
            return _issued_by_another(site_id, order_id, request_id)
        raise DomainError("PG_ISSUE_FAILED", f"가상계좌 발급 실패: {exc.message}",
                          status=502 if exc.retryable else 409, extra={"pg_code": exc.code}) from exc
    account = {"bank": issued.bank, "account_no": issued.account_no, "holder": issued.holder,
               "due_at": issued.due_at}

    def decide(order: Order, at: str) -> tuple[Change, Write]:
        req, status = rules.payable(order, request_id, at)
        rules.check_account(req, status)
        rules.check_owed(order, req, at)
        return _record(site_id, order, req, status, at, actor, provider, method="virtual_account", paid=False,
                       pg_payment_key=issued.payment.payment_key, pg_order_id=pg_order_id,
                       virtual_account=account, deposit_secret=issued.secret, attempts=attempt)

    try:
        return run(site_id, order_id, actor, decide, action="payment_request_pay", attempts=ATTEMPTS)
    except DomainError as exc:
        _cancel_unused_account(pg, issued.payment.payment_key)
        if exc.code in ("PAYMENT_REQUEST_IN_PAYMENT", "PAYMENT_REQUEST_CHANGED", "VERSION_CONFLICT"):
            return _issued_by_another(site_id, order_id, request_id)
        raise


def _cancel_unused_account(pg: PaymentGateway, payment_key: str) -> None:
    try:
        pg.cancel(payment_key, reason="사용하지 않는 가상계좌", idempotency_key=f"void-{payment_key}")
    except PgError as exc:  # an unpaid account lapses at its due date anyway
        logger.warning("unused virtual account %s not cancelled: %s", payment_key, exc.code)


def _issued_by_another(site_id: str, order_id: str, request_id: str) -> Committed:
    """The answer of the call that lost the race: the account the winner recorded, or 409 while the
    winner has not recorded it yet."""
    order = orders.load(site_id, order_id)
    status = rules.find(order, request_id).effective_status(order.payments, iso(utcnow()))
    if status == "awaiting_deposit":
        return Committed(order, [])
    raise Conflict("PAYMENT_IN_PROGRESS", "결제가 진행 중입니다. 잠시 후 다시 확인하세요.",
                   extra={"request_id": request_id, "request_status": status})
