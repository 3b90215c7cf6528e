"""The PG sandbox's payment record (:mod:`oms_local.pg_sandbox`) and how each PG shows it: the
Toss-style and PortOne-V2-style payment objects and status names."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

KST = timezone(timedelta(hours=9))

DEV_PORTONE_STORE_ID = "store-oms-local"


def kst_naive(dt: datetime) -> str:
    """Toss writes callback times as KST without an offset."""
    return dt.astimezone(KST).replace(tzinfo=None).isoformat(timespec="microseconds")


def kst(dt: datetime) -> str:
    return dt.astimezone(KST).isoformat(timespec="seconds")


@dataclass
class SandboxPayment:
    provider: str
    key: str  # Toss paymentKey / PortOne paymentId
    order_id: str  # Toss orderId / PortOne paymentId
    amount: int
    method: str  # virtual_account | card
    status: str  # provider's own status name
    order_name: str = ""
    secret: str | None = None
    account_no: str | None = None
    bank: str = "신한"
    holder: str = ""
    due_at: datetime | None = None
    requested_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    approved_at: datetime | None = None
    #: a card authorisation not confirmed by the merchant lapses at this time (Toss style)
    auth_expires_at: datetime | None = None
    cancels: list[dict[str, Any]] = field(default_factory=list)
    receipts: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def cancelled(self) -> int:
        return sum(int(c["amount"]) for c in self.cancels)

    def toss(self) -> dict[str, Any]:
        return {
            "mId": "tosspayments", "version": "2022-11-16", "paymentKey": self.key, "orderId": self.order_id,
            "orderName": self.order_name, "status": self.status,
            "method": "가상계좌" if self.method == "virtual_account" else "카드",
            "totalAmount": self.amount, "balanceAmount": self.amount - self.cancelled,
            "requestedAt": kst(self.requested_at),
            "approvedAt": kst(self.approved_at) if self.approved_at else None,
            "lastTransactionKey": self.cancels[-1]["key"] if self.cancels else (
                f"tx-{self.key}-paid" if self.approved_at else None),
            "secret": self.secret,
            "virtualAccount": {
                "accountNumber": self.account_no, "bankCode": "88", "bank": self.bank, "customerName": self.holder,
                "dueDate": kst(self.due_at) if self.due_at else None, "accountType": "일반",
            } if self.method == "virtual_account" else None,
            "cancels": [{"transactionKey": c["key"], "cancelAmount": c["amount"], "cancelReason": c["reason"],
                         "canceledAt": kst(c["at"])} for c in self.cancels] or None,
        }

    def portone(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "status": self.status, "id": self.key, "transactionId": f"tx-{self.key}", "storeId": DEV_PORTONE_STORE_ID,
            "orderName": self.order_name, "requestedAt": self.requested_at.isoformat(),
            "amount": {"total": self.amount, "paid": self.amount if self.approved_at else 0,
                       "cancelled": self.cancelled},
            "currency": "KRW",
            "method": {"type": "PaymentMethodVirtualAccount", "bank": "SHINHAN", "accountNumber": self.account_no,
                       "remitteeName": self.holder,
                       "expiredAt": self.due_at.isoformat() if self.due_at else None}
            if self.method == "virtual_account" else {"type": "PaymentMethodCard"},
        }
        if self.approved_at:
            out["paidAt"] = self.approved_at.isoformat()
        if self.cancels:
            out["cancellations"] = [{"status": "SUCCEEDED", "id": c["key"], "totalAmount": c["amount"],
                                     "reason": c["reason"], "cancelledAt": c["at"].isoformat()} for c in self.cancels]
        return out


TOSS_STATUS = {"waiting": "WAITING_FOR_DEPOSIT", "paid": "DONE", "cancelled": "CANCELED",
               "partial": "PARTIAL_CANCELED", "authorised": "IN_PROGRESS", "expired": "EXPIRED"}
PORTONE_STATUS = {"waiting": "VIRTUAL_ACCOUNT_ISSUED", "paid": "PAID", "cancelled": "CANCELLED",
                  "partial": "PARTIAL_CANCELLED", "authorised": "READY", "expired": "FAILED"}
