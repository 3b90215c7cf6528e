"""The polling fallback (docs/domain.md, "Delivery tracking"): for a courier the site's provider
answers queries for but does not push or call back about, the sweep asks for the parcel's scans on
a provider-style schedule. Pure: a parcel's tracking record and the time in, the next poll out.

- every 30 minutes while the parcel moves (picked up, in transit, out for delivery), every 2 hours
  before the first scan and at night (20:00–10:00 KST, couriers scan little then);
- never after delivery, and not after :data:`GIVE_UP_DAYS` days from the registration (the
  quiet-days check has put it in 배송 이상 long before).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from oms.domain.clock import KST, iso, parse_iso

MOVING_EVERY = timedelta(minutes=30)
QUIET_EVERY = timedelta(hours=2)
NIGHT_FROM, NIGHT_TO = 20, 10  # KST hours
GIVE_UP_DAYS = 15
MOVING = frozenset({"picked_up", "in_transit", "out_for_delivery"})


def next_poll(t: dict[str, Any], now: str) -> str | None:
    """When the parcel is polled next (None: no more polls)."""
    if t.get("state") != "polling" or t.get("delivered_at"):
        return None
    start = t.get("registered_at") or now
    at = parse_iso(now)
    if at >= parse_iso(start) + timedelta(days=GIVE_UP_DAYS):
        return None
    hour = at.astimezone(KST).hour
    night = hour >= NIGHT_FROM or hour < NIGHT_TO
    every = MOVING_EVERY if t.get("progress") in MOVING and not night else QUIET_EVERY
    return iso(at + every)


def polls_per_day(life: list[tuple[float, str | None]], start: str, days: int = GIVE_UP_DAYS) -> list[int]:
    """How many polls a parcel costs on each day of its tracking, for a life given as
    ``(hours after start, progress from then on)`` steps ("delivered" ends it): what the bench
    reports per 1,000 parcels."""
    t: dict[str, Any] = {"state": "polling", "registered_at": start, "progress": None, "delivered_at": None}
    out = [0] * days
    at = start
    steps = sorted(life)
    while True:
        hours = (parse_iso(at) - parse_iso(start)).total_seconds() / 3600
        for h, progress in steps:
            if h <= hours:
                t["progress"] = progress
                if progress == "delivered":
                    t["delivered_at"] = at
        nxt = next_poll(t, at)
        if nxt is None:
            return out
        day = int((parse_iso(nxt) - parse_iso(start)).total_seconds() // 86400)
        if day >= days:
            return out
        out[day] += 1
        at = nxt
