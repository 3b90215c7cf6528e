"""Models of the payment APIs (manual deposit, PG refund, cash receipts)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from oms.schemas.common import Instant, Int, Strict, Text
from oms.schemas.orders import Won


class ManualDepositIn(Strict):
    paid_at: Instant | None = Field(default=None, description="입금시각 from the bank statement (default: now)")
    note: Text | None = Field(default=None, max_length=500, description="e.g. 입금자명, 통장 메모")


class OutsidePaymentIn(Strict):
    amount: Int = Field(ge=1, le=10_000_000_000, description="받은 금액 (at most the outstanding)")
    paid_at: Instant | None = Field(default=None, description="입금시각 (default: now)")
    note: Text | None = Field(default=None, max_length=500, description="e.g. 입금자명, 현장 결제")


class RefundAccountIn(Strict):
    bank: Text = Field(min_length=1, max_length=30)
    account_no: Text = Field(min_length=4, max_length=40, pattern=r"^[0-9\-]+$")
    holder: Text = Field(min_length=1, max_length=50)


class PgRefundIn(Strict):
    amount: Won | None = Field(default=None, description="omit: the whole remaining amount")
    reason: Text = Field(min_length=1, max_length=200)
    refund_account: RefundAccountIn | None = Field(default=None, description="required for virtual accounts")
    request_id: str | None = Field(
        default=None, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$",
        description="names this refund request (one per refund dialog); sending it again completes the same "
                    "request (after a timeout or a crash) instead of refunding twice")


class CashReceiptIn(Strict):
    type: Literal["소득공제", "지출증빙"] = "소득공제"
    identity_number: Text = Field(min_length=8, max_length=20, pattern=r"^[0-9\-]+$",
                                 description="phone, cash-receipt card or business registration number")


class ManualCashReceiptIn(Strict):
    type: Literal["소득공제", "지출증빙"] = "소득공제"
    identity_number: str | None = Field(default=None, max_length=20, pattern=r"^[0-9\-]*$")
    issue_number: Text | None = Field(default=None, max_length=40, description="승인번호 from 홈택스 etc.")


class CompleteCashReceiptIn(Strict):
    """발급 완료 처리 of a receipt left ``requested``: the issue number the PG's console shows."""

    issue_number: Text = Field(min_length=1, max_length=40, description="승인번호 shown by the PG")
    note: Text | None = Field(default=None, max_length=500)
