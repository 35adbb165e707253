"""The one clock, and conversions between UTC storage and office-local time."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo


def utc_now() -> datetime:
    """The current instant, timezone-aware in UTC; the only call to the clock."""
    return datetime.now(UTC)


def local_time(moment: datetime, timezone: str) -> datetime:
    """The instant as wall-clock time in the office's zone."""
    return moment.astimezone(ZoneInfo(timezone))


def local_day(moment: datetime, timezone: str) -> date:
    """The office's calendar day for an instant (never the UTC date)."""
    return local_time(moment, timezone).date()


def iso_local(moment: datetime | None, timezone: str) -> str | None:
    """ISO-8601 with the office's offset, or None."""
    if moment is None:
        return None
    return local_time(moment, timezone).isoformat(timespec="seconds")
