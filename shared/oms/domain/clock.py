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
