"""Staff, roles and the access record: what the console sends and reads."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path
from pydantic import ConfigDict, Field

from oms.schemas.answers import Answer
from oms.schemas.common import Bool, Model, Text

OperatorIdPath = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.@\-]{0,63}$",
                                     description="운영자 ID (쇼핑몰 빌더 계정)")]
RoleIdPath = Annotated[str, Path(min_length=2, max_length=31, pattern=r"^[a-z][a-z0-9_-]{1,30}$",
                                 description="역할 ID")]


class _In(Model):
    model_config = ConfigDict(extra="forbid")


class StaffMemberIn(_In):
    name: Text = Field(min_length=1, max_length=40)
    role_id: str = Field(min_length=2, max_length=31, pattern=r"^[a-z][a-z0-9_-]{1,30}$")
    enabled: Bool = True


class RoleIn(_In):
    name_ko: Text = Field(min_length=1, max_length=30)
    permissions: list[str] = Field(max_length=20)


class RevealIn(_In):
    reason: Text | None = Field(default=None, max_length=200, description="보기 사유 (선택)")


class Me(Answer):
    operator_id: str
    name: str | None = None
    role_id: str
    role_name: str
    owner: bool
    permissions: list[str]


class StaffListing(Answer):
    staff: list[dict[str, Any]]
    roles: list[dict[str, Any]]
    permissions: list[dict[str, Any]]


class AccessRecords(Answer):
    records: list[dict[str, Any]]
    more: bool
    actions: dict[str, str]


class Revealed(Answer):
    order_id: str
    buyer: dict[str, Any]
    recipient: dict[str, Any]
