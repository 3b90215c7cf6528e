"""Payment use cases: deposits (PG callback or manual), refunds through/from the PG, virtual-account
expiry (cash receipts: :mod:`oms.services.cash_receipts`).

Every change goes through :func:`oms.services.orders.run`: load (the order with its payments) →
pure decision (:mod:`oms.domain.deposits`, :mod:`oms.domain.payouts`, :mod:`oms.domain.cash_receipts`)
→ one transaction of the order with the payment item's update, conditioned on the payment's status, so a deposit
delivered twice (callback + admin, or two callbacks) is counted once. A lost race on the order's
version is retried from a fresh read (where the decision then sees the payment already settled).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from oms.domain import outbox
from oms.domain import payment_requests as request_rules
from oms.domain.cash_receipts import cancel_receipt
from oms.domain.clock import iso, utcnow
from oms.domain.deposits import (
    cancel_unpaid,
    check_paid_at,
    confirm_deposit,
    expire,
    outside_payment,
    reverse_deposit,
)
from oms.domain.errors import Conflict, DomainError
from oms.domain.order import SYSTEM, Actor, Change, Order
from oms.domain.outbox import Intent
from oms.domain.payments import Payment, PaymentChange, RefundRequest, pick
from oms.domain.payouts import (
    Refund,
    check_not_failed,
    plan_refund,
    record_refunds,
    same_request,
    with_reservation,
)
from oms.domain.payouts import commit_refund as refund_commit_change
from oms.integrations.pg import PROVIDERS, PgError, RefundAccount, gateway
from oms.services import orders as order_runner
from oms.store import orders, payreqs
from oms.store import payments as pay_store
from oms.store import payouts as lease_store

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 4


def pg_actor(provider: str) -> Actor:
    """The PG as the actor of what its notices change (named by its adapter)."""
    return Actor("pg", provider, gateway(provider).display_name if provider in PROVIDERS else provider)


@dataclass
class Loaded:
    """The order (as read) and one of its payments."""

    order: Order
    payment: Payment


def receipt_intents(loaded: Loaded, pc: PaymentChange) -> list[Intent]:
    """What a payment change asks of the cash receipt once it commits: a deposit on a payment whose
    buyer asked for a receipt at checkout → issue it; a refund of a payment with an issued receipt →
    cancel it (and issue one for what is left). Decided by the relay's deliverer on a fresh read."""
    p = loaded.payment
    deposited = pc.payment_set.get("status") == "paid" and p.status != "paid"
    refunded = int(pc.payment_set.get("refunded_amount") or 0) > p.refunded_amount
    if deposited and p.method in ("virtual_account", "bank_transfer") and p.receipt_request is not None:
        return [outbox.cash_receipt(p.payment_id)]
    if refunded and (p.cash_receipt or {}).get("status") == "issued":
        return [outbox.cash_receipt_cancel(p.payment_id)]
    return []


def load(site_id: str, order_id: str, payment_id: str | None = None) -> Loaded:
    """The order (consistent read) with one of its payments."""
    order = orders.load(site_id, order_id)
    return Loaded(order, pick(order, payment_id))


def apply(
    site_id: str,
    order_id: str,
    payment_id: str | None,
    decide: Callable[[Loaded, str], PaymentChange],
    *,
    actor: Actor | None = None,
    action: str = "payment",
    read: Order | None = None,
    also: list[tuple[dict[str, Any], DomainError | None]] | None = None,
) -> tuple[Order, Payment, PaymentChange]:
    """Load → decide → commit (order + payment item in one transaction) through
    :func:`services.orders.run`, retrying lost races on a fresh read. A refusal by an admin
    (``actor`` given) is written to the order's timeline, like every refusal. ``read``: see ``run``;
    ``also``: more actions of the same transaction (each with the refusal its condition raises)."""
    decided: dict[str, Any] = {}

    def step(order: Order, at: str) -> tuple[Change, orders.Write]:
        loaded = Loaded(order, pick(order, payment_id))
        pc = decide(loaded, at).land(loaded.payment)
        decided.update(payment=loaded.payment, pc=pc)
        pc.change.intents.extend(receipt_intents(loaded, pc))
        write = orders.Write()
        if pc.change.order.paid_total > order.paid_total:  # money came in: an open request may be covered
            closed = request_rules.close_covered(pc.change, actor or pg_actor(loaded.payment.provider or "pg"), at)
            if closed is not None:
                payreqs.record_request_update(write, site_id, order_id, closed)
        pay_store.record_payment_change(write, site_id, order_id, loaded.payment, pc)
        for extra, refusal in also or []:
            write.add(extra, refusal)
        return pc.change, write

    done = order_runner.run(site_id, order_id, actor, step, action=action, attempts=MAX_ATTEMPTS,
                            retry_on=frozenset({"VERSION_CONFLICT", "PAYMENT_CHANGED"}), read=read)
    return done.order, decided["payment"], decided["pc"]


# ---- deposits ------------------------------------------------------------------------------------


def confirm_manual_deposit(site_id: str, order_id: str, payment_id: str, actor: Actor,
                           paid_at: str | None = None, note: str | None = None) -> Order:
    """수동 입금 확인 (order detail, one order): who and when go on the timeline; the deposit time is
    what the admin saw on the bank statement (default: now)."""
    when = paid_at or iso(utcnow())

    def decide(ld: Loaded, at: str) -> PaymentChange:  # after the order is found: 404 comes first
        return confirm_deposit(ld.order, ld.payment, paid_at=check_paid_at(when, iso(utcnow())), actor=actor, at=at,
                               source="manual", note=note)

    saved, _, _ = apply(site_id, order_id, payment_id, decide, actor=actor, action="manual_deposit")
    return saved


def record_outside_payment(site_id: str, order_id: str, *, amount: int, actor: Actor, paid_at: str | None = None,
                           note: str | None = None) -> Order:
    """수동 결제 등록 (what a site without a PG does for a 결제요청): a paid payment item and the
    order's change in one transaction; an open request it covers closes with it."""
    when = paid_at or iso(utcnow())
    payment_id = "P" + uuid.uuid4().hex[:12]

    def step(order: Order, at: str) -> tuple[Change, orders.Write]:
        change = outside_payment(order, payment_id=payment_id, amount=amount,
                                 paid_at=check_paid_at(when, iso(utcnow())), actor=actor, at=at, note=note)
        write = orders.Write()
        pay_store.record_new_payment(write, site_id, order_id, change.order.payments[payment_id])
        closed = request_rules.close_covered(change, actor, at)
        if closed is not None:
            payreqs.record_request_update(write, site_id, order_id, closed)
        return change, write

    return order_runner.run(site_id, order_id, actor, step, action="outside_payment", attempts=MAX_ATTEMPTS).order


def deposit_from_pg(site_id: str, order_id: str, payment_id: str, *, provider: str, paid_at: str,
                    amount: int | None, pg: dict[str, Any]) -> Order:
    actor = pg_actor(provider)

    def decide(ld: Loaded, at: str) -> PaymentChange:
        return confirm_deposit(ld.order, ld.payment, paid_at=paid_at, actor=actor, at=at, source="pg",
                               amount=amount, pg=pg)

    saved, _, _ = apply(site_id, order_id, payment_id, decide)
    return saved


def reverse_pg_deposit(site_id: str, order_id: str, payment_id: str, *, provider: str, reason: str) -> Order:
    actor = pg_actor(provider)
    saved, _, _ = apply(site_id, order_id, payment_id,
                        lambda ld, at: reverse_deposit(ld.order, ld.payment, actor=actor, at=at, reason=reason))
    return saved


def cancel_unpaid_order(site_id: str, order_id: str, payment_id: str | None, *, actor: Actor,
                        reason: str) -> Order:
    saved, _, _ = apply(site_id, order_id, payment_id,
                        lambda ld, at: cancel_unpaid(ld.order, ld.payment, actor=actor, at=at,
                                                     reason="va_expired" if reason == "va_expired" else "pg_cancelled"))
    return saved


def issue_requested_receipt(site_id: str, order_id: str, payment_id: str) -> None:
    """Issue the cash receipt the buyer asked for at checkout (a deposit payment with a request)."""
    ld = load(site_id, order_id, payment_id)
    req = ld.payment.receipt_request
    if req is None or ld.payment.method not in ("virtual_account", "bank_transfer"):
        return
    from oms.services import cash_receipts

    cash_receipts.issue(site_id, order_id, payment_id, receipt_type=req.receipt_type,
                        identity_number=req.identity_number, actor=SYSTEM, auto=True, loaded=ld)


# ---- refunds -------------------------------------------------------------------------------------


def record_pg_refunds(site_id: str, order_id: str, payment_id: str, refunds: list[Refund], *,
                      actor: Actor) -> Order:
    saved, _, _ = apply(site_id, order_id, payment_id,
                        lambda ld, at: record_refunds(ld.order, ld.payment, refunds, actor=actor, at=at))
    return saved


def refund_via_pg(site_id: str, order_id: str, payment_id: str, *, amount: int | None, reason: str,
                  refund_account: RefundAccount | None, actor: Actor, request_id: str | None = None,
                  read: Order | None = None, release_lease: list[str] | None = None) -> Order:
    """Refund through the PG in three steps, so concurrent requests and crashes stay exact:

    1. **reserve** the amount on the payment item (:func:`oms.store.payments.reserve_refund`: refunded +
       reserved never above the payment, one conditional transaction with the request item);
    2. call the PG's cancel with the request's own idempotency key;
    3. **commit** what the PG refunded with the order's change (:func:`commit_refund`).

    ``request_id`` names the request (the console sends one per refund dialog): the same id again
    completes that request — after a crash it sends the PG the same idempotency key, so the PG
    answers its first result and refunds nothing twice; a finished request answers the order as is.
    Virtual accounts are refunded automatically only as a whole (docs/domain.md, "Payments and payment requests").
    ``read``: the order as the caller has just read it (a payout run), decided on instead of a first read;
    ``release_lease``: the payout lease (its token) that step 3's transaction gives back, emptied once it has."""
    rid = request_id or uuid.uuid4().hex
    request: RefundRequest | None = None
    payment: Payment | None = None
    order: Order | None = None
    for _ in range(MAX_ATTEMPTS * 2):
        order = read if read is not None else orders.load(site_id, order_id)
        read = None  # a second round decides on a fresh read
        payment = pick(order, payment_id)
        request = payment.refund_requests.get(rid)
        if request is not None:
            same_request(request, amount)
            break
        at = iso(utcnow())
        try:
            want = plan_refund(payment, amount=amount, has_refund_account=refund_account is not None)
        except DomainError as exc:
            order_runner.record_refusal(site_id, order_id, actor, "pg_refund", exc, at)
            raise
        request = RefundRequest(
            request_id=rid, payment_id=payment_id, amount=want, reason=reason, idempotency_key=f"oms-refund-{rid}",
            status="reserved", requested_at=at, requested_by=actor.as_dict(),
            refund_account=vars(refund_account) if refund_account else None)
        try:
            pay_store.reserve_refund(site_id, order_id, payment, request)
            order = with_reservation(order, payment, request)
            break
        except pay_store.ReservationRefused:
            request = None
            continue  # less is left (or the same request was just recorded): decide again on a fresh read
    if request is None or payment is None or order is None:
        raise Conflict("REFUND_IN_PROGRESS", "다른 환불이 진행 중입니다. 잠시 후 다시 시도하세요.")
    return _complete_refund(site_id, order, payment, request, actor, release_lease)


def _complete_refund(site_id: str, order: Order, p: Payment, request: RefundRequest, actor: Actor,
                     release_lease: list[str] | None = None) -> Order:
    """Steps 2 and 3 for a reserved request of ``p``, on ``order`` as read (with the reservation)
    when it was reserved: the commit is decided on it (no second read) under its version."""
    order_id = order.order_id
    if request.status == "done":
        return orders.load(site_id, order_id)
    check_not_failed(request)
    account = RefundAccount(**request.refund_account) if request.refund_account else None
    assert p.provider and p.pg_payment_key  # checked when the request was reserved
    try:
        result = gateway(p.provider).cancel(p.pg_payment_key, reason=request.reason, amount=request.amount,
                                            refund_account=account, idempotency_key=request.idempotency_key)
    except PgError as exc:
        at = iso(utcnow())
        if exc.retryable:  # the PG may or may not have refunded: the reservation stays for a retry
            refusal = DomainError("PG_REFUND_PENDING",
                                  "PG 응답을 받지 못했습니다. 같은 환불 요청을 다시 보내 완료하세요.", status=503,
                                  extra={"request_id": request.request_id, "pg_code": exc.code})
        else:
            pay_store.release_refund(site_id, order_id, request, f"{exc.code}: {exc.message}", at)
            refusal = DomainError("PG_REFUND_FAILED", f"PG 환불 실패: {exc.message}", status=502,
                                  extra={"pg_code": exc.code, "request_id": request.request_id})
        order_runner.record_refusal(site_id, order_id, actor, "pg_refund", refusal, at)
        raise refusal from exc
    made = result.made
    if made is None or made.amount != request.amount:
        logger.error("pg cancel answered without the refund it made (request %s)", request.request_id)
        raise DomainError("PG_REFUND_PENDING", "PG 응답에 환불 내역이 없습니다. 같은 환불 요청을 다시 보내 완료하세요.",
                          status=503, extra={"request_id": request.request_id})
    saved = commit_refund(site_id, order_id, request, Refund(made.key, made.amount, made.at, made.reason),
                          actor=actor, read=order, release_lease=release_lease)
    return saved


class _LeaseGone(Conflict):
    """The payout lease is no longer this run's (taken over as stale): the commit goes without it."""


def commit_refund(site_id: str, order_id: str, request: RefundRequest, made: Refund, *,
                  actor: Actor, read: Order | None = None, release_lease: list[str] | None = None) -> Order:
    """Step 3: the order's change, the payment and the request completed, in one transaction (with
    the payout lease given back when ``release_lease`` holds its token; emptied once given back)."""
    gone = lease_store.in_progress()
    also: list[tuple[dict[str, Any], DomainError | None]] | None = None
    if release_lease:
        also = [(lease_store.give_back_action(site_id, order_id, release_lease[0]),
                 _LeaseGone(gone.code, gone.message_ko))]
    try:
        try:
            saved, _, _ = apply(site_id, order_id, request.payment_id,
                                lambda ld, at: refund_commit_change(ld.order, ld.payment, request, made,
                                                                    actor=actor, at=at), read=read, also=also)
            if release_lease:
                release_lease.clear()
        except _LeaseGone:  # the refund is committed all the same; the lease is the other run's now
            saved, _, _ = apply(site_id, order_id, request.payment_id,
                                lambda ld, at: refund_commit_change(ld.order, ld.payment, request, made,
                                                                    actor=actor, at=at), read=read)
    except DomainError as exc:
        if exc.code == "REFUND_REQUEST_NOT_RESERVED":  # a concurrent retry of the same request finished it
            return orders.load(site_id, order_id)
        raise
    return saved


def cancel_receipt_after_refund(site_id: str, order_id: str, payment_id: str, *, actor: Actor) -> None:
    ld = load(site_id, order_id, payment_id)
    receipt = ld.payment.cash_receipt or {}
    if receipt.get("status") != "issued":
        return
    via_pg = receipt.get("source") in ("pg", "auto") and bool(ld.payment.provider)
    failure: str | None = None
    if via_pg:
        assert ld.payment.provider
        try:
            gateway(ld.payment.provider).cancel_cash_receipt(
                payment_key=str(ld.payment.pg_payment_key or ""), receipt_key=str(receipt.get("receipt_key") or ""))
        except PgError as exc:
            failure = f"{exc.code}: {exc.message}"
    try:
        apply(site_id, order_id, payment_id,
              lambda l2, at: cancel_receipt(l2.order, l2.payment, actor=actor, at=at, via_pg=via_pg,
                                            failure_reason=failure))
    except DomainError:
        pass


# ---- virtual-account expiry ----------------------------------------------------------------------


def expire_order(site_id: str, order_id: str, now: str) -> Order:
    """Cancel an order whose virtual account's due date has passed unpaid (system, stock released)."""

    saved, _, _ = apply(site_id, order_id, None, lambda ld, at: expire(ld.order, ld.payment, now=now, at=at))
    return saved
