"""The console's home screen: what needs action today, each count with where it is handled
(docs/domain.md, "Home screen"). Two requests whatever the shop's size: the order tab counters
(a BatchGetItem of their shards, :func:`oms.store.orders.tab_counts`) and the home counters (``HOMECOUNT#``,
:mod:`oms.store.home_counts`), both kept in the transactions that change what they count."""

from __future__ import annotations

from typing import Any

from oms.domain.clock import iso, kst_date, utcnow
from oms.domain.statuses import STATUS_KO, Status
from oms.store import home_counts
from oms.store.orders import tab_counts

GROUPS = {"orders": "주문 처리", "payments": "결제·입금", "claims": "클레임", "failures": "실패"}

_TAB = "tab"
_COUNTER = "counter"
#: (key, group, Korean label, where the count comes from, the console route that shows them)
ITEMS: tuple[tuple[str, str, str, str, str], ...] = (
    ("preparing", "orders", STATUS_KO[Status.PREPARING], _TAB, "#/orders?tab=preparing"),
    ("ready_to_ship", "orders", STATUS_KO[Status.READY_TO_SHIP], _TAB, "#/orders?tab=ready_to_ship"),
    ("delivery_issue", "orders", "배송 이상", _TAB, "#/orders?tab=delivery_issue"),
    ("deposits_unmatched", "payments", "미확인 입금", _COUNTER, "#/deposits"),
    ("payreqs_open", "payments", "결제요청 대기", _COUNTER, "#/orders"),
    ("cancel_requested", "claims", STATUS_KO[Status.CANCEL_REQUESTED], _TAB, "#/orders?tab=cancel_requested"),
    ("return_requested", "claims", STATUS_KO[Status.RETURN_REQUESTED], _TAB, "#/orders?tab=return_requested"),
    ("return_collecting", "claims", STATUS_KO[Status.RETURN_COLLECTING], _TAB, "#/orders?tab=return_collecting"),
    ("exchange_requested", "claims", STATUS_KO[Status.EXCHANGE_REQUESTED], _TAB, "#/orders?tab=exchange_requested"),
    ("exchange_collecting", "claims", STATUS_KO[Status.EXCHANGE_COLLECTING], _TAB,
     "#/orders?tab=exchange_collecting"),
    ("messages_failed", "failures", "문자 발송 실패", _COUNTER, "#/orders"),
    ("jobs_failed", "failures", "오늘 실패한 작업", _COUNTER, "#/orders"),
)


def home(site_id: str) -> dict[str, Any]:
    """Every count of :data:`ITEMS` (never below 0), in that order."""
    now = utcnow()
    today = kst_date(now).isoformat()
    tabs = tab_counts(site_id)
    counters = home_counts.read(site_id, today)
    items = []
    for key, group, label, source, link in ITEMS:
        count = (tabs if source == _TAB else counters).get(key, 0)
        items.append({"key": key, "group": group, "label_ko": label, "count": max(0, int(count)), "link": link})
    return {"items": items, "groups": GROUPS, "today": today, "as_of": iso(now)}
