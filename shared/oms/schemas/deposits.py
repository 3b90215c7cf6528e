"""미확인 입금 (bank deposits not matched automatically): what the console sends and reads."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path
from pydantic import ConfigDict, Field

from oms.schemas.answers import Answer
from oms.schemas.common import Model, OrderId, Text

AccountPath = Annotated[str, Path(min_length=6, max_length=20, pattern=r"^[0-9]+$", description="계좌번호 (숫자만)")]
TxIdPath = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[0-9A-Za-z\-_.:]+$",
                               description="입금 조회 서비스의 거래 ID")]


class _In(Model):
    model_config = ConfigDict(extra="forbid")


class DepositMatchIn(_In):
    order_id: OrderId
    note: Text | None = Field(default=None, max_length=200)


class DepositDismissIn(_In):
    note: Text = Field(min_length=1, max_length=200, description="주문 입금이 아닌 이유 (예: 환불 반환, 이자)")


class UnmatchedDeposits(Answer):
    deposits: list[dict[str, Any]]
    count: int


class DepositAnswer(Answer):
    account: str
    tx_id: str
    status: str


class DepositAccounts(Answer):
    accounts: list[dict[str, Any]]
