"""Models of the payment APIs (manual deposit, PG refund, cash receipts)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from oms.schemas.common import Instant, Strict
from oms.schemas.orders import Won


class ManualDepositIn(Strict):
    paid_at: Instant | None = Field(default=None, description="입금시각 from the bank statement (default: now)")
    note: str | None = Field(default=None, max_length=500, description="e.g. 입금자명, 통장 메모")


class RefundAccountIn(Strict):
    bank: str = Field(min_length=1, max_length=30)
    account_no: str = Field(min_length=4, max_length=40, pattern=r"^[0-9\-]+$")
    holder: str = Field(min_length=1, max_length=50)


class PgRefundIn(Strict):
    amount: Won | None = Field(default=None, description="omit: the whole remaining amount")
    reason: str = Field(min_length=1, max_length=200)
    refund_account: RefundAccountIn | None = Field(default=None, description="required for virtual accounts")


class CashReceiptIn(Strict):
    type: Literal["소득공제", "지출증빙"] = "소득공제"
    identity_number: str = Field(min_length=8, max_length=20, pattern=r"^[0-9\-]+$",
                                 description="phone, cash-receipt card or business registration number")


class ManualCashReceiptIn(Strict):
    type: Literal["소득공제", "지출증빙"] = "소득공제"
    identity_number: str | None = Field(default=None, max_length=20, pattern=r"^[0-9\-]*$")
    issue_number: str | None = Field(default=None, max_length=40, description="승인번호 from 홈택스 etc.")
