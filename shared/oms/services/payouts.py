"""Paying out what the order owes the buyer (a negative outstanding) through the payments it came from.

Which payment gives back how much is the domain's (:func:`oms.domain.payouts.plan`): card and
easy-pay payments first, newest first (each partly refundable through the PG), then virtual-account
and bank-transfer payments (a virtual account is refunded by the PG only as a whole: a partial
amount is refused ``VA_PARTIAL_REFUND_NOT_ALLOWED`` and the admin refunds it by hand in the PG's
console, then marks it 강제완료 here). Each refund is
one PG call then one order transaction (``services.payments.refund_via_pg``); a refusal (ours or
the PG's, with its reason) is on the timeline and in the answer, and the call can be repeated: what
is left to refund is always the outstanding, never a typed-in figure.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

from oms.domain import payouts as rules
from oms.domain.errors import DomainError
from oms.domain.order import Actor, Order
from oms.domain.payments import PaymentChange
from oms.integrations.pg import RefundAccount
from oms.services import cash_receipts, payments
from oms.store import orders
from oms.store import payouts as lease_store


def account(body: Any) -> RefundAccount | None:
    """A refund account from its API model (``schemas.payments.RefundAccountIn``), if given."""
    return RefundAccount(body.bank, body.account_no, body.holder) if body is not None else None


@dataclass
class RefundResult:
    payment_id: str
    method: str
    amount: int
    status: str  # refunded | refused | manual
    code: str | None = None
    message_ko: str | None = None
    pg_code: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in vars(self).items() if v is not None}


@dataclass
class Payout:
    requested: int
    results: list[RefundResult] = field(default_factory=list)

    @property
    def refunded(self) -> int:
        return sum(r.amount for r in self.results if r.status == "refunded")

    def as_dict(self) -> dict[str, Any]:
        return {"requested": self.requested, "refunded": self.refunded,
                "left": self.requested - self.refunded, "results": [r.as_dict() for r in self.results]}


def refund_outstanding(site_id: str, order_id: str, actor: Actor, *, reason: str,
                       refund_account: RefundAccount | None = None, lease: str | None = None,
                       read: Order | None = None) -> Payout:
    """Refund −outstanding through the order's payments. Refused 409 NOTHING_TO_REFUND when the
    order owes nothing, 409 PAYOUT_IN_PROGRESS while another refund run of the order is under way,
    409 CLAIMS_NOT_SETTLED while a completed claim waits for its settlement (its deductions are not
    posted yet); a payment refused on the way is reported and the rest still tried.

    ``lease``: the payout lease the caller took in the transaction that ``read`` is the outcome of
    (a settlement), so the run decides on that order; else the lease is taken first and the order
    read under it. The last PG refund's commit gives the lease back in its own transaction."""
    if lease is None:
        lease, read = lease_store.take(site_id, order_id, actor.id), None
    held = [lease]  # emptied once a commit has given it back
    try:
        return _pay_out(site_id, order_id, actor, reason, refund_account, read, held)
    finally:
        if held:
            lease_store.give_back(site_id, order_id, lease)


def _pay_out(site_id: str, order_id: str, actor: Actor, reason: str, refund_account: RefundAccount | None,
             read: Order | None, held: list[str]) -> Payout:
    order = read if read is not None else orders.load(site_id, order_id)
    payout = Payout(rules.check_payout(order))
    planned = rules.plan(order)
    last_pg = max((i for i, (p, _) in enumerate(planned) if p.provider and p.pg_payment_key), default=-1)
    first: Order | None = order  # the first refund decides on this read; later ones on their own
    for i, (p, amount) in enumerate(planned):
        if not p.provider or not p.pg_payment_key:
            payout.results.append(RefundResult(p.payment_id, p.method, amount, "manual", "PAYMENT_NOT_FROM_PG",
                                               "PG 결제가 아니므로 직접 환불한 뒤 강제완료하세요."))
            continue
        release = held if i == last_pg else None
        try:
            payments.refund_via_pg(site_id, order_id, p.payment_id, amount=None if rules.whole(p, amount) else amount,
                                   reason=reason,
                                   refund_account=refund_account if p.method in rules.DEPOSIT_METHODS else None,
                                   actor=actor, read=first, release_lease=release)
        except DomainError as exc:
            first = None
            payout.results.append(RefundResult(p.payment_id, p.method, amount, "refused", exc.code, exc.message_ko,
                                               exc.extra.get("pg_code")))
            continue
        first = None
        payout.results.append(RefundResult(p.payment_id, p.method, amount, "refunded"))
    return payout


def force_complete(site_id: str, order_id: str, payment_id: str, *, amount: int, bank_note: str,
                   actor: Actor) -> Order:
    """강제완료: the admin refunded ``amount`` of this payment by hand (the PG's console, a bank
    transfer) and records it, with the bank account note and who/when. Not more than the payment's
    remaining amount nor than the order owes the buyer."""

    def decide(ld: payments.Loaded, at: str) -> PaymentChange:
        return rules.force_complete(ld.order, ld.payment, amount=amount, key="manual-" + secrets.token_hex(6),
                                    bank_note=bank_note, actor=actor, at=at)

    lease = lease_store.take(site_id, order_id, actor.id)  # not while a PG refund of the order is under way
    try:
        saved, _, _ = payments.apply(site_id, order_id, payment_id, decide, actor=actor,
                                     action="refund_force_complete")
    finally:
        lease_store.give_back(site_id, order_id, lease)
    return saved


def reissue_receipt(site_id: str, order_id: str, payment_id: str, *, actor: Actor) -> None:
    """A partly refunded payment whose cash receipt was cancelled by the refund gets a new receipt
    for what remains, through the PG, with the identity number the buyer gave at checkout. Without
    it (a receipt issued by hand) nothing is issued: the timeline shows the cancellation."""
    ld = payments.load(site_id, order_id, payment_id)
    receipt = ld.payment.cash_receipt or {}
    if receipt.get("status") != "cancelled" or ld.payment.remaining <= 0 or receipt.get("source") == "manual":
        return
    req = ld.payment.receipt_request
    if req is None:
        return
    try:
        cash_receipts.issue(site_id, order_id, payment_id, receipt_type=req.receipt_type,
                            identity_number=req.identity_number, actor=actor, auto=True, loaded=ld)
    except DomainError:
        pass  # refused or failed: recorded on the timeline by the issue itself
