"""PortOne V2 style adapter (``Authorization: PortOne <API secret>``).

Webhooks follow Standard Webhooks (:mod:`oms.integrations.pg.standard_webhooks`): signed with a
``whsec_`` secret (``PORTONE_WEBHOOK_SECRET``, comma-separated while a secret is rotated), ±5 minutes.
Types handled: ``Transaction.Paid``, ``Transaction.VirtualAccountIssued``, ``Transaction.Cancelled``,
``Transaction.PartialCancelled``. The body names the payment only; its state and amounts come from
``GET /payments/{paymentId}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import quote

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictStr, ValidationError

from oms.integrations.pg import config, standard_webhooks
from oms.integrations.pg.base import (
    CashReceiptResult,
    CashReceiptType,
    IssuedAccount,
    Notification,
    NotificationKind,
    PgCancel,
    PgError,
    PgPayment,
    PgStatus,
    RefundAccount,
    WebhookInvalid,
    WebhookRejected,
    check_pg_time,
    invalid_from,
    pg_time,
    read_json_object,
)
from oms.integrations.pg.http import call

STATUS: dict[str, PgStatus] = {
    "READY": "waiting",
    "PENDING": "waiting",
    "VIRTUAL_ACCOUNT_ISSUED": "waiting",
    "PAID": "paid",
    "CANCELLED": "cancelled",
    "PARTIAL_CANCELLED": "partial_cancelled",
    "FAILED": "failed",
}

EVENTS: dict[str, tuple[NotificationKind, PgStatus]] = {
    "Transaction.Paid": ("status", "paid"),
    "Transaction.VirtualAccountIssued": ("va_issued", "waiting"),
    "Transaction.Cancelled": ("status", "cancelled"),
    "Transaction.PartialCancelled": ("status", "partial_cancelled"),
}

Id = Annotated[StrictStr, Field(min_length=1, max_length=300)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)


class WebhookData(_Body):
    paymentId: Id | None = None
    transactionId: Id | None = None
    storeId: Id | None = None
    cancellationId: Id | None = None


class Webhook(_Body):
    """A PortOne V2 webhook body, read after its signature was verified."""

    type: Annotated[StrictStr, Field(max_length=100)]
    timestamp: Annotated[StrictStr, AfterValidator(lambda v: check_pg_time(v, "timestamp"))] | None = None
    data: WebhookData | None = None


RECEIPT_TYPES = {"소득공제": "PERSONAL", "지출증빙": "CORPORATE"}


class PortOne:
    name = "portone"
    display_name = "포트원"
    occurred_at_field = "timestamp"
    paid_at_field = "paidAt"

    def __init__(self, base_url: str | None = None, api_secret: str | None = None,
                 webhook_secrets: list[str] | None = None, store_id: str | None = None) -> None:
        self._base_url = base_url
        self._api_secret = api_secret
        self._webhook_secrets = webhook_secrets
        self._store_id = store_id

    @property
    def base_url(self) -> str:
        return (self._base_url or config.required("PORTONE_API_BASE")).rstrip("/")

    @property
    def store_id(self) -> str | None:
        return self._store_id or config.value("PORTONE_STORE_ID")

    def _headers(self, idempotency_key: str | None = None) -> dict[str, str]:
        out = {"authorization": f"PortOne {self._api_secret or config.required('PORTONE_API_SECRET')}"}
        if idempotency_key:
            out["idempotency-key"] = f'"{idempotency_key}"'
        return out

    # ---- webhooks ---------------------------------------------------------------------------------
    def parse_webhook(self, headers: Mapping[str, str], body: bytes, now: datetime) -> Notification:
        """The signature and timestamp are checked on the raw bytes first; only then is the body
        decoded (its model is applied in :meth:`read`)."""
        secrets = self._webhook_secrets if self._webhook_secrets is not None \
            else config.secrets_list("PORTONE_WEBHOOK_SECRET")
        msg_id, _ = standard_webhooks.verify(secrets, headers, body, now)
        try:
            data = read_json_object(body)
        except WebhookRejected as exc:  # signed but not JSON: the sender is genuine, its body is not readable
            raise WebhookInvalid("body", exc.detail) from None
        return Notification(provider=self.name, kind="other", identity=f"portone:{msg_id}", pg_order_id=None,
                            payment_key=None, status="unknown", occurred_at="", event_type="", raw=data)

    def read(self, note: Notification) -> Notification:
        if note.read:
            return note
        try:
            w = Webhook.model_validate(note.raw)
        except ValidationError as exc:
            raise invalid_from(exc) from None
        kind, status = EVENTS.get(w.type, ("other", "unknown"))
        payment_id = w.data.paymentId if w.data else None
        if kind != "other" and not payment_id:
            raise WebhookInvalid("data.paymentId", "data.paymentId is required")
        return replace(
            note, kind=kind, pg_order_id=payment_id, payment_key=payment_id, status=status,
            occurred_at=w.timestamp or "", event_type=w.type, needs_lookup=kind == "status",
            transaction_key=w.data.transactionId if w.data else None,
            raw=w.data.model_dump(exclude_none=True) if w.data else {}, read=True)

    def disagreement(self, note: Notification, looked_up: PgPayment) -> str | None:
        """Signed (Standard Webhooks): the look-up only supplies the facts, the body is not compared."""
        return None

    # ---- API --------------------------------------------------------------------------------------
    def to_payment(self, p: dict[str, Any]) -> PgPayment:
        cancels = [
            PgCancel(key=str(c.get("id")), amount=int(c.get("totalAmount") or 0),
                     at=pg_time(c.get("cancelledAt")) or "", reason=str(c.get("reason") or ""))
            for c in p.get("cancellations") or []
            if c.get("status", "SUCCEEDED") == "SUCCEEDED"
        ]
        method = (p.get("method") or {}).get("type")
        return PgPayment(
            provider=self.name, payment_key=str(p.get("id") or ""), pg_order_id=str(p.get("id") or ""),
            status=STATUS.get(str(p.get("status")), "unknown"), amount=int((p.get("amount") or {}).get("total") or 0),
            paid_at=pg_time(p.get("paidAt")),
            method="virtual_account" if method == "PaymentMethodVirtualAccount" else method,
            cancels=cancels,
        )

    def _payment_url(self, payment_id: str) -> str:
        return f"{self.base_url}/payments/{quote(payment_id, safe='')}"

    def get_payment(self, payment_key: str) -> PgPayment:
        return self.to_payment(call("GET", self._payment_url(payment_key), headers=self._headers()))

    def find_payment(self, pg_order_id: str) -> PgPayment:
        """Our payment id is the PortOne ``paymentId``: ``GET /payments/{paymentId}``."""
        return self.get_payment(pg_order_id)

    def confirm(self, payment_key: str, *, pg_order_id: str, amount: int) -> PgPayment:
        """PortOne V2 captures when the buyer completes the window: the merchant verifies the payment
        by its id (the caller compares status, id and amount, and cancels what it cannot record)."""
        return self.get_payment(payment_key)

    def cancel(self, payment_key: str, *, reason: str, amount: int | None = None,
               refund_account: RefundAccount | None = None, idempotency_key: str | None = None) -> PgPayment:
        body: dict[str, Any] = {"reason": reason}
        if self.store_id:
            body["storeId"] = self.store_id
        if amount is not None:
            body["amount"] = amount
        if refund_account is not None:
            body["refundAccount"] = {"bank": refund_account.bank, "number": refund_account.account_no,
                                     "holderName": refund_account.holder}
        r = call("POST", self._payment_url(payment_key) + "/cancel", headers=self._headers(idempotency_key),
                 json=body)
        p = self.get_payment(payment_key)
        got = r.get("cancellation")
        c: dict[str, Any] = got if isinstance(got, dict) else {}
        if c.get("id"):
            p.made = next((x for x in p.cancels if x.key == str(c["id"])), None) or PgCancel(
                key=str(c["id"]), amount=int(c.get("totalAmount") or 0), at=pg_time(c.get("cancelledAt")) or "",
                reason=reason)
        return p

    def issue_cash_receipt(self, *, payment_key: str, pg_order_id: str, order_name: str, amount: int,
                           receipt_type: CashReceiptType, identity_number: str,
                           idempotency_key: str | None = None) -> CashReceiptResult:
        body: dict[str, Any] = {"paymentId": payment_key, "type": RECEIPT_TYPES[receipt_type], "orderName": order_name,
                                "currency": "KRW", "amount": {"total": amount},
                                "customer": {"identityNumber": identity_number}}
        if self.store_id:
            body["storeId"] = self.store_id
        try:
            r = call("POST", f"{self.base_url}/cash-receipts", headers=self._headers(idempotency_key), json=body)
        except PgError as exc:
            if exc.retryable:
                raise
            return CashReceiptResult("failed", failure_reason=f"{exc.code}: {exc.message}")
        cr = r.get("cashReceipt") or r
        return CashReceiptResult("issued", receipt_key=payment_key, issue_number=cr.get("issueNumber"),
                                 at=pg_time(cr.get("issuedAt")))

    def cancel_cash_receipt(self, *, payment_key: str, receipt_key: str,
                            amount: int | None = None) -> CashReceiptResult:
        r = call("POST", self._payment_url(payment_key) + "/cash-receipt/cancel", headers=self._headers(), json={})
        return CashReceiptResult("cancelled", receipt_key=receipt_key, at=pg_time(r.get("cancelledAt")))

    def issue_virtual_account(self, *, pg_order_id: str, amount: int, order_name: str, customer_name: str,
                              valid_hours: int = 72) -> IssuedAccount:
        body: dict[str, Any] = {"orderName": order_name, "amount": {"total": amount}, "currency": "KRW",
                                "customer": {"name": customer_name},
                                "method": {"virtualAccount": {"expiry": {"validHours": valid_hours}}}}
        if self.store_id:
            body["storeId"] = self.store_id
        call("POST", self._payment_url(pg_order_id) + "/instant", headers=self._headers(pg_order_id), json=body)
        p = call("GET", self._payment_url(pg_order_id), headers=self._headers())
        m = p.get("method") or {}
        return IssuedAccount(payment=self.to_payment(p), bank=str(m.get("bank") or ""),
                             account_no=str(m.get("accountNumber") or ""), holder=str(m.get("remitteeName") or ""),
                             due_at=pg_time(m.get("expiredAt")))
