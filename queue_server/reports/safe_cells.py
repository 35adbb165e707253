"""Safe spreadsheet cells: text typed by people never runs as a formula in Excel or LibreOffice.

Every CSV or XLSX export (reports, audit) writes its cells through `safe_cell`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date, datetime

from queue_server.core.formats import csv_value

CSV_SEPARATOR = ";"
# What spreadsheet programs read as the start of a formula (or as a hidden line break
# before one): a leading apostrophe makes them show the text as typed instead.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\ufe62", "\uff0b",
                    "\ufe63", "\uff0d", "\uff20")


def safe_cell(value: object) -> object:
    """The value to write: numbers and dates as they are, text defused, None as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float | date | datetime):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def safe_row(values: Iterable[object]) -> list[object]:
    """A row of safe cells."""
    return [safe_cell(value) for value in values]


def csv_text(header: Iterable[str], rows: Iterable[Iterable[object]]) -> str:
    """A CSV document as Excel with Vietnamese regional settings opens it in columns.

    UTF-8 with a byte-order mark (without it Excel reads the accents as ANSI); `;` between
    cells, because that is Windows' list separator wherever the decimal symbol is a comma, as in
    vi-VN; numbers with a decimal comma and dates as dd/mm/yyyy (core.formats.csv_value).
    """
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=CSV_SEPARATOR, lineterminator="\r\n")
    writer.writerow(safe_row(header))
    writer.writerows([csv_value(cell) for cell in safe_row(row)] for row in rows)
    return buffer.getvalue()
