"""Background jobs over a whole search or tab: the request body."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field, model_validator

from oms.domain.statuses import Channel, DeliveryScope, PaymentMethod, Status
from oms.schemas.common import Bool, DateRange, Model, Text, refuse


class JobSearch(DateRange):
    """The list's own search parameters (GET /admin/orders), without paging and exact lookups."""

    model_config = ConfigDict(extra="forbid")

    tab: Literal["all"] | Status = "all"
    payment_method: PaymentMethod | None = None
    channel: Channel | None = None
    scope: DeliveryScope | None = None
    buyer_type: Literal["member", "guest"] | None = None


class JobIn(Model):
    model_config = ConfigDict(extra="forbid")

    action: Literal["status", "deliver_no_shipping", "export", "print"] = Field(
        description="status: every line that may move to `to`; deliver_no_shipping: 배송없음 → 배송완료; "
                    "export: one .xlsx with `template_id`; print: one PDF of order sheets")
    search: JobSearch = Field(default_factory=JobSearch)
    to: Status | None = Field(default=None, description="action status: the target status")
    from_status: Status | None = Field(default=None, description="action status: only lines in this status")
    template_id: Text | None = Field(default=None, max_length=40, description="action export: the template")
    personal: Bool = Field(default=False, description="export/print: 개인정보 포함 (사유 필수, 접속기록에 남음)")
    reason: Text | None = Field(default=None, max_length=200, description="개인정보를 포함하는 사유")

    @model_validator(mode="after")
    def _needs(self) -> JobIn:
        if self.action == "status" and self.to is None:
            raise refuse("status_job_needs_to")
        if self.action == "export" and not self.template_id:
            raise refuse("export_job_needs_template")
        return self
