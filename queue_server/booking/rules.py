"""An office's booking rules ([office.booking] of the office file), with the defaults filled in."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

# Each key of [office.booking]: its default and the range an office may set.
LIMITS: dict[str, tuple[int, int, int]] = {
    "slot_minutes": (15, 5, 240),
    "days_ahead": (6, 0, 60),
    "per_phone_per_day": (2, 1, 20),
    "per_phone_per_service": (1, 1, 20),
    "window_before_min": (15, 0, 240),
    "window_after_min": (10, 0, 240),
}


@dataclass(frozen=True)
class BookingRules:
    """Slot length, how far ahead, the caps per phone, and the check-in window."""

    slot_minutes: int = 15
    days_ahead: int = 6
    per_phone_per_day: int = 2
    per_phone_per_service: int = 1
    window_before_min: int = 15
    window_after_min: int = 10

    def as_json(self) -> dict[str, int]:
        """The rules as stored on the office."""
        return asdict(self)


def rules_of(raw: Mapping[str, Any] | None) -> BookingRules:
    """The rules from an office's stored [office.booking] (None: the defaults)."""
    known = {field.name for field in fields(BookingRules)}
    return BookingRules(**{key: int(value) for key, value in (raw or {}).items()
                           if key in known})


def rule_problems(table: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(key, reason) for each unknown key or value out of range in [office.booking]."""
    problems = []
    for key, value in table.items():
        if key not in LIMITS:
            problems.append((key, f"unknown key (known: {', '.join(LIMITS)})"))
            continue
        _default, low, high = LIMITS[key]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            problems.append((key, f"must be a whole number from {low} to {high}, got {value!r}"))
    return problems
