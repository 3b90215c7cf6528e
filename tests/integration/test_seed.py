"""The demo seed covers every main-flow status, product kind and channel, and is idempotent."""

from __future__ import annotations

from oms.schemas.orders import ListQuery
from oms.services import listing
from oms_local.seed import seed_demo


def test_seed_covers_statuses_kinds_channels_and_runs_twice_without_duplicates(site_id: str) -> None:
    assert seed_demo(site_id) >= 30
    rows = []
    cursor = None
    while True:
        page = listing.list_orders(site_id, ListQuery(limit=100, cursor=cursor))
        rows += page["orders"]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(rows) >= 30
    statuses = {s for r in rows for s in r["status_qty"]}
    for s in ("payment_pending", "preparing", "ready_to_ship", "shipping", "delivered", "confirmed",
              "cancel_requested", "cancelled", "return_requested", "returned", "exchange_requested"):
        assert s in statuses, s
    assert {r["channel"] for r in rows} == {"store", "naverpay_order", "kakao_checkout"}
    counts = page["counts"]
    assert counts["all"] == len(rows)

    assert seed_demo(site_id) == 0
    again = listing.list_orders(site_id, ListQuery(limit=100))
    assert again["counts"]["all"] == len(rows)
