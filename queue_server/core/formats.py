"""Numbers and dates as people read them: one locale layer (Babel, CLDR) for every page and export.

Vietnamese writes 1.234,5 and 78,3%; English 1,234.5 and 78.3%. Dates are dd/mm/yyyy in both
languages, as every form in Vietnam writes them. Scripts use Intl with the same CLDR locale.
"""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal, format_percent

LOCALES = {"vi": "vi_VN", "en": "en"}
# The tag a browser's Intl and Chart.js take for the same locale.
BROWSER_LOCALES = {"vi": "vi-VN", "en": "en-GB"}
DAY_PATTERN = "dd/MM/yyyy"
MOMENT_PATTERN = "dd/MM/yyyy HH:mm:ss"
MISSING = "—"


def _locale(language: str) -> str:
    return LOCALES.get(language, LOCALES["vi"])


def number(value: float | None, language: str = "vi", digits: int = 1) -> str:
    """1.234,5 (vi) or 1,234.5 (en), at most `digits` decimals; "—" for None."""
    if value is None:
        return MISSING
    pattern = "#,##0." + "#" * digits if digits else "#,##0"
    return format_decimal(value, pattern, locale=_locale(language))


def percent(fraction: float | None, language: str = "vi", digits: int = 1) -> str:
    """0.783 as 78,3% (vi) or 78.3% (en); "—" for None."""
    if fraction is None:
        return MISSING
    pattern = "#,##0." + "#" * digits + "%" if digits else "#,##0%"
    return format_percent(fraction, pattern, locale=_locale(language))


def day(value: date | str | None, language: str = "vi") -> str:
    """10/12/2026 from a date or an ISO date; "" for None."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return format_date(value, DAY_PATTERN, locale=_locale(language))


def moment(value: datetime | None, language: str = "vi") -> str:
    """10/12/2026 14:05:00 (wall time as given); "" for None."""
    if value is None:
        return ""
    return format_datetime(value, MOMENT_PATTERN, tzinfo=value.tzinfo, locale=_locale(language))


def csv_value(value: object) -> object:
    """A cell as Excel with Vietnamese regional settings reads it: decimal comma, dd/mm/yyyy."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, float):
        # No thousands separator: Excel reads "1234,5" as a number, "1.234,5" only sometimes.
        return format_decimal(value, "0.####", locale=LOCALES["vi"])
    if isinstance(value, datetime):
        return format_datetime(value, MOMENT_PATTERN, tzinfo=value.tzinfo, locale=LOCALES["vi"])
    if isinstance(value, date):
        return format_date(value, DAY_PATTERN, locale=LOCALES["vi"])
    return value
