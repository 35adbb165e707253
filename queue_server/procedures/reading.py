"""Reading a procedure file (.xlsx or .csv) into rows of text keyed by our column names."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from queue_server.procedures.folding import fold

# Our column names, and the headers that mean them: ours, and those of the national database's
# export (Cơ sở dữ liệu quốc gia về thủ tục hành chính), compared without diacritics or case.
HEADERS = {
    "code": ("code", "ma thu tuc", "ma tthc", "ma so thu tuc"),
    "name": ("name", "ten thu tuc", "ten tthc"),
    "field": ("field", "linh vuc"),
    "service": ("service", "dich vu", "ma dich vu"),
    "documents": ("documents", "thanh phan ho so"),
    "processing_time": ("processing time", "thoi han giai quyet"),
    "fees": ("fees", "phi le phi", "le phi"),
    "forms": ("forms", "mau don to khai", "mau don"),
    "legal_basis": ("legal basis", "can cu phap ly"),
    "url": ("url", "duong dan", "link"),
}
_COLUMN_OF = {header: column for column, headers in HEADERS.items() for header in headers}
REQUIRED = ("code", "name")
# A title or a note may sit above the header row of an export.
HEADER_SEARCH_ROWS = 10
MAX_ROWS = 20000


class ProcedureFileError(ValueError):
    """Every problem found in a procedure file, each with its row number."""

    def __init__(self, path: str, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        super().__init__("\n".join(f"{path}: {problem}" for problem in problems))


@dataclass(frozen=True)
class Row:
    """One data row: its number in the file (as a spreadsheet shows it) and its cells."""

    number: int
    cells: dict[str, str]


def read_rows(path: str | Path) -> list[Row]:
    """The file's data rows; a ProcedureFileError when it cannot be read or has no header."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ProcedureFileError(str(path), [f"cannot read the file: {error.strerror}"]) from None
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        table = _xlsx_table(raw, str(path))
    elif suffix == ".csv":
        table = _csv_table(raw, str(path))
    else:
        raise ProcedureFileError(str(path), ["the file must be .xlsx or .csv"])
    return _rows(table, str(path))


def _xlsx_table(raw: bytes, path: str) -> list[list[str]]:
    from openpyxl import load_workbook  # loads on first use: the server rarely imports

    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise ProcedureFileError(path, [f"not a readable .xlsx file ({error})"]) from None
    try:
        sheet = workbook.worksheets[0]
        return [[_cell_text(value) for value in row]
                for row in sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 1)]
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _csv_table(raw: bytes, path: str) -> list[list[str]]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ProcedureFileError(path, ["the .csv file must be UTF-8"]) from None
    try:
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise ProcedureFileError(path, [f"not a readable .csv file ({error})"]) from None


def _rows(table: list[list[str]], path: str) -> list[Row]:
    header_at = _header_row(table)
    if header_at is None:
        raise ProcedureFileError(path, [
            "no header row: the first rows must name the columns, at least "
            + " and ".join(repr(column) for column in REQUIRED)])
    columns, problems = _columns(table[header_at], header_at + 1)
    missing = [column for column in REQUIRED if column not in columns.values()]
    problems += [f"row {header_at + 1}: no {column!r} column" for column in missing]
    if problems:
        raise ProcedureFileError(path, problems)
    if len(table) - header_at - 1 > MAX_ROWS:
        raise ProcedureFileError(path, [f"more than {MAX_ROWS} rows"])
    rows = []
    for offset, values in enumerate(table[header_at + 1:], start=header_at + 2):
        cells = {column: values[index].strip() if index < len(values) else ""
                 for index, column in columns.items()}
        if any(cells.values()):
            rows.append(Row(offset, cells))
    return rows


def _header_row(table: list[list[str]]) -> int | None:
    for index, values in enumerate(table[:HEADER_SEARCH_ROWS]):
        if any(_COLUMN_OF.get(fold(value)) == "name" for value in values):
            return index
    return None


def _columns(headers: list[str], row_number: int) -> tuple[dict[int, str], list[str]]:
    """{position: our column}; columns we do not know (STT, Cấp thực hiện, …) are skipped."""
    columns: dict[int, str] = {}
    problems = []
    for index, header in enumerate(headers):
        column = _COLUMN_OF.get(fold(header))
        if column is None:
            continue
        if column in columns.values():
            problems.append(f"row {row_number}: two columns mean {column!r} "
                            f"(the second is {header!r})")
            continue
        columns[index] = column
    return columns, problems
