"""The home screen's counters (docs/data-model.md, "Home counters"): items
``HOMECOUNT#<counter>#<shard>`` under the site partition, kept with ADD in the very transaction that
creates or resolves what they count, never by a second write:

- ``deposits_unmatched``: +1 when a deposit is recorded unmatched, −1 when it is matched to an
  order or dismissed (the update conditioned on its still being unmatched);
- ``payreqs_open``: +1 when a 결제요청 is created (stored ``open``), −1 when its stored status leaves
  ``open`` (paid by card, a virtual account issued, cancelled, covered by other money), each
  update conditioned on the status it leaves;
- ``messages_failed``: +1 when an SMS/LMS is recorded ``failed`` (a resendable message), −1 when it
  is claimed for a resend (``failed`` → ``sending``; a resend that fails again counts again).

And ``HOMECOUNT#DAY#<KST day>``: ``jobs_failed``, the bulk jobs that ended ``failed`` that day (a
failed job stays failed: the count is the day's, the item expires after :data:`DAY_ITEM_DAYS`).

The order tab counters (``S#<site>#TABCOUNT#<shard>``, :func:`oms.store.orders.tab_counts`) are the other
half of the home screen: two Queries in all.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Literal

from oms.domain.clock import kst_date, kst_day_start_utc, parse_iso
from oms.store import keys
from oms.store.keys_home import HOME_COUNT_PREFIX, home_count_shard, home_count_sk, home_day_count_sk
from oms.store.orders import update
from oms.store.table import query_all

Counter = Literal["deposits_unmatched", "payreqs_open", "messages_failed"]
COUNTERS: tuple[Counter, ...] = ("deposits_unmatched", "payreqs_open", "messages_failed")
#: a day's item is kept this long after its day (DynamoDB's TTL deletes it some time after that)
DAY_ITEM_DAYS = 3


def add_action(site_id: str, counter: Counter, subject: str, delta: int) -> dict[str, Any]:
    """The transaction action adding ``delta`` to ``counter`` on the shard of ``subject`` (the thing
    counted: its +1 and −1 go to the same item)."""
    return update(keys.site_pk(site_id), home_count_sk(counter, home_count_shard(subject)), "ADD #c :d",
                  {":d": delta}, {"#c": counter})


def job_failed_action(site_id: str, at: str) -> dict[str, Any]:
    """The transaction action counting one job that failed at ``at`` (UTC) on its KST day's item."""
    day = kst_date(parse_iso(at))
    expires = kst_day_start_utc(day) + timedelta(days=1 + DAY_ITEM_DAYS)
    return update(keys.site_pk(site_id), home_day_count_sk(day.isoformat()),
                  "ADD jobs_failed :one SET #ttl = if_not_exists(#ttl, :ttl)",
                  {":one": 1, ":ttl": int(expires.timestamp())}, {"#ttl": "ttl"})


def read(site_id: str, today: str) -> dict[str, int]:
    """Every counter of the site, summed over its shards, and ``jobs_failed`` of ``today`` (KST
    ``YYYY-MM-DD``): one Query (a handful of small items)."""
    items = query_all(
        KeyConditionExpression="PK = :pk AND begins_with(SK, :c)",
        ExpressionAttributeValues={":pk": {"S": keys.site_pk(site_id)}, ":c": {"S": HOME_COUNT_PREFIX}},
        ConsistentRead=True,
    )
    out = dict.fromkeys((*COUNTERS, "jobs_failed"), 0)
    today_sk = home_day_count_sk(today)
    for it in items:
        if str(it["SK"]).startswith(home_day_count_sk("")):
            if it["SK"] == today_sk:
                out["jobs_failed"] += int(it.get("jobs_failed") or 0)
            continue
        for name in COUNTERS:
            out[name] += int(it.get(name) or 0)
    return out

