"""Request bodies of exports (templates, export of chosen orders) and order sheets."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field

from oms.domain.limits import MAX_BULK_ORDERS
from oms.schemas.common import Bool, Model, Text

MAX_CHOSEN = MAX_BULK_ORDERS
MAX_COLUMNS = 60


class Column(Model):
    model_config = ConfigDict(extra="forbid")

    field: Text = Field(min_length=1, max_length=40, description="a key of GET /admin/exports/fields")
    header: Text | None = Field(default=None, min_length=1, max_length=40,
                               description="the column's title; default: the field's Korean header")


class ExportTemplateIn(Model):
    model_config = ConfigDict(extra="forbid")

    name: Text = Field(min_length=1, max_length=40)
    columns: list[Column] = Field(min_length=1, max_length=MAX_COLUMNS, description="in file order")
    row_grain: Literal["line", "order"] = Field(default="line", description="one row per order line or per order")
    address: Literal["combined", "split"] = Field(
        default="combined", description="combined: 주소+상세주소 in one column; split: 주소 and 상세주소")
    options_layout: Literal["newline", "inline"] = Field(
        default="newline", description="newline: one option per line within the cell; inline: one line, ' / '")


class ExportIn(Model):
    model_config = ConfigDict(extra="forbid")

    template_id: Text = Field(min_length=1, max_length=40)
    order_ids: list[str] = Field(min_length=1, max_length=MAX_CHOSEN, description="at most 50 orders")
    personal: Bool = Field(default=False, description="개인정보 포함 (개인정보 보기 권한, 사유 필수, 접속기록에 남음); "
                           "false: 이름·연락처·주소를 가려서")
    reason: Text | None = Field(default=None, max_length=200, description="개인정보를 포함하는 사유")


class SheetsIn(Model):
    model_config = ConfigDict(extra="forbid")

    order_ids: list[str] = Field(min_length=1, max_length=MAX_CHOSEN, description="at most 50 orders")
    format: Literal["html", "pdf"] = "html"
    personal: Bool = Field(default=False, description="개인정보 포함 (사유 필수, 접속기록에 남음)")
    reason: Text | None = Field(default=None, max_length=200, description="개인정보를 포함하는 사유")
