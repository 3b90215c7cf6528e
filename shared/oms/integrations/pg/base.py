"""The PG port: what the order management needs from a payment gateway, whatever its API.

Adapters turn a PG's webhook into a :class:`Notification` (after checking what can be checked from
the request alone: signature, timestamp, shape) and answer look-ups, cancels and cash receipts with
the normalised types below. Times are UTC ISO-8601 (``oms.domain.clock.iso``), money int KRW.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol

from pydantic import ValidationError

from oms.domain.clock import KST, iso

#: Normalised payment states (every PG maps its own names onto these).
PgStatus = Literal["waiting", "paid", "cancelled", "partial_cancelled", "expired", "failed", "unknown"]
NotificationKind = Literal["deposit", "status", "va_issued", "other"]
CashReceiptType = Literal["소득공제", "지출증빙"]


class PgError(Exception):
    """The PG answered with an error (``code``/``message`` as the PG gave them) or could not be reached."""

    def __init__(self, code: str, message: str, *, retryable: bool = False, status: int | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.retryable = retryable
        self.status = status


class WebhookRejected(Exception):
    """The callback is not genuine (bad signature/secret) or not current (stale timestamp)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


class WebhookInvalid(Exception):
    """An authenticated callback whose body its model refuses (answered 422, ``field`` named)."""

    def __init__(self, field: str, detail: str) -> None:
        super().__init__(f"{field}: {detail}")
        self.field = field
        self.detail = detail


#: Bodies larger than this are not read at all (PG callbacks are a few hundred bytes).
MAX_WEBHOOK_BYTES = 64 * 1024


def read_json_object(body: bytes) -> dict[str, Any]:
    """The body as a JSON object, or :class:`WebhookRejected` (bad UTF-8, bad JSON, too deep, not an object)."""
    if len(body) > MAX_WEBHOOK_BYTES:
        raise WebhookRejected("MALFORMED_BODY", f"body larger than {MAX_WEBHOOK_BYTES} bytes")
    try:
        data = json.loads(body.decode("utf-8") if body else "{}")
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise WebhookRejected("MALFORMED_BODY", type(exc).__name__) from None
    if not isinstance(data, dict):
        raise WebhookRejected("MALFORMED_BODY", "not an object")
    return data


def invalid_from(exc: ValidationError, prefix: str = "") -> WebhookInvalid:
    """The first error of a pydantic validation, as :class:`WebhookInvalid`."""
    first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid"}
    loc = ".".join(str(p) for p in first.get("loc", ()))
    return WebhookInvalid(f"{prefix}{loc}" if loc else (prefix.rstrip(".") or "body"), str(first.get("msg")))


def check_pg_time(value: str, field_name: str) -> str:
    """A PG time as UTC ISO: an ISO-8601 string (no offset = KST) in a plausible range, else ValueError."""
    if not isinstance(value, str) or not value:
        raise ValueError("an ISO-8601 date-time string is required")
    try:
        out = pg_time(value)
    except (ValueError, TypeError, OverflowError) as exc:
        raise ValueError(f"not an ISO-8601 date-time: {exc}") from None
    assert out is not None
    year = int(out[:4])
    if not 2000 <= year <= 2200:
        raise ValueError(f"{field_name} out of range")
    return out


@dataclass(frozen=True)
class PgCancel:
    """One cancellation (refund) the PG made; ``key`` is the PG's id for it (idempotency of refunds)."""

    key: str
    amount: int
    at: str
    reason: str = ""


@dataclass
class PgPayment:
    """A payment as the PG sees it now (from a look-up or a cancel)."""

    provider: str
    payment_key: str
    pg_order_id: str
    status: PgStatus
    amount: int
    paid_at: str | None = None
    method: str | None = None
    cancels: list[PgCancel] = field(default_factory=list)
    #: set on the answer of :meth:`PaymentGateway.cancel`: the cancellation that call made
    made: PgCancel | None = None

    @property
    def cancelled_amount(self) -> int:
        return sum(c.amount for c in self.cancels)


@dataclass
class Notification:
    """A webhook, parsed. ``identity`` is the provider's event identity (the idempotency key).

    ``presented_secret`` is set for deposit callbacks that authenticate with the per-account secret
    (checked by the service against the secret stored when the account was issued);
    ``needs_lookup`` means the body is a hint only and the truth comes from :meth:`PaymentGateway.get_payment`.

    :meth:`PaymentGateway.parse_webhook` fills only what authentication needs (``read`` is False);
    :meth:`PaymentGateway.read` fills the rest from the body's model once the caller is authenticated.
    """

    provider: str
    kind: NotificationKind
    identity: str
    pg_order_id: str | None
    payment_key: str | None
    status: PgStatus
    occurred_at: str
    event_type: str
    needs_lookup: bool = False
    presented_secret: str | None = None
    transaction_key: str | None = None
    raw: dict[str, Any] = field(default_factory=dict)
    read: bool = False


@dataclass(frozen=True)
class CashReceiptResult:
    status: Literal["issued", "failed", "cancelled"]
    receipt_key: str | None = None
    issue_number: str | None = None
    failure_reason: str | None = None
    at: str | None = None


@dataclass(frozen=True)
class IssuedAccount:
    """A virtual account the PG issued for a payment: where the buyer deposits, and the secret its
    deposit callback presents (Toss style; None where callbacks are signed instead)."""

    payment: PgPayment
    bank: str
    account_no: str
    holder: str
    due_at: str | None
    secret: str | None = None


@dataclass(frozen=True)
class RefundAccount:
    bank: str
    account_no: str
    holder: str


class PaymentGateway(Protocol):
    """One PG. Adapters: :mod:`oms.integrations.pg.toss`, :mod:`oms.integrations.pg.portone`."""

    name: str
    display_name: str
    #: the PG's own names of the fields a refusal of its callback points at: when the event
    #: happened, when the payment was paid
    occurred_at_field: str
    paid_at_field: str

    def parse_webhook(self, headers: Mapping[str, str], body: bytes, now: datetime) -> Notification:
        """Check what the request alone proves (signature, timestamp) and take out only what the
        service needs to authenticate it (ids, presented secret); raise WebhookRejected. The body is
        not read by its model here."""
        ...

    def read(self, note: Notification) -> Notification:
        """After authentication: the body read by its model (times, statuses, ids); raise WebhookInvalid."""
        ...

    def disagreement(self, note: Notification, looked_up: PgPayment) -> str | None:
        """Why a notice that the look-up authenticates (``needs_lookup``) is not what the PG's own
        record says — forged or stale: rejected —, or None when it agrees (or its signature proved it)."""
        ...

    def get_payment(self, payment_key: str) -> PgPayment:
        """The payment as the PG holds it now, by the PG's payment key (404: PgError status 404)."""
        ...

    def find_payment(self, pg_order_id: str) -> PgPayment:
        """The payment as the PG holds it now, by the order id we gave the PG."""
        ...

    def confirm(self, payment_key: str, *, pg_order_id: str, amount: int) -> PgPayment:
        """Capture a card payment the buyer approved in the PG's window, for exactly ``amount`` of our
        ``pg_order_id`` (Toss: ``POST /v1/payments/confirm``; PortOne: captured by the window, verified
        by a look-up by id). A payment captured already answers as it is now."""
        ...

    def cancel(self, payment_key: str, *, reason: str, amount: int | None = None,
               refund_account: RefundAccount | None = None, idempotency_key: str | None = None) -> PgPayment:
        """Cancel (refund) ``amount`` (None = the whole remaining amount); the answer's ``made`` is the
        cancellation this call made (the same one again for the same ``idempotency_key``)."""
        ...

    def issue_cash_receipt(self, *, payment_key: str, pg_order_id: str, order_name: str, amount: int,
                           receipt_type: CashReceiptType, identity_number: str,
                           idempotency_key: str | None = None) -> CashReceiptResult:
        """Issue a receipt; the same ``idempotency_key`` again answers the first issue, never a second one."""
        ...

    def issue_virtual_account(self, *, pg_order_id: str, amount: int, order_name: str, customer_name: str,
                              valid_hours: int = 72) -> IssuedAccount:
        """Issue a virtual account for ``amount`` (a payment request paid by deposit)."""
        ...

    def cancel_cash_receipt(self, *, payment_key: str, receipt_key: str,
                            amount: int | None = None) -> CashReceiptResult:
        ...


def pg_time(value: str | None) -> str | None:
    """A PG timestamp as UTC ISO; a time without offset is KST (how Korean PGs write it)."""
    if not value:
        return None
    dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=KST)
    return iso(dt)


def header(headers: Mapping[str, str], name: str) -> str | None:
    """Case-insensitive header look-up (API Gateway lower-cases, tests may not)."""
    name = name.lower()
    for k, v in headers.items():
        if k.lower() == name:
            return v
    return None
