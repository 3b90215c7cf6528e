"""결제요청 rules: what may be asked of the buyer, paying a request, and when an open request is no
longer needed.

A payment request never asks twice for the same money:

- **pending** money counts as covered (``Order.pending_total``): a payment still waiting for its
  deposit (the checkout's virtual account or bank transfer, a request's own virtual account) until
  an hour after its due date (a deposit made just in time may be reported late);
- **requestable** = outstanding − pending, never below 0; a request asks for exactly that and is
  refused when nothing is left (``NOTHING_OUTSTANDING`` when nothing is owed at all,
  ``OUTSTANDING_PENDING`` when a waiting deposit covers it);
- when money arrives that is not the request's own (a deposit, another payment) and the request
  now asks for more than is requestable, the request closes by itself (``covered_by``): the admin
  asks again for what is left, if anything;
- money nobody owes is still recorded (the balance goes negative and the order shows a refund to
  make): it is never refused, because it has already left the buyer's account.

A request's stored ``status`` is ``open`` → ``awaiting_deposit`` (a virtual account was issued) →
``paid``, or ``cancelled``. One waiting for a deposit is ``paid`` as soon as its payment is, and
``expired`` once the account's due date (and its grace hour) passed unpaid (payable again):
:meth:`PaymentRequest.effective_status`.

Pure: each rule takes the order (with its payments and requests) and returns a
:class:`RequestChange` — the order :class:`Change` whose order holds the changed requests and
payments, plus what the store writes for them, each under a condition on the status it was decided on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from oms.domain.closing import update_closed
from oms.domain.errors import Conflict, DomainError, NotFound
from oms.domain.order import Actor, Change, Event, Order
from oms.domain.payments import Payment

#: a request still asking for its amount (``expired``: its virtual account passed its due date unpaid)
OPEN_STATUSES = frozenset({"open", "awaiting_deposit", "expired"})
_NOT_RECORD = frozenset({"PK", "SK", "type"})


@dataclass
class PaymentRequest:
    """One 결제요청 of the order (``PAYREQ#<id>``): the fields its rules read and ``record``, every
    stored field as read (what the detail shows)."""

    request_id: str
    status: str
    amount: int
    pg_order_id: str = ""
    payment_id: str | None = None
    created_at: str = ""
    attempts: int = 0
    record: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @staticmethod
    def from_item(item: Mapping[str, Any]) -> PaymentRequest:
        record = {k: v for k, v in item.items() if k not in _NOT_RECORD}
        return PaymentRequest(
            request_id=str(item["request_id"]), status=str(item.get("status")), amount=int(item.get("amount") or 0),
            pg_order_id=str(item.get("pg_order_id") or ""), payment_id=item.get("payment_id") or None,
            created_at=str(item.get("created_at") or ""), attempts=int(item.get("attempts") or 0), record=record)

    def changed(self, fields: Mapping[str, Any]) -> PaymentRequest:
        """This request once ``fields`` are set (a None is removed from the item; the answer right
        after the change shows it as null)."""
        return PaymentRequest.from_item({**self.record, **fields})

    def effective_status(self, payments: Mapping[str, Payment], now: str) -> str:
        """The stored status, except that a request waiting for a deposit is ``paid`` once its payment
        is, and ``expired`` once its account's due date passed unpaid (the buyer may pay again)."""
        if self.status == "awaiting_deposit":
            pay = payments.get(self.payment_id or "")
            if pay is not None and pay.status in ("paid", "partial_cancelled", "cancelled"):
                return "paid"
            if pay is not None and pay.status == "pending" and pay.past_due(now):
                return "expired"
        return self.status


@dataclass(frozen=True)
class Update:
    """Fields to set on a stored record (None: removed), on condition its status is still ``expect``."""

    item_id: str
    expect: str
    fields: dict[str, Any]


@dataclass
class RequestChange:
    """A change of the order and what the store writes for its requests and payments."""

    change: Change
    new_request: PaymentRequest | None = None
    new_payment: Payment | None = None
    request_updates: list[Update] = field(default_factory=list)
    payment_updates: list[Update] = field(default_factory=list)

    def update_request(self, req: PaymentRequest, fields: dict[str, Any]) -> PaymentRequest:
        self.request_updates.append(Update(req.request_id, req.status, fields))
        after = req.changed(fields)
        self.change.order.payment_requests[req.request_id] = after
        return after

    def update_payment(self, pay: Payment, expect: str, fields: dict[str, Any]) -> None:
        self.payment_updates.append(Update(pay.payment_id, expect, fields))
        self.change.order.payments[pay.payment_id] = pay.changed(fields)


# ---- what is owed, what is on its way --------------------------------------------------------------


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


# ---- the order's requests ----------------------------------------------------------------------------


def newest_first(order: Order) -> list[PaymentRequest]:
    return sorted(order.payment_requests.values(), key=lambda r: r.created_at, reverse=True)


def views(order: Order, now: str) -> list[dict[str, Any]]:
    """Every payment request of the order, newest first, with its effective status and its payment."""
    out = []
    for req in newest_first(order):
        v = dict(req.record)
        v["status"] = req.effective_status(order.payments, now)
        v["stored_status"] = req.status
        pay = order.payments.get(req.payment_id or "")
        if pay is not None:
            rec = pay.view()
            v["payment"] = {k: rec.get(k) for k in ("payment_id", "method", "amount", "status", "paid_at",
                                                     "virtual_account")}
        out.append(v)
    return out


def find(order: Order, request_id: str) -> PaymentRequest:
    if request_id not in order.payment_requests:
        raise NotFound("payment_request", request_id)
    return order.payment_requests[request_id]


def open_request(order: Order, now: str) -> PaymentRequest | None:
    return next((r for r in newest_first(order) if r.effective_status(order.payments, now) in OPEN_STATUSES), None)


def _event(kind: str, actor: Actor, at: str, text: str, **data: Any) -> Event:
    return Event(kind, actor, at, {**data, "text_ko": text})


def create(order: Order, request_id: str, *, actor: Actor, at: str, note: str | None = None) -> RequestChange:
    """결제요청 for the requestable amount (refused when nothing is owed, a deposit on its way covers
    it, or a request is open)."""
    amount = check_requestable(order, order.pending_total(at))
    current = open_request(order, at)
    if current is not None:
        raise Conflict("PAYMENT_REQUEST_OPEN", "이미 진행 중인 결제요청이 있습니다. 취소 후 다시 요청하세요.",
                       extra={"request_id": current.request_id})
    req = PaymentRequest.from_item({
        "request_id": request_id, "status": "open", "amount": amount, "created_at": at,
        "created_by": actor.as_dict(), "note": note,
        "order_amount": order.order_amount, "net_paid": order.net_paid,
        "pg_order_id": f"{order.order_id}-{request_id}", "attempts": 0})
    new = order.clone()
    new.payment_requests[request_id] = req
    ev = _event("payment_requested", actor, at, f"결제요청 {amount:,}원", request_id=request_id, amount=amount,
                **({"note": note} if note else {}))
    return RequestChange(Change(new, [ev], set()), new_request=req)


def waiting_payment(order: Order, req: PaymentRequest, now: str) -> Payment | None:
    """The request's virtual account still waiting for its deposit (to cancel at the PG first)."""
    if req.effective_status(order.payments, now) != "awaiting_deposit":
        return None
    pay = order.payments.get(req.payment_id or "")
    return pay if pay is not None and pay.status == "pending" and pay.provider else None


def cancel(order: Order, request_id: str, *, actor: Actor, at: str, reason: str | None = None) -> RequestChange:
    """Cancel a request while nothing is paid: an open one, or one whose virtual account still waits
    (closed with it; a deposit that arrived meanwhile wins: 409)."""
    req = find(order, request_id)
    status = req.effective_status(order.payments, at)
    if status not in OPEN_STATUSES:
        raise Conflict("PAYMENT_REQUEST_CLOSED", "이미 결제되었거나 취소된 결제요청은 취소할 수 없습니다.",
                       extra={"request_id": request_id, "request_status": status})
    rc = RequestChange(Change(order.clone(), [], set()))
    if req.status == "awaiting_deposit":
        _close_waiting(rc, order, req, status, at)
    fields = {"status": "cancelled", "cancelled_at": at, "cancelled_by": actor.as_dict(), "cancel_reason": reason}
    rc.update_request(req, fields)
    rc.change.events.append(_event("payment_request_cancelled", actor, at, f"결제요청 취소 ({req.amount:,}원)",
                                   request_id=request_id, **({"reason": reason} if reason else {})))
    return rc


def _close_waiting(rc: RequestChange, order: Order, req: PaymentRequest, status: str, at: str) -> None:
    """The request's waiting account is closed: ``expired`` past its due date, else ``cancelled``."""
    pay = order.payments.get(req.payment_id or "")
    closed = "expired" if status == "expired" else "cancelled"
    if pay is None:  # written all the same, under its condition (the item refuses it)
        pay = Payment(payment_id=str(req.payment_id), method="", amount=0, status="pending")
    rc.update_payment(pay, "pending", {"status": closed, "closed_at": at})


def close_covered(rc_or_change: Change, actor: Actor, at: str) -> Update | None:
    """Money that is not the request's own arrived (a deposit, another payment): an ``open`` request
    that now asks for more than is still requestable closes in the same change, on the timeline.
    ``rc_or_change.order`` is the changed order (holding the money that arrived); answers the
    request's update (None when nothing closed)."""
    after = rc_or_change.order
    req = next((r for r in newest_first(after) if r.status == "open"), None)
    if req is None:
        return None
    pending_after = after.pending_total(at)
    if not no_longer_needed(req.amount, after, pending_after):
        return None
    fields = {"status": "cancelled", "cancelled_at": at, "cancelled_by": actor.as_dict(),
              "cancel_reason": "다른 결제로 충당되어 자동으로 닫힘", "covered": True}
    after.payment_requests[req.request_id] = req.changed(fields)
    left = requestable(after, pending_after)
    rc_or_change.events.append(_event(
        "payment_request_covered", actor, at,
        f"결제요청 {req.amount:,}원이 다른 결제로 충당되어 닫혔습니다"
        + (f" (남은 미결금액 {left:,}원은 다시 요청하세요)" if left else ""),
        request_id=req.request_id, amount=req.amount, left=left))
    return Update(req.request_id, "open", fields)


# ---- the buyer pays ------------------------------------------------------------------------------------


def payable(order: Order, request_id: str, now: str) -> tuple[PaymentRequest, str]:
    """The request and its effective status, if the buyer may pay it (409 once paid or cancelled)."""
    req = find(order, request_id)
    status = req.effective_status(order.payments, now)
    if status not in OPEN_STATUSES:
        raise Conflict("PAYMENT_REQUEST_CLOSED", "이미 결제되었거나 취소된 결제요청입니다.",
                       extra={"request_id": request_id, "request_status": status})
    return req, status


def check_card(req: PaymentRequest, status: str, amount: int) -> None:
    """A card payment is for a request not waiting for its account, for exactly its amount."""
    check_account(req, status)
    if amount != req.amount:
        raise DomainError("PAYMENT_AMOUNT_MISMATCH",
                          f"결제 금액({amount:,}원)이 결제요청 금액({req.amount:,}원)과 다릅니다.",
                          status=409, extra={"pg_amount": amount, "expected": req.amount})


def check_account(req: PaymentRequest, status: str) -> None:
    """A new virtual account is not issued while the request's account waits for its deposit."""
    if status == "awaiting_deposit":
        raise Conflict("PAYMENT_REQUEST_IN_PAYMENT", "가상계좌 입금을 기다리는 결제요청입니다.",
                       extra={"request_id": req.request_id})


def check_for_request(req: PaymentRequest, pg_order_id: str) -> None:
    """The PG's payment the buyer sent is this request's (its PG order id)."""
    if pg_order_id != req.pg_order_id:
        raise DomainError("PAYMENT_NOT_FOR_REQUEST", "이 결제요청의 결제가 아닙니다.", status=409, field="payment_key")


def check_confirmed(req: PaymentRequest, *, pg_status: str, pg_amount: int, pg_order_id: str) -> None:
    """What the PG captured (or verified) is the request's payment: paid, its amount, its PG order id."""
    if pg_status != "paid" or pg_amount != req.amount or pg_order_id != req.pg_order_id:
        raise DomainError("PAYMENT_NOT_CONFIRMED", "PG의 결제 내역이 결제요청과 일치하지 않습니다.", status=409,
                          extra={"pg_status": pg_status, "pg_amount": pg_amount, "expected": req.amount})


def check_owed(order: Order, req: PaymentRequest, now: str) -> None:
    """A request never takes more than the order still owes (a cancel or a credit since it was made
    lowered the outstanding): the admin asks again for what is left."""
    owed = requestable(order, order.pending_total(now))
    if req.amount > owed:
        raise DomainError("PAYMENT_REQUEST_EXCEEDS_OWED",
                          f"결제요청 금액({req.amount:,}원)이 지금 청구할 수 있는 금액({owed:,}원)보다 큽니다. "
                          "판매자가 결제요청을 다시 만들어야 합니다.", status=409,
                          extra={"request_id": req.request_id, "requestable": owed})


def record_payment(order: Order, req: PaymentRequest, status: str, *, payment_id: str, at: str, actor: Actor,
                   provider: str, method: Literal["card", "virtual_account"], paid: bool, pg_payment_key: str,
                   pg_order_id: str, paid_at: str | None = None, virtual_account: dict[str, Any] | None = None,
                   attempts: int | None = None) -> RequestChange:
    """The buyer's payment of ``req`` (effective ``status``): a card payment paid at once, or a
    virtual account waiting for its deposit; a request whose earlier account expired closes it."""
    amount = req.amount
    record = {"payment_id": payment_id, "method": method, "amount": amount, "status": "paid" if paid else "pending",
              "provider": provider, "pg_payment_key": pg_payment_key, "pg_order_id": pg_order_id,
              "requested_at": at, "paid_at": paid_at, "virtual_account": virtual_account,
              "payment_request_id": req.request_id}
    payment = Payment.from_item(record)  # None fields are not stored (the answer shows them as null)
    new = order.clone()
    new.payments[payment_id] = payment
    rc = RequestChange(Change(new, [], set()), new_payment=payment)
    fields: dict[str, Any] = {"status": "paid" if paid else "awaiting_deposit", "payment_id": payment_id,
                              "payment_started_at": at}
    if attempts is not None:
        fields["attempts"] = attempts
    if paid:
        fields["paid_at"] = paid_at
    if req.status == "awaiting_deposit":  # its earlier account expired unpaid
        _close_waiting(rc, order, req, status, at)
    rc.update_request(req, fields)
    closing: list[Event] = []
    if paid:
        ev = _event("payment", actor, at, f"결제요청 {amount:,}원 결제 완료 (카드)", payment_id=payment_id,
                    method=method, amount=amount, request_id=req.request_id)
        update_closed(new, closing, actor, at)
    else:
        va = virtual_account or {}
        ev = _event("payment_request_account_issued", actor, at,
                    f"결제요청 {amount:,}원: 가상계좌 발급 ({va.get('bank', '')} {va.get('account_no', '')})",
                    payment_id=payment_id, request_id=req.request_id, amount=amount)
    rc.change.events.extend([ev, *closing])
    return rc
