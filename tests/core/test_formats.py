"""Numbers and dates through the one locale layer: decimal comma and dd/mm/yyyy in Vietnamese."""

from datetime import date, datetime

import pytest

from queue_server.core import formats


@pytest.mark.parametrize(("language", "number", "share"), [
    ("vi", "1.234,5", "78,3%"), ("en", "1,234.5", "78.3%")])
def test_numbers_follow_the_pages_language(language, number, share):
    assert formats.number(1234.5, language) == number
    assert formats.percent(0.783, language) == share


def test_whole_numbers_show_no_decimals_and_missing_values_a_dash():
    assert formats.number(3.0, "vi") == "3"
    assert formats.number(None, "vi") == formats.percent(None, "en") == "—"


@pytest.mark.parametrize("language", ["vi", "en"])
def test_dates_are_day_first_in_both_languages(language):
    assert formats.day(date(2026, 12, 10), language) == "10/12/2026"
    assert formats.day("2026-12-10", language) == "10/12/2026"
    moment = datetime(2026, 12, 10, 7, 5)  # noqa: DTZ001 - already the office's local time
    assert formats.moment(moment, language) == "10/12/2026 07:05:00"


def test_csv_cells_are_written_as_vietnamese_excel_reads_them():
    assert formats.csv_value(1.5) == "1,5"
    assert formats.csv_value(12345.25) == "12345,25"  # no grouping: Excel reads it as a number
    assert formats.csv_value(7) == 7
    assert formats.csv_value(date(2026, 1, 2)) == "02/01/2026"
    assert formats.csv_value("1.5") == "1.5"  # text typed by people stays as typed
