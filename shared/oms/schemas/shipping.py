"""Models of the shipping and invoice-upload APIs, and of one invoice workbook row."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field, field_validator

from oms.domain.limits import MAX_BULK_ORDERS
from oms.domain.order import MAX_LINES
from oms.schemas.common import Int, LineId, Model, MultilineText, OrderId, Strict, Text

Method = Literal["parcel", "quick", "pickup", "none"]

class TrackingIn(Strict):
    """Add, change (``set``) or remove a tracking number for whole `ready_to_ship` lines."""

    action: Literal["set", "remove"] = "set"
    line_ids: list[LineId] = Field(min_length=1, max_length=MAX_LINES, description="whole lines in 배송대기")
    courier: Text | None = Field(default=None, max_length=40, description="code, 한국어 name or alias (CJ, 롯데 …)")
    tracking_no: Text | None = Field(default=None, max_length=50,
                                    description="송장번호; for quick service a driver's phone is fine")
    method: Method | None = Field(default=None, description="default: the line's current method or the order's")
    expected_version: Int | None = Field(default=None, ge=1)


class ResolveIssueIn(Strict):
    """배송 이상 처리: what the operator did about it (recorded on the timeline)."""

    note: MultilineText = Field(default="", max_length=500, description="처리 내용 (재발송, 고객 통화 …)")


class CorrectTrackingIn(Strict):
    """Correct a parcel's number after it shipped (units in 배송대기/배송중); tracking starts again."""

    courier: Text | None = Field(default=None, max_length=40, description="default: the shipment's courier")
    tracking_no: Text = Field(min_length=1, max_length=50)
    expected_version: Int | None = Field(default=None, ge=1)


class BulkOrdersIn(Strict):
    order_ids: list[OrderId] = Field(min_length=1, max_length=MAX_BULK_ORDERS, description="at most 50 orders")


class CombinedOrderIn(Strict):
    order_id: OrderId
    line_ids: list[LineId] = Field(min_length=1, max_length=MAX_LINES)


class CombinedIn(Strict):
    orders: list[CombinedOrderIn] = Field(min_length=2, max_length=10)
    courier: Text | None = Field(default=None, max_length=40)
    tracking_no: Text = Field(min_length=1, max_length=50)
    method: Method | None = None


class TemplateQuery(Model):
    order_ids: Text | None = Field(default=None, description="comma-separated order numbers; omit for the whole "
                                                            "배송대기 tab")


class ImportIn(Strict):
    filename: Text | None = Field(default=None, max_length=200, description="shown in the import list")


def _cell_text(value: Any) -> Any:
    """Excel stores typed numbers as numbers: 123456789012 or 123456789012.0 mean the text."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int):
        return str(value)
    return value


class InvoiceRowIn(Model):
    """One data row of an invoice workbook, as typed by the operator."""

    model_config = ConfigDict(str_strip_whitespace=True)

    order_id: Text = Field(min_length=1, max_length=40, pattern=r"^[0-9A-Za-z\-_]+$")
    line_id: Text = Field(min_length=1, max_length=20, pattern=r"^[0-9A-Za-z\-_]+$")
    quantity: int | None = Field(default=None, ge=1, le=9999)
    courier: Text | None = Field(default=None, max_length=40)
    tracking_no: Text | None = Field(default=None, max_length=50)

    @field_validator("order_id", "line_id", "courier", "tracking_no", mode="before")
    @classmethod
    def _text(cls, v: Any) -> Any:
        return _cell_text(v)

    @field_validator("quantity", mode="before")
    @classmethod
    def _qty(cls, v: Any) -> Any:
        if v in (None, ""):
            return None
        if isinstance(v, float) and v.is_integer():
            return int(v)
        return v
