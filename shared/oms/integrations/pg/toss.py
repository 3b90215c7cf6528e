"""Toss Payments style adapter (API v1, Basic auth with the secret key).

Webhooks:
- virtual-account ``DEPOSIT_CALLBACK``: a flat body ``{createdAt, secret, status, transactionKey, orderId}``.
  It carries no signature: it is genuine only if ``secret`` equals the secret the PG returned when the
  account was issued (checked by the service, in constant time). ``status``: ``DONE`` deposited,
  ``CANCELED`` cancelled, ``WAITING_FOR_DEPOSIT`` after a deposit error (the deposit was reversed).
- ``PAYMENT_STATUS_CHANGED``: ``{eventType, createdAt, data: <payment>}``. Not signed either: the
  payment is looked up again through the API, and a body that disagrees with the PG is refused.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import quote

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictInt, StrictStr, ValidationError

from oms.integrations.pg import config
from oms.integrations.pg.base import (
    CashReceiptResult,
    CashReceiptType,
    IssuedAccount,
    Notification,
    PgCancel,
    PgError,
    PgPayment,
    PgStatus,
    RefundAccount,
    WebhookRejected,
    check_pg_time,
    invalid_from,
    pg_time,
    read_json_object,
)
from oms.integrations.pg.http import call

STATUS: dict[str, PgStatus] = {
    "READY": "waiting",
    "IN_PROGRESS": "waiting",
    "WAITING_FOR_DEPOSIT": "waiting",
    "DONE": "paid",
    "CANCELED": "cancelled",
    "PARTIAL_CANCELED": "partial_cancelled",
    "ABORTED": "failed",
    "EXPIRED": "expired",
}


ID_MAX = 300

#: A Toss time: an ISO-8601 string (KST when it has no offset), normalised to UTC ISO.
PgTime = Annotated[StrictStr, AfterValidator(lambda v: check_pg_time(v, "time"))]
Id = Annotated[StrictStr, Field(min_length=1, max_length=ID_MAX)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)


class DepositCallback(_Body):
    """``DEPOSIT_CALLBACK`` (virtual-account deposit / cancel / deposit error), read after its secret matched."""

    createdAt: PgTime
    secret: Id
    status: Annotated[StrictStr, Field(max_length=40)]
    orderId: Id
    transactionKey: Annotated[StrictStr, Field(max_length=ID_MAX)] | None = None


class PaymentData(_Body):
    paymentKey: Id
    status: Annotated[StrictStr, Field(max_length=40)]
    orderId: Id | None = None
    totalAmount: StrictInt | None = None
    lastTransactionKey: Annotated[StrictStr, Field(max_length=ID_MAX)] | None = None
    approvedAt: PgTime | None = None


class StatusChanged(_Body):
    """``PAYMENT_STATUS_CHANGED``, read after the payment was looked up at the PG."""

    eventType: StrictStr
    createdAt: PgTime | None = None
    data: PaymentData


class TossPayments:
    name = "toss"
    display_name = "토스페이먼츠"
    occurred_at_field = "createdAt"
    paid_at_field = "paidAt"

    def __init__(self, base_url: str | None = None, secret_key: str | None = None) -> None:
        self._base_url = base_url
        self._secret_key = secret_key

    # ---- configuration (read lazily: a webhook that fails its checks never needs the key) --------
    @property
    def base_url(self) -> str:
        return (self._base_url or config.required("TOSS_API_BASE")).rstrip("/")

    def _headers(self, idempotency_key: str | None = None) -> dict[str, str]:
        key = self._secret_key or config.required("TOSS_SECRET_KEY")
        out = {"authorization": "Basic " + base64.b64encode(f"{key}:".encode()).decode()}
        if idempotency_key:
            out["idempotency-key"] = idempotency_key
        return out

    # ---- webhooks ---------------------------------------------------------------------------------
    def parse_webhook(self, headers: Mapping[str, str], body: bytes, now: datetime) -> Notification:
        """Only what authentication needs: the order id and the presented secret of a deposit
        callback, the payment key of a status change (checked by a look-up). Nothing else of the
        body is read before the service has authenticated it (:meth:`read`)."""
        data = read_json_object(body)
        event_type = data.get("eventType")
        if event_type is None and {"secret", "orderId"} <= data.keys():
            order_id, secret = data.get("orderId"), data.get("secret")
            if not (isinstance(order_id, str) and isinstance(secret, str) and 0 < len(order_id) <= ID_MAX
                    and 0 < len(secret) <= ID_MAX):
                raise WebhookRejected("MALFORMED_BODY", "orderId and secret must be strings")
            return Notification(provider=self.name, kind="deposit", identity="", pg_order_id=order_id,
                                payment_key=None, status="unknown", occurred_at="", event_type="DEPOSIT_CALLBACK",
                                presented_secret=secret, raw=data)
        if event_type == "PAYMENT_STATUS_CHANGED":
            p = data.get("data")
            key = p.get("paymentKey") if isinstance(p, dict) else None
            if not isinstance(key, str) or not 0 < len(key) <= ID_MAX:
                raise WebhookRejected("MALFORMED_BODY", "data.paymentKey (a string) is required")
            return Notification(provider=self.name, kind="status", identity="", pg_order_id=None, payment_key=key,
                                status="unknown", occurred_at="", event_type=event_type, needs_lookup=True,
                                raw=data)
        if isinstance(event_type, str) and len(event_type) <= ID_MAX:
            # another event type: nothing is done with it, nothing of it is read
            return Notification(provider=self.name, kind="other", identity=f"toss:other:{event_type}",
                                pg_order_id=None, payment_key=None, status="unknown", occurred_at="",
                                event_type=event_type, read=True)
        raise WebhookRejected("UNKNOWN_EVENT", "neither a deposit callback nor an eventType")

    def read(self, note: Notification) -> Notification:
        if note.read:
            return note
        if note.kind == "deposit":
            try:
                d = DepositCallback.model_validate(note.raw)
            except ValidationError as exc:
                raise invalid_from(exc) from None
            return replace(
                note, identity=f"toss:deposit:{d.orderId}:{d.transactionKey or ''}:{d.status}",
                status=STATUS.get(d.status, "unknown"), occurred_at=d.createdAt,
                transaction_key=d.transactionKey or None,
                raw={k: v for k, v in note.raw.items() if k != "secret"}, read=True)
        try:
            e = StatusChanged.model_validate(note.raw)
        except ValidationError as exc:
            raise invalid_from(exc) from None
        p = e.data
        marker = p.lastTransactionKey or p.approvedAt or e.createdAt or ""
        return replace(
            note, identity=f"toss:psc:{p.paymentKey}:{p.status}:{marker}", pg_order_id=p.orderId,
            status=STATUS.get(p.status, "unknown"), occurred_at=e.createdAt or "",
            raw=p.model_dump(exclude_none=True), read=True)

    def disagreement(self, note: Notification, looked_up: PgPayment) -> str | None:
        """A status-change notice is unsigned: its status and ``totalAmount`` must be the PG's."""
        body_amount = note.raw.get("totalAmount")
        if looked_up.status != note.status or (body_amount is not None and body_amount != looked_up.amount):
            return f"body {note.status}/{body_amount}, PG {looked_up.status}/{looked_up.amount}"
        return None

    # ---- API --------------------------------------------------------------------------------------
    def to_payment(self, p: dict[str, Any]) -> PgPayment:
        cancels = [
            PgCancel(key=str(c.get("transactionKey") or f"cancel-{i}"), amount=int(c.get("cancelAmount") or 0),
                     at=pg_time(c.get("canceledAt")) or "", reason=str(c.get("cancelReason") or ""))
            for i, c in enumerate(p.get("cancels") or [])
        ]
        va = p.get("virtualAccount") or {}
        return PgPayment(
            provider=self.name, payment_key=str(p.get("paymentKey") or ""), pg_order_id=str(p.get("orderId") or ""),
            status=STATUS.get(str(p.get("status")), "unknown"), amount=int(p.get("totalAmount") or 0),
            paid_at=pg_time(p.get("approvedAt")) if p.get("status") in ("DONE", "PARTIAL_CANCELED", "CANCELED")
            else None,
            method="virtual_account" if va or p.get("method") == "가상계좌" else p.get("method"),
            cancels=cancels,
        )

    def get_payment(self, payment_key: str) -> PgPayment:
        return self.to_payment(call("GET", f"{self.base_url}/v1/payments/{quote(payment_key, safe='')}",
                                    headers=self._headers()))

    def find_payment(self, pg_order_id: str) -> PgPayment:
        """``GET /v1/payments/orders/{orderId}`` (결제 조회, by the order id we gave the PG)."""
        return self.to_payment(call("GET", f"{self.base_url}/v1/payments/orders/{quote(pg_order_id, safe='')}",
                                    headers=self._headers()))

    def confirm(self, payment_key: str, *, pg_order_id: str, amount: int) -> PgPayment:
        """``POST /v1/payments/confirm`` (결제 승인) with the amount we expect; the same call again (an
        answer lost on the way) is ``ALREADY_PROCESSED_PAYMENT``: the payment is looked up instead."""
        body = {"paymentKey": payment_key, "orderId": pg_order_id, "amount": amount}
        try:
            return self.to_payment(call("POST", f"{self.base_url}/v1/payments/confirm",
                                        headers=self._headers(f"confirm-{payment_key}"), json=body))
        except PgError as exc:
            if exc.code == "ALREADY_PROCESSED_PAYMENT":
                return self.get_payment(payment_key)
            raise

    def cancel(self, payment_key: str, *, reason: str, amount: int | None = None,
               refund_account: RefundAccount | None = None, idempotency_key: str | None = None) -> PgPayment:
        body: dict[str, Any] = {"cancelReason": reason}
        if amount is not None:
            body["cancelAmount"] = amount
        if refund_account is not None:
            body["refundReceiveAccount"] = {"bank": refund_account.bank, "accountNumber": refund_account.account_no,
                                            "holderName": refund_account.holder}
        p = self.to_payment(call("POST", f"{self.base_url}/v1/payments/{quote(payment_key, safe='')}/cancel",
                                 headers=self._headers(idempotency_key), json=body))
        p.made = p.cancels[-1] if p.cancels else None  # the answer lists the cancels, this one last
        return p

    def issue_cash_receipt(self, *, payment_key: str, pg_order_id: str, order_name: str, amount: int,
                           receipt_type: CashReceiptType, identity_number: str,
                           idempotency_key: str | None = None) -> CashReceiptResult:
        body = {"amount": amount, "orderId": pg_order_id, "orderName": order_name,
                "customerIdentityNumber": identity_number, "type": receipt_type}
        try:
            r = call("POST", f"{self.base_url}/v1/cash-receipts", headers=self._headers(idempotency_key),
                     json=body)
        except PgError as exc:
            if exc.retryable:
                raise
            return CashReceiptResult("failed", failure_reason=f"{exc.code}: {exc.message}")
        if r.get("issueStatus") == "FAILED":
            failure = r.get("failure") or {}
            return CashReceiptResult("failed", receipt_key=r.get("receiptKey"),
                                     failure_reason=f"{failure.get('code', 'FAILED')}: {failure.get('message', '')}")
        return CashReceiptResult("issued", receipt_key=r.get("receiptKey"), issue_number=r.get("issueNumber"),
                                 at=pg_time(r.get("requestedAt")))

    def cancel_cash_receipt(self, *, payment_key: str, receipt_key: str,
                            amount: int | None = None) -> CashReceiptResult:
        body: dict[str, Any] = {} if amount is None else {"amount": amount}
        r = call("POST", f"{self.base_url}/v1/cash-receipts/{quote(receipt_key, safe='')}/cancel",
                 headers=self._headers(), json=body)
        return CashReceiptResult("cancelled", receipt_key=receipt_key, at=pg_time(r.get("canceledAt")))

    def issue_virtual_account(self, *, pg_order_id: str, amount: int, order_name: str, customer_name: str,
                              valid_hours: int = 72) -> IssuedAccount:
        body = {"orderId": pg_order_id, "amount": amount, "orderName": order_name, "customerName": customer_name,
                "validHours": valid_hours}
        r = call("POST", f"{self.base_url}/v1/virtual-accounts", headers=self._headers(pg_order_id), json=body)
        va = r.get("virtualAccount") or {}
        return IssuedAccount(payment=self.to_payment(r), bank=str(va.get("bank") or ""),
                             account_no=str(va.get("accountNumber") or ""), holder=str(va.get("customerName") or ""),
                             due_at=pg_time(va.get("dueDate")), secret=r.get("secret"))
