"""Keys of the home screen's counters (docs/data-model.md, "Home counters"), built here and only
here (the order tab counters ``S#<site>#TABCOUNT#<shard>``: :mod:`oms.store.keys`)."""

from __future__ import annotations

import zlib

#: every counter item of the home screen starts with this, under the site partition (one Query)
HOME_COUNT_PREFIX = "HOMECOUNT#"
#: each counter's things (deposits, payment requests, messages) spread over this many items, so two
#: transactions about two different things seldom touch the same item
HOME_COUNT_SHARDS = 4


def home_count_sk(counter: str, shard: int) -> str:
    """One shard of one counter (lower-case names; one item per counter, so a transaction that moves
    two counters never names one item twice)."""
    return f"{HOME_COUNT_PREFIX}{counter}#{shard}"


def home_count_shard(subject: str) -> int:
    """The shard of one counted thing: its +1 and its −1 land on the same item."""
    return zlib.crc32(subject.encode()) % HOME_COUNT_SHARDS


def home_day_count_sk(day: str) -> str:
    """The counts of one KST day (``YYYY-MM-DD``): jobs that failed that day."""
    return f"{HOME_COUNT_PREFIX}DAY#{day}"
