"""Opening hours (OpenStreetMap syntax, via opening-hours-py) plus an office's holidays."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import opening_hours
from opening_hours import OpeningHours

# How far ahead "when to come back" looks before giving up (a long Tết holiday fits).
_SEARCH_DAYS = 45


class OpeningHoursError(ValueError):
    """The opening_hours string is not valid OpenStreetMap syntax."""


def parse_opening_hours(text: str) -> OpeningHours:
    """Parse an opening_hours string or raise OpeningHoursError with the parser's reason."""
    try:
        return OpeningHours(text)
    except opening_hours.ParserError as error:  # type: ignore[attr-defined]  # not in its stubs
        first_line = str(error).splitlines()[-1].strip(" =")
        raise OpeningHoursError(f"invalid opening_hours {text!r}: {first_line}") from None


@lru_cache(maxsize=256)
def _parsed(text: str) -> OpeningHours:
    # Every issue asks whether the office is open; parsing once per string is enough.
    return parse_opening_hours(text)


@dataclass(frozen=True)
class Schedule:
    """When an office takes tickets: its weekly hours, minus its holidays, in its zone."""

    opening_hours: str
    holidays: frozenset[date]
    timezone: str

    def _rules(self) -> OpeningHours:
        return _parsed(self.opening_hours)

    def _wall_clock(self, moment: datetime) -> datetime:
        return moment.astimezone(ZoneInfo(self.timezone)).replace(tzinfo=None)

    def is_open(self, moment: datetime) -> bool:
        """True when the office is open at this instant."""
        local = self._wall_clock(moment)
        return local.date() not in self.holidays and self._rules().is_open(local)

    def is_holiday(self, moment: datetime) -> bool:
        """True when the instant falls on one of the office's holidays."""
        return self._wall_clock(moment).date() in self.holidays

    def next_opening(self, moment: datetime) -> datetime | None:
        """The next instant the office opens after a closed moment; None if not within weeks."""
        rules = self._rules()
        local = self._wall_clock(moment)
        limit = local + timedelta(days=_SEARCH_DAYS)
        while local < limit:
            if local.date() in self.holidays:
                local = datetime.combine(local.date() + timedelta(days=1), time())
                continue
            if rules.is_open(local):
                return local.replace(tzinfo=ZoneInfo(self.timezone))
            change = rules.next_change(local)
            if change is None:
                return None
            local = change
        return None

    def next_working_day_opening(self, moment: datetime) -> datetime | None:
        """The first opening on a later local day (for a service whose day is full)."""
        local = self._wall_clock(moment)
        tomorrow = datetime.combine(local.date() + timedelta(days=1), time())
        return self.next_opening(tomorrow.replace(tzinfo=ZoneInfo(self.timezone)))
