"""Models of the points, membership and buyer APIs."""

from __future__ import annotations

from pydantic import Field

from oms.domain.limits import MAX_LINES
from oms.schemas.common import Int, LineId, OrderId, Strict, Text


class PointsAdjustIn(Strict):
    amount: Int = Field(ge=-100_000_000, le=100_000_000,
                        description="KRW; > 0 adds, < 0 deducts (never below the balance)")
    reason: Text = Field(min_length=1, max_length=200, description="사유 (shown in the ledger)")


class GroupRemoveIn(Strict):
    reason: Text = Field(min_length=1, max_length=200)


class ConfirmIn(Strict):
    line_ids: list[LineId] | None = Field(default=None, min_length=1, max_length=MAX_LINES,
                                       description="lines to confirm; omitted: every delivered line")


class GuestSessionIn(Strict):
    site_id: Text = Field(pattern=r"^[a-z0-9][a-z0-9\-]{1,62}$")
    order_id: OrderId
    phone: Text = Field(pattern=r"^\+?[0-9][0-9\- ]{6,18}[0-9]$", description="the buyer's phone number")
