"""Exports: typed text never becomes a spreadsheet formula."""

import csv
import io
from datetime import date, datetime

import pytest

from queue_server.reports.safe_cells import csv_text, safe_cell


@pytest.mark.parametrize("text", [
    '=HYPERLINK("http://evil.example","Bấm vào đây")', "+1+1", "-2+3", "@SUM(A1:A9)",
    "\t=1+1", "\r=1+1", "\n=1", "＝1+1",  # noqa: RUF001 - the fullwidth sign is the attack
    "=cmd|' /C calc'!A0",
])
def test_text_that_starts_a_formula_gets_a_leading_apostrophe(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["Đất đai", "Quầy 1", "a=b", "1+1", "", "<img src=x>"])
def test_ordinary_text_is_unchanged(value):
    assert safe_cell(value) == value


@pytest.mark.parametrize(("value", "written"), [
    (-5, -5), (3.5, 3.5), (None, ""), (True, 1), (date(2026, 11, 26), date(2026, 11, 26))])
def test_numbers_and_dates_stay_numbers(value, written):
    assert safe_cell(value) == written


def test_a_csv_export_reads_back_as_the_typed_text_only():
    document = csv_text(["dịch vụ", "số"], [['=HYPERLINK("http://x","y")', 12],
                                          ["Tư pháp – Hộ tịch", -1]])
    assert document.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(document.removeprefix("\ufeff")), delimiter=";"))
    assert rows == [["dịch vụ", "số"], ['\'=HYPERLINK("http://x","y")', "12"],
                    ["Tư pháp – Hộ tịch", "-1"]]


def test_a_csv_opens_in_columns_with_vietnamese_regional_settings():
    document = csv_text(["Ngày", "Chờ (phút)", "Lúc"],
                        [[date(2026, 12, 10), 1.5,
                          datetime(2026, 12, 10, 14, 5, 3)]])  # noqa: DTZ001 - local time
    assert document == "\ufeffNgày;Chờ (phút);Lúc\r\n10/12/2026;1,5;10/12/2026 14:05:03\r\n"
