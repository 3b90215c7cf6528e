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
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import quote

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
    pg_time,
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


class TossPayments:
    name = "toss"
    display_name = "토스페이먼츠"

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
        try:
            data = json.loads(body or b"{}")
        except ValueError as exc:
            raise WebhookRejected("MALFORMED_BODY", str(exc)) from exc
        if not isinstance(data, dict):
            raise WebhookRejected("MALFORMED_BODY", "not an object")
        event_type = data.get("eventType")
        if event_type == "PAYMENT_STATUS_CHANGED" and isinstance(data.get("data"), dict):
            p = data["data"]
            key, status = str(p.get("paymentKey") or ""), str(p.get("status") or "")
            if not key or not status:
                raise WebhookRejected("MALFORMED_BODY", "data.paymentKey and data.status are required")
            marker = p.get("lastTransactionKey") or p.get("approvedAt") or data.get("createdAt") or ""
            return Notification(
                provider=self.name, kind="status", identity=f"toss:psc:{key}:{status}:{marker}",
                pg_order_id=p.get("orderId"), payment_key=key, status=STATUS.get(status, "unknown"),
                occurred_at=pg_time(data.get("createdAt")) or "", event_type=event_type, needs_lookup=True,
                raw=p,
            )
        if event_type is None and {"secret", "status", "orderId"} <= data.keys():
            status = str(data["status"])
            tx = str(data.get("transactionKey") or "")
            return Notification(
                provider=self.name, kind="deposit",
                identity=f"toss:deposit:{data['orderId']}:{tx}:{status}",
                pg_order_id=str(data["orderId"]), payment_key=None, status=STATUS.get(status, "unknown"),
                occurred_at=pg_time(data.get("createdAt")) or "", event_type="DEPOSIT_CALLBACK",
                presented_secret=str(data["secret"]), transaction_key=tx or None,
                raw={k: v for k, v in data.items() if k != "secret"},
            )
        if isinstance(event_type, str):
            return Notification(provider=self.name, kind="other", identity=f"toss:other:{event_type}",
                                pg_order_id=None, payment_key=None, status="unknown",
                                occurred_at=pg_time(data.get("createdAt")) or "", event_type=event_type)
        raise WebhookRejected("UNKNOWN_EVENT", "neither a deposit callback nor an eventType")

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

    def cancel(self, payment_key: str, *, reason: str, amount: int | None = None,
               refund_account: RefundAccount | None = None, idempotency_key: str | None = None) -> PgPayment:
        body: dict[str, Any] = {"cancelReason": reason}
        if amount is not None:
            body["cancelAmount"] = amount
        if refund_account is not None:
            body["refundReceiveAccount"] = {"bank": refund_account.bank, "accountNumber": refund_account.account_no,
                                            "holderName": refund_account.holder}
        return self.to_payment(call("POST", f"{self.base_url}/v1/payments/{quote(payment_key, safe='')}/cancel",
                                    headers=self._headers(idempotency_key), json=body))

    def issue_cash_receipt(self, *, payment_key: str, pg_order_id: str, order_name: str, amount: int,
                           receipt_type: CashReceiptType, identity_number: str) -> CashReceiptResult:
        body = {"amount": amount, "orderId": pg_order_id, "orderName": order_name,
                "customerIdentityNumber": identity_number, "type": receipt_type}
        try:
            r = call("POST", f"{self.base_url}/v1/cash-receipts", headers=self._headers(), json=body)
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
