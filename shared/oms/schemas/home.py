"""The console's home screen: what needs action today (GET /admin/home)."""

from __future__ import annotations

from pydantic import Field

from oms.schemas.answers import Answer


class HomeItem(Answer):
    key: str = Field(description="preparing, ready_to_ship, delivery_issue, deposits_unmatched, cancel_requested, "
                                 "return_requested, return_collecting, exchange_requested, exchange_collecting, "
                                 "payreqs_open, messages_failed, jobs_failed")
    group: str = Field(description="orders | payments | claims | failures")
    label_ko: str
    count: int = Field(ge=0)
    link: str = Field(description="the console route that shows them (#/orders?tab=…, #/deposits)")


class HomeAnswer(Answer):
    """Counts kept with every change (two Queries of the site's counter items): exact, not estimated."""

    items: list[HomeItem]
    groups: dict[str, str] = Field(description="group -> its Korean heading")
    today: str = Field(description="the KST day of jobs_failed (YYYY-MM-DD)")
    as_of: str
