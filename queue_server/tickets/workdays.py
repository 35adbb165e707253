"""Working days: Monday to Friday, minus the office's holidays (for handling targets)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class WorkCalendar:
    """An office's working days."""

    holidays: frozenset[date]

    @classmethod
    def of(cls, holidays: list[str]) -> WorkCalendar:
        """The calendar of an office's holiday list (ISO dates as stored)."""
        return cls(frozenset(date.fromisoformat(day) for day in holidays))

    def is_working(self, day: date) -> bool:
        """Monday to Friday and not a holiday."""
        return day.weekday() < 5 and day not in self.holidays

    def add(self, start: date, working_days: int) -> date:
        """The day that is this many working days after `start` (the due day)."""
        day = start
        remaining = working_days
        while remaining > 0:
            day += timedelta(days=1)
            remaining -= self.is_working(day)
        return day

    def between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end` (0 when end <= start)."""
        if end <= start:
            return 0
        whole_weeks, rest = divmod((end - start).days, 7)
        count = whole_weeks * 5
        count += sum(self._is_weekday(start + timedelta(days=offset))
                     for offset in range(whole_weeks * 7 + 1, whole_weeks * 7 + rest + 1))
        # Holidays only count when they fall on a weekday inside the span.
        return count - sum(1 for day in self.holidays
                           if start < day <= end and day.weekday() < 5)

    @staticmethod
    def _is_weekday(day: date) -> bool:
        return day.weekday() < 5
