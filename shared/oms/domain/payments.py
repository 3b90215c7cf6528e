"""Payments of an order (docs/domain.md, "Payments and payment requests"): the payment record with
its refund requests and the buyer's receipt request, and :class:`PaymentChange`, what a rule of a
payment decides. The rules: money coming in (deposits, outside payments, deposit errors,
virtual-account expiry) in :mod:`oms.domain.deposits`; money going out (refunds recorded from the
PG or requested through it, 강제완료, the refund plan) in :mod:`oms.domain.payouts`; cash receipts in
:mod:`oms.domain.cash_receipts`; 결제요청 in :mod:`oms.domain.payment_requests`.

A :class:`Payment` belongs to its order (``order.payments``): what the order has been paid and
refunded is derived from them (``Order.paid_total``, ``Order.refunded_total``). Each rule takes the
order and the payment as loaded and returns a :class:`PaymentChange` — the order :class:`Change`
(whose order holds the changed payment) plus the fields to set on the payment item and the payment
status the item must still have when the change commits (so a deposit that the callback and an
admin both deliver is counted once).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Literal

from oms.domain.clock import iso, parse_iso
from oms.domain.errors import NotFound
from oms.domain.order import Change, Order

PaymentStatus = Literal["pending", "paid", "partial_cancelled", "cancelled", "expired", "deposit_error"]
#: statuses of a payment whose money came in (a "cancelled" one only if it was refunded, not closed unpaid)
PAID_STATUSES = ("paid", "partial_cancelled", "cancelled")
#: a deposit made just before the due time may be reported a little later: still on its way
GRACE = timedelta(hours=1)
#: the fields of the stored record that are not the payment's own (keys, item type)
_NOT_RECORD = frozenset({"PK", "SK", "type"})

RefundRequestStatus = Literal["reserved", "done", "failed"]


@dataclass
class RefundRequest:
    """One admin refund request (``RFD#<payment>#<request>``): its amount is reserved on the payment
    before the PG is called, under its own idempotency key, so a retry after a crash completes it."""

    request_id: str
    payment_id: str
    amount: int
    reason: str
    idempotency_key: str
    status: RefundRequestStatus
    requested_at: str
    requested_by: dict[str, Any]
    refund_account: dict[str, str] | None = None
    refund_key: str | None = None
    failure_reason: str | None = None

    @staticmethod
    def from_item(item: dict[str, Any]) -> RefundRequest:
        return RefundRequest(
            request_id=str(item["request_id"]), payment_id=str(item["payment_id"]), amount=int(item["amount"]),
            reason=str(item.get("reason") or ""), idempotency_key=str(item["idempotency_key"]),
            status=item["status"], requested_at=str(item["requested_at"]), requested_by=dict(item["requested_by"]),
            refund_account=dict(item["refund_account"]) if item.get("refund_account") else None,
            refund_key=item.get("refund_key"), failure_reason=item.get("failure_reason"))


@dataclass(frozen=True)
class ReceiptRequest:
    """The buyer's cash-receipt request at checkout (``CRREQ#<payment>``, the full identity number,
    needed to issue it): never part of an answer."""

    receipt_type: str
    identity_number: str


@dataclass
class Payment:
    """One payment of the order (``PAY#<id>``): the fields its rules read, its refund requests and
    the buyer's receipt request, and ``record`` — every stored field as read, what the detail shows."""

    payment_id: str
    method: str
    amount: int
    status: str
    provider: str | None = None
    pg_payment_key: str | None = None
    pg_order_id: str | None = None
    paid_at: str | None = None
    refunded_amount: int = 0
    #: refunded + reserved by refund requests still in flight (never above ``amount``)
    refund_claimed: int = 0
    refunds: dict[str, dict[str, Any]] = field(default_factory=dict)
    cash_receipt: dict[str, Any] | None = None
    cash_receipt_request: dict[str, Any] | None = None
    requested_at: str | None = None
    virtual_account: dict[str, Any] | None = None
    payment_request_id: str | None = None
    #: refund requests through the PG on this payment, by request id (``RFD#`` items)
    refund_requests: dict[str, RefundRequest] = field(default_factory=dict)
    receipt_request: ReceiptRequest | None = None
    record: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.record:  # a payment made in memory: its record is its non-empty fields
            skip = ("refund_requests", "receipt_request", "record")
            self.record = {k: v for k, v in vars(self).items() if (k not in skip and v not in (None, {}, 0))
                           or k in ("amount", "payment_id", "status", "method")}

    @staticmethod
    def from_item(item: dict[str, Any]) -> Payment:
        """The payment of a stored record (numbers already ints)."""
        record = {k: v for k, v in item.items() if k not in _NOT_RECORD}
        return Payment(
            payment_id=str(item["payment_id"]),
            method=str(item["method"]),
            amount=int(item["amount"]),
            status=str(item["status"]),
            provider=item.get("provider"),
            pg_payment_key=item.get("pg_payment_key"),
            pg_order_id=item.get("pg_order_id"),
            paid_at=item.get("paid_at"),
            refunded_amount=int(item.get("refunded_amount") or 0),
            refund_claimed=int(item.get("refund_claimed") or item.get("refunded_amount") or 0),
            refunds=dict(item.get("refunds") or {}),
            cash_receipt=dict(item["cash_receipt"]) if item.get("cash_receipt") else None,
            cash_receipt_request=dict(item["cash_receipt_request"]) if item.get("cash_receipt_request") else None,
            requested_at=item.get("requested_at"),
            virtual_account=dict(item["virtual_account"]) if item.get("virtual_account") else None,
            payment_request_id=item.get("payment_request_id"),
            record=record,
        )

    def view(self) -> dict[str, Any]:
        """The stored fields (what the detail shows)."""
        return dict(self.record)

    def changed(self, fields: dict[str, Any], claim_delta: int = 0) -> Payment:
        """This payment once ``fields`` are set (None: removed) and ``claim_delta`` is added to
        ``refund_claimed`` — exactly what :func:`oms.store.payments.record_payment_change` writes."""
        record = self.view()
        for k, v in fields.items():
            if v is None:
                record.pop(k, None)
            else:
                record[k] = v
        if claim_delta:
            record["refund_claimed"] = int(record.get("refund_claimed", self.refunded_amount)) + claim_delta
        new = Payment.from_item(record)
        new.refund_requests = dict(self.refund_requests)
        new.receipt_request = self.receipt_request
        return new

    @property
    def came_in(self) -> bool:
        """The money of this payment reached the shop (it counts in what the order was paid)."""
        return self.status in ("paid", "partial_cancelled") or (self.status == "cancelled" and self.refunded_amount > 0)

    def past_due(self, now: str) -> bool:
        """Its virtual account's due date (and the grace hour) has passed."""
        due = str((self.virtual_account or {}).get("due_at") or "")
        return bool(due) and iso(parse_iso(due) + GRACE) < now

    def on_its_way(self, now: str) -> bool:
        """Waiting for its deposit, and not past its due date: counts as covered (결제요청)."""
        return self.status == "pending" and not self.past_due(now)

    @property
    def remaining(self) -> int:
        return self.amount - self.refunded_amount

    @property
    def refund_reserved(self) -> int:
        """Reserved by refund requests that are at the PG now (or were interrupted there)."""
        return max(0, self.refund_claimed - self.refunded_amount)

    @property
    def refundable(self) -> int:
        """What a new refund request may still reserve."""
        return max(0, self.amount - self.refund_claimed)


@dataclass
class PaymentChange:
    change: Change
    payment_set: dict[str, Any]
    #: the payment item's status must still be this one when the change commits
    expect_status: str
    #: added to the payment's ``refund_claimed`` (atomically: refund reservations change it without
    #: the order's version)
    claim_delta: int = 0
    #: (request id, fields) of the refund request this change completes (it must still be reserved)
    refund_request: tuple[str, dict[str, Any]] | None = None

    def land(self, payment: Payment) -> PaymentChange:
        """Put the changed payment (and refund request) into the changed order: the order holds what
        the store writes."""
        after = payment.changed(self.payment_set, self.claim_delta)
        if self.refund_request is not None:
            rid, fields = self.refund_request
            req = after.refund_requests.get(rid)
            if req is not None:
                after.refund_requests[rid] = RefundRequest.from_item({**vars(req), **fields})
        self.change.order.payments[payment.payment_id] = after
        return self


def pick(order: Order, payment_id: str | None) -> Payment:
    """One of the order's payments (``None``: the pending one, else the latest); 404 when absent."""
    if payment_id is not None:
        if payment_id not in order.payments:
            raise NotFound("payment", payment_id)
        return order.payments[payment_id]
    if not order.payments:
        raise NotFound("payment", order.order_id)
    return sorted(order.payments.values(), key=lambda p: (p.status != "pending", p.requested_at or ""))[0]
