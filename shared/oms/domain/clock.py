"""Time: stored in UTC (ISO-8601), business rules in KST (Asia/Seoul)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

KST = timezone(timedelta(hours=9), "KST")


def utcnow() -> datetime:
    return datetime.now(UTC)


def iso(dt: datetime) -> str:
    """UTC ISO-8601 with microseconds and a Z, sortable as a string."""
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_iso(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def kst_date(dt: datetime) -> date:
    """The KST calendar day of an instant."""
    return dt.astimezone(KST).date()


def kst_day_start_utc(day: date) -> datetime:
    """00:00 KST of ``day`` as a UTC instant."""
    return datetime(day.year, day.month, day.day, tzinfo=KST).astimezone(UTC)


def later(at: str, delta: timedelta) -> str:
    """``at`` (UTC ISO) moved by ``delta``, as UTC ISO."""
    return iso(parse_iso(at) + delta)


def end_of_second(at: str) -> str:
    """The last instant of ``at``'s whole second: a scheduled run's "now" (EventBridge writes its
    time to the second, so the run takes everything due within that second)."""
    return iso(parse_iso(at) + timedelta(seconds=1) - timedelta(microseconds=1))
