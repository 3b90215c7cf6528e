"""External sales channels (Naver SmartStore / Naver Pay 주문형): what the console sends to connect a
seller and to act on a channel order (발송지연, claim decisions)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from aws_lambda_powertools.event_handler.openapi.params import Path
from pydantic import ConfigDict, Field

from oms.schemas.answers import Answer
from oms.schemas.common import LineId, Model, Text
from oms.schemas.orders import Won

ChannelPath = Annotated[Literal["naver"], Path(description="외부 채널 (naver: 스마트스토어·네이버페이 주문형)")]
DelayReason = Literal["PRODUCT_PREPARE", "CUSTOMER_REQUEST", "CUSTOM_BUILD", "RESERVED_DISPATCH", "OVERSEA_DELIVERY",
                      "ETC"]


class _In(Model):
    model_config = ConfigDict(extra="forbid")


class ChannelConnectIn(_In):
    client_id: str = Field(min_length=4, max_length=100, pattern=r"^[A-Za-z0-9_\-]+$",
                           description="커머스API센터 애플리케이션 ID")
    client_secret: str = Field(min_length=29, max_length=29, pattern=r"^\$2[aby]\$[0-9]{2}\$[./A-Za-z0-9]{22}$",
                               description="애플리케이션 시크릿 (bcrypt salt 형식, 저장 후 다시 보여주지 않음)")
    account_id: str | None = Field(default=None, min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_\-]+$",
                                   description="솔루션으로 연결할 때의 판매자 ID (직접 만든 애플리케이션이면 비움)")


class ChannelDelayIn(_In):
    line_ids: list[LineId] = Field(min_length=1, max_length=50)
    reason: DelayReason
    due_date: str = Field(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", description="발송 예정일 (KST, YYYY-MM-DD)")
    detail: Text = Field(default="", max_length=300)


class ChannelDecisionIn(_In):
    line_ids: list[LineId] = Field(min_length=1, max_length=50)
    action: Literal["approve", "reject", "holdback", "release"]
    reason: Text = Field(default="", max_length=300, description="거부·보류 사유")
    detail: Text = Field(default="", max_length=300)
    fee: Won = Field(default=0, description="보류: 구매자에게 청구할 추가 배송비")


class ChannelStatus(Answer):
    """연결과 동기화 상태: 마지막 가져오기(건수), 다음 가져오기, 밀린 변경, 채널 오류, 가져오지 못한 주문."""

    channel: str
    enabled: bool
    client_id: str | None = None
    label: str | None = None
    pulled_at: str | None = None
    next_at: str | None = None
    last: dict[str, Any] | None = None
    last_error: str | None = None
    backlog: bool = False
    errors: list[dict[str, Any]] = Field(default_factory=list)


class Channels(Answer):
    channels: list[ChannelStatus]


class ConnectionChecked(Answer):
    channel: str
    ok: bool
    label: str
    checked_at: str


class SyncQueued(Answer):
    channel: str
    queued: bool
