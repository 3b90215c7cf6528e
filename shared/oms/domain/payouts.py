"""Money going back to the buyer (docs/domain.md, "Payments and payment requests"): refunds the PG
made (recorded from its notices), refunds requested through it (reserve → PG → commit), refunds
made by hand (강제완료), and the refund plan — which payment gives back how much.

Pure, like :mod:`oms.domain.payments`: each function takes the order and its payment as loaded and
returns a :class:`~oms.domain.payments.PaymentChange` whose order holds the changed payment.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from oms.domain.closing import update_closed
from oms.domain.errors import DomainError
from oms.domain.order import Actor, Change, Event, Order
from oms.domain.payments import Payment, PaymentChange, RefundRequest

REFUNDABLE_STATUSES = ("paid", "partial_cancelled")
#: refunded by the PG only as a whole (a virtual account), or not through the PG at all: last
DEPOSIT_METHODS = ("virtual_account", "bank_transfer")


# ---- the refund plan -------------------------------------------------------------------------------


def refund_order(payments: list[Payment]) -> list[Payment]:
    """The refundable payments in refund order: card and easy-pay payments first, newest first (each
    partly refundable through the PG), then virtual accounts and bank transfers, newest first (a
    virtual account is refunded by the PG only as a whole)."""
    pays = [p for p in payments if p.status in REFUNDABLE_STATUSES and p.remaining > 0]

    def newest_first(ps: list[Payment]) -> list[Payment]:
        return sorted(ps, key=lambda p: str(p.paid_at or ""), reverse=True)

    return (newest_first([p for p in pays if p.method not in DEPOSIT_METHODS])
            + newest_first([p for p in pays if p.method in DEPOSIT_METHODS]))


def plan(order: Order) -> list[tuple[Payment, int]]:
    """How −outstanding is split over the order's payments, in :func:`refund_order`."""
    left = max(0, -order.outstanding)
    out = []
    for p in refund_order(list(order.payments.values())):
        if left <= 0:
            break
        take = min(left, p.remaining)
        out.append((p, take))
        left -= take
    return out


def check_payout(order: Order) -> int:
    """What a refund run pays out (−outstanding), or why it may not run now: nothing is owed
    (409 ``NOTHING_TO_REFUND``), or a completed claim waits for its settlement (409
    ``CLAIMS_NOT_SETTLED``: its deductions are not posted yet, refunding now would pay them out)."""
    owed = -order.outstanding
    if owed <= 0:
        raise DomainError("NOTHING_TO_REFUND", "환불할 금액이 없습니다.", status=409,
                          extra={"outstanding": order.outstanding})
    unsettled = sorted(cid for cid, c in order.claims.items() if c.step == "completed" and not c.settlement_id)
    if unsettled:
        raise DomainError("CLAIMS_NOT_SETTLED",
                          f"완료되었지만 정산하지 않은 클레임이 있습니다({', '.join(unsettled)}). 먼저 정산하세요.",
                          status=409, extra={"claims": unsettled})
    return owed


def whole(payment: Payment, amount: int) -> bool:
    """The plan takes all of a never-refunded payment (asked for as a whole: ``amount=None``)."""
    return amount == payment.amount and not payment.refunded_amount


# ---- refunds recorded from the PG ----------------------------------------------------------------


@dataclass(frozen=True)
class Refund:
    key: str
    amount: int
    at: str
    reason: str = ""


def record_refunds(order: Order, payment: Payment, refunds: list[Refund], *, actor: Actor, at: str) -> PaymentChange:
    """Refunds the PG made on this payment; each is counted once, by the PG's id for it."""
    if payment.status not in ("paid", "partial_cancelled", "cancelled"):
        raise DomainError("PAYMENT_NOT_PAID", "입금 확인되지 않은 결제는 환불할 수 없습니다.", status=409)
    fresh = [r for r in refunds if r.key not in payment.refunds and r.amount > 0]
    if not fresh:
        raise DomainError("REFUND_ALREADY_RECORDED", "이미 기록된 환불입니다.", status=409)
    total = sum(r.amount for r in fresh)
    if total > payment.remaining:
        raise DomainError("REFUND_EXCEEDS_PAYMENT",
                          f"환불액({total:,}원)이 남은 결제금액({payment.remaining:,}원)보다 큽니다.",
                          extra={"remaining": payment.remaining})
    # not reserved by a request of ours: claimed as it is recorded
    return _refunds_change(order, payment, fresh, actor=actor, at=at, claim_delta=total)


def force_complete(order: Order, payment: Payment, *, amount: int, key: str, bank_note: str, actor: Actor,
                   at: str) -> PaymentChange:
    """강제완료: the admin refunded ``amount`` of this payment by hand (the PG's console, a bank
    transfer) and records it, with the bank account note and who/when. Not more than the order owes
    the buyer nor than the payment's remaining amount."""
    owed = max(0, -order.outstanding)
    if amount > owed:
        raise DomainError("REFUND_EXCEEDS_OUTSTANDING",
                          f"강제완료 금액({amount:,}원)이 환불할 금액({owed:,}원)보다 큽니다.",
                          field="amount", extra={"owed": owed})
    if payment.status not in REFUNDABLE_STATUSES:
        raise DomainError("PAYMENT_NOT_REFUNDABLE", "환불할 수 있는 결제가 아닙니다.", status=409,
                          extra={"payment_status": payment.status})
    by = {**actor.as_dict(), "at": at}
    pc = record_refunds(order, payment, [Refund(key, amount, at, "강제완료")], actor=actor, at=at)
    pc.payment_set["refunds"][key].update({"forced": True, "bank_note": bank_note, "by": by})
    ev = next(e for e in pc.change.events if e.kind == "refund")
    ev.kind = "refund_forced"
    ev.data.update({"bank_note": bank_note, "forced": True,
                    "text_ko": f"환불 강제완료 {amount:,}원 (PG 관리자 화면/계좌이체로 환불, {bank_note})"})
    return pc.land(payment)


def _refunds_change(order: Order, payment: Payment, fresh: list[Refund], *, actor: Actor, at: str,
                    request_id: str | None = None, claim_delta: int = 0,
                    refund_request: tuple[str, dict[str, Any]] | None = None) -> PaymentChange:
    total = sum(r.amount for r in fresh)
    new = order.clone()
    all_refunds = {**payment.refunds,
                   **{r.key: {"amount": r.amount, "at": r.at, "reason": r.reason,
                              **({"request_id": request_id} if request_id else {})} for r in fresh}}
    refunded = payment.refunded_amount + total
    status = "cancelled" if refunded >= payment.amount else "partial_cancelled"
    events = [
        Event("refund", actor, at, {
            "payment_id": payment.payment_id, "amount": r.amount, "refund_key": r.key, "refunded_at": r.at,
            "reason": r.reason, "text_ko": f"환불 {r.amount:,}원 ({r.reason or '결제 취소'})",
            **({"request_id": request_id} if request_id else {}),
        })
        for r in fresh
    ]
    pc = PaymentChange(Change(new, events, set()),
                       {"refunds": all_refunds, "refunded_amount": refunded, "status": status}, payment.status,
                       claim_delta=claim_delta, refund_request=refund_request).land(payment)
    update_closed(new, events, actor, at)
    return pc


# ---- refunds through the PG: reserve → PG → commit -----------------------------------------------


def plan_refund(payment: Payment, *, amount: int | None, has_refund_account: bool) -> int:
    """How much a new refund request reserves (``None``: all that is left), or the refusal.

    What is left counts the refunds recorded *and* those reserved by requests still at the PG, so
    two requests racing for the last 10,000원 cannot both get it: the loser is told which case it is
    (409 ``REFUND_IN_PROGRESS`` while another request holds part of it, 409
    ``NOTHING_LEFT_TO_REFUND`` once all is refunded)."""
    left, reserved = payment.refundable, payment.refund_reserved
    if payment.status == "cancelled" and payment.refunded_amount > 0:
        raise DomainError("NOTHING_LEFT_TO_REFUND", "이미 전액 환불된 결제입니다.", status=409,
                          extra={"refunded": payment.refunded_amount})
    if payment.status not in REFUNDABLE_STATUSES:
        raise DomainError("PAYMENT_NOT_REFUNDABLE", "환불할 수 있는 결제가 아닙니다.", status=409,
                          extra={"payment_status": payment.status})
    if not payment.provider or not payment.pg_payment_key:
        raise DomainError("PAYMENT_NOT_FROM_PG", "PG 결제가 아니므로 PG 환불을 할 수 없습니다.", status=409)
    want = left if amount is None else amount
    if want <= 0 or want > left:
        if reserved > 0:
            raise DomainError("REFUND_IN_PROGRESS",
                              f"진행 중인 환불({reserved:,}원)이 있어 남은 환불 가능액은 {left:,}원입니다. "
                              "진행 중인 환불이 끝난 뒤 다시 시도하세요.",
                              status=409, extra={"refundable": left, "reserved": reserved})
        if left == 0:
            raise DomainError("NOTHING_LEFT_TO_REFUND", "환불할 금액이 남아 있지 않습니다.", status=409,
                              extra={"refunded": payment.refunded_amount})
        raise DomainError("REFUND_EXCEEDS_PAYMENT", f"환불액이 남은 결제금액({left:,}원)보다 큽니다.",
                          field="amount", extra={"refundable": left})
    if payment.method == "virtual_account":
        if want != payment.amount or payment.refund_claimed:
            raise DomainError(
                "VA_PARTIAL_REFUND_NOT_ALLOWED",
                "가상계좌 결제는 전체 금액만 자동 환불됩니다. 부분 환불은 PG 관리자 화면에서 처리한 뒤 강제완료하세요.",
                field="amount")
        if not has_refund_account:
            raise DomainError("REFUND_ACCOUNT_REQUIRED", "가상계좌 환불에는 환불받을 계좌가 필요합니다.",
                              field="refund_account")
    return want


def with_reservation(order: Order, payment: Payment, request: RefundRequest) -> Order:
    """``order`` once ``request`` reserved its amount on ``payment`` (what
    :func:`oms.store.payments.reserve_refund` wrote: ``refund_claimed`` + amount, the request item)."""
    new = order.clone()
    reserved = payment.changed({}, claim_delta=request.amount)
    reserved.refund_requests[request.request_id] = request
    new.payments[payment.payment_id] = reserved
    return new


def same_request(request: RefundRequest, amount: int | None) -> RefundRequest:
    """A refund request sent again (the same request id): the same amount, or 409."""
    if amount is not None and amount != request.amount:
        raise DomainError("REFUND_REQUEST_MISMATCH", "같은 환불 요청 번호로 다른 금액을 요청할 수 없습니다.",
                          status=409, field="amount", extra={"request_id": request.request_id,
                                                             "amount": request.amount})
    return request


def check_not_failed(request: RefundRequest) -> None:
    """A request the PG refused is not sent again (409 ``REFUND_REQUEST_FAILED``)."""
    if request.status == "failed":
        raise DomainError("REFUND_REQUEST_FAILED", f"PG가 거절한 환불 요청입니다: {request.failure_reason}",
                          status=409, extra={"request_id": request.request_id})


def commit_refund(order: Order, payment: Payment, request: RefundRequest, made: Refund, *,
                  actor: Actor, at: str) -> PaymentChange:
    """The PG made the refund ``made`` (its own id for it) for a reserved request: record it (the
    reservation becomes the refund). If that refund is recorded already (the PG's cancel notice
    came first), only the reservation is given back: the refund is counted once."""
    if request.status != "reserved":
        raise DomainError("REFUND_REQUEST_NOT_RESERVED", "이미 처리된 환불 요청입니다.", status=409,
                          extra={"request_id": request.request_id, "request_status": request.status})
    own = made if made.key not in payment.refunds else None
    done = {"status": "done", "done_at": at}
    if own is None:
        return PaymentChange(Change(order.clone(), [], set()), {}, payment.status, claim_delta=-request.amount,
                             refund_request=(request.request_id, {**done, "recorded_by": "pg_notice"})).land(payment)
    return _refunds_change(order, payment, [Refund(own.key, own.amount, own.at, own.reason or request.reason)],
                           actor=actor, at=at, request_id=request.request_id,
                           refund_request=(request.request_id, {**done, "refund_key": own.key}))
