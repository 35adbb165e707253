"""Reports as tables with Vietnamese headers, written to XLSX (openpyxl) or CSV.

Every cell goes through exports.safe_cell, so text typed by people never runs as a formula.
Durations are in minutes, shares in percent, times in the office's local time.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from queue_server.core.i18n import page_texts
from queue_server.reports.labels import CRITERIA_NAMES, DEFINITIONS, RATINGS, REASONS
from queue_server.reports.safe_cells import csv_text, safe_row

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_DAY, XLSX_MOMENT = "dd/mm/yyyy", "dd/mm/yyyy hh:mm:ss"


@dataclass
class Table:
    """One sheet: a title, headers, and rows of ready values."""

    title: str
    headers: list[str]
    rows: Iterable[list]


def minutes(seconds: float | None) -> float | None:
    """Seconds as minutes to one decimal."""
    return None if seconds is None else round(seconds / 60, 1)


def percent(fraction: float | None) -> float | None:
    """A share as a percentage to one decimal."""
    return None if fraction is None else round(fraction * 100, 1)


def _path(*keys: str) -> Callable[[dict], object]:
    def read(figures: dict) -> object:
        value = figures
        for key in keys:
            value = value[key]
        return value
    return read


def _as(convert: Callable, *keys: str) -> Callable[[dict], object]:
    read = _path(*keys)
    return lambda figures: convert(read(figures))


def _duration_columns(name: str, label: str) -> list[tuple[str, Callable]]:
    parts = (("mean", "TB"), ("p50", "trung vị"), ("p90", "P90"), ("max", "lâu nhất"))
    return [(f"{label} {word} (phút)", _as(minutes, name, part)) for part, word in parts]


# The figures of one group, in the order of the columns.
FIGURE_COLUMNS: list[tuple[str, Callable]] = [
    ("Số phiếu cấp", _path("issued")), ("Đã gọi", _path("called")),
    ("Đã phục vụ", _path("served")), ("Vắng mặt", _path("no_show")),
    ("Đã hủy", _path("cancelled")),
    *_duration_columns("wait_s", "Chờ"), *_duration_columns("service_s", "Phục vụ"),
    ("Chờ quá mục tiêu", _path("over_target", "count")),
    ("% chờ quá mục tiêu", _as(percent, "over_target", "share")),
    ("Số đánh giá", _path("satisfaction", "responses")),
    ("% hài lòng", _as(percent, "satisfaction", "satisfied_share")),
    *((names[0], _path("satisfaction", "by_rating", str(level)))
      for level, names in RATINGS.items()),
    *((f"Lý do: {names[0]}", _path("satisfaction", "reasons", code))
      for code, names in REASONS.items()),
    ("Góp ý", _path("satisfaction", "comments")),
    ("Đi lại lần 2", _path("repeat_visits", "second")),
    ("Đi lại từ lần 3", _path("repeat_visits", "three_or_more")),
    ("% đi lại nhiều lần", _as(percent, "repeat_visits", "repeat_share")),
    ("Phiếu có mã hồ sơ", _path("repeat_visits", "dossier_tickets")),
    ("Hồ sơ đến lần nữa", _path("repeat_visits", "dossier_repeats")),
]
FIGURE_HEADERS = [header for header, _ in FIGURE_COLUMNS]


def figure_values(figures: dict) -> list:
    """One group's figures as cells."""
    return [read(figures) for _, read in FIGURE_COLUMNS]


def _group_table(title: str, keys: list[tuple[str, str]], rows: list[dict]) -> Table:
    return Table(title, [header for header, _ in keys] + FIGURE_HEADERS,
                 [[row[key] for _, key in keys] + figure_values(row) for row in rows])


def report_tables(report: dict, generated_at: datetime) -> dict[str, Table]:
    """Every table of an office report, by the name the CSV export asks for."""
    hours = [{**row, "label": f"{row['hour']:02d}:00–{row['hour']:02d}:59"}
             for row in report["by_hour"]]
    return {
        "summary": _summary(report, generated_at),
        "service": _group_table("Theo lĩnh vực", [("Mã lĩnh vực", "service"),
                                                  ("Lĩnh vực", "name")], report["by_service"]),
        "counter": _group_table("Theo quầy", [("Quầy", "counter"), ("Tên quầy", "name")],
                                report["by_counter"]),
        "staff": _group_table("Theo cán bộ", [("Tên đăng nhập", "staff"), ("Cán bộ", "name")],
                              report["by_staff"]),
        "hour": _group_table("Theo giờ", [("Giờ", "hour"), ("Khung giờ", "label")], hours),
        "reasons": _reasons(report),
        "criteria": _criteria(report),
        "dossiers": _dossiers(report),
    }


def _summary(report: dict, generated_at: datetime) -> Table:
    filters = report["filters"]
    head = [["Điểm tiếp nhận", report["office_name"]],
            ["Từ ngày", date.fromisoformat(report["from"])],
            ["Đến ngày", date.fromisoformat(report["to"])],
            ["Lĩnh vực", filters["service"] or "Tất cả"],
            ["Quầy", filters["counter"] or "Tất cả"],
            ["Cán bộ", filters["staff"] or "Tất cả"],
            ["Lập lúc (giờ địa phương)", generated_at.replace(tzinfo=None, microsecond=0)]]
    figures = [[header, value] for header, value in zip(
        FIGURE_HEADERS, figure_values(report), strict=True)]
    inbox = report.get("feedback_inbox") or {}
    handling = [["Phản hồi cần xử lý", inbox.get("items")],
                ["Phản hồi còn mở", inbox.get("open")],
                ["Phản hồi quá hạn", inbox.get("overdue")],
                ["% phản hồi xử lý đúng hạn", percent(inbox.get("within_target_share"))]]
    return Table("Tổng hợp", ["Chỉ tiêu", "Giá trị"], head + figures + handling)


def _reasons(report: dict) -> Table:
    satisfaction = report["satisfaction"]
    rows = [["Mức đánh giá", names[0], satisfaction["by_rating"][str(level)]]
            for level, names in RATINGS.items()]
    rows += [["Lý do chưa hài lòng", names[0], satisfaction["reasons"][code]]
             for code, names in REASONS.items()]
    return Table("Đánh giá và lý do", ["Nhóm", "Nội dung", "Số lượt"], rows)


def _criteria(report: dict) -> Table:
    """Each criterion of the rating form: the period, then each month, then each officer."""
    months = [row["month"] for row in report["criteria_by_month"]]
    people = report["criteria_by_staff"]
    headers = ["Tiêu chí", "Số lượt trả lời", "% hài lòng", *(f"% {month}" for month in months),
               *(f"% {person['name']}" for person in people)]
    rows = [[names[0], report["criteria"][code]["responses"],
             percent(report["criteria"][code]["satisfied_share"]),
             *(percent(month["criteria"][code]["satisfied_share"])
               for month in report["criteria_by_month"]),
             *(percent(person["criteria"][code]["satisfied_share"]) for person in people)]
            for code, names in CRITERIA_NAMES.items()]
    targets = report["criteria_targets"]
    rows += [["Mục tiêu tối thiểu (%)", None, percent(targets["minimum"])],
             ["Mục tiêu (%)", None, percent(targets["goal"])]]
    return Table("Theo tiêu chí", headers, rows)


def _dossiers(report: dict) -> Table:
    """Dossiers seen, received at the first visit, visits by outcome, sent back by service."""
    dossiers = report["dossiers"]
    outcomes = page_texts("outcome", "vi")
    rows: list[list] = [["Hồ sơ", "Số mã hồ sơ", dossiers["seen"]],
                        ["Hồ sơ", "% tiếp nhận ngay lần đầu",
                         percent(dossiers["first_contact_share"])]]
    rows += [["Kết quả tiếp nhận", outcomes.get(code, code) if code != "unrecorded"
              else "Chưa ghi kết quả", count] for code, count in dossiers["by_outcome"].items()]
    rows += [["% yêu cầu bổ sung", row["name"], percent(row["supplement_share"])]
             for row in dossiers["by_service"]]
    return Table("Hồ sơ", ["Nhóm", "Nội dung", "Giá trị"], rows)


def definitions_table() -> Table:
    """How every figure is computed, in Vietnamese and English."""
    return Table("Cách tính", ["Chỉ tiêu", "Cách tính", "Definition"],
                 [list(row) for row in DEFINITIONS])


def xlsx_bytes(tables: Iterable[Table]) -> bytes:
    """A workbook with one sheet per table: bold headers, frozen first row."""
    # Imported here: openpyxl adds 7 MB to every worker, and most never export.
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    for table in tables:
        sheet = book.create_sheet(table.title[:31])
        sheet.freeze_panes = "A2"
        for index, header in enumerate(table.headers, 1):
            sheet.column_dimensions[get_column_letter(index)].width = max(12, len(header) + 2)
        sheet.append([_bold(sheet, header) for header in table.headers])
        for row in table.rows:
            sheet.append([_cell(sheet, value) for value in safe_row(row)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell(sheet: Any, value: object) -> object:
    """Dates as real date cells shown dd/mm/yyyy, whatever the reader's regional settings."""
    if not isinstance(value, date):
        return value
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)  # type: ignore[arg-type]  # the stub omits date
    cell.number_format = XLSX_MOMENT if isinstance(value, datetime) else XLSX_DAY
    return cell


def _bold(sheet: Any, text: str) -> Any:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    cell = WriteOnlyCell(sheet, value=safe_row([text])[0])  # type: ignore[arg-type]  # a str
    cell.font = Font(bold=True)
    return cell


def table_csv(table: Table) -> str:
    """One table as CSV (UTF-8 with BOM for Excel)."""
    return csv_text(table.headers, table.rows)


def officer_table(report: dict) -> Table:
    """The monthly officer report as one sheet."""
    headers = ["Cán bộ", "Tên đăng nhập", "Số ngày làm việc", "Đã phục vụ",
               "Phục vụ TB (phút)", "Phục vụ P90 (phút)", "Vắng mặt", "Tỷ lệ vắng mặt (%)",
               "Số đánh giá", "% hài lòng",
               *(f"Lý do: {names[0]}" for names in REASONS.values()), "Góp ý"]
    rows = [[row["name"], row["staff"], row["days_worked"], row["served"],
             minutes(row["service_s"]["mean"]), minutes(row["service_s"]["p90"]),
             row["no_show"], percent(row["no_show_rate"]), row["ratings"],
             percent(row["satisfied_share"]), *row["reasons"].values(), row["comments"]]
            for row in report["officers"]]
    first = date.fromisoformat(report["from"])
    return Table(f"Cán bộ {first:%m-%Y}", headers, rows)


LEAGUE_FLAGS = {"wait": "Chờ quá mục tiêu", "satisfaction": "Hài lòng dưới mức tối thiểu"}


def province_table(report: dict) -> Table:
    """The league table: every office in league order, then the province's total."""
    def place(row: dict) -> tuple:
        found = row["league"]["place"]
        return (found is None, found or 0, row["name"].casefold())

    rows = [[row["office"], row["name"], row["open_feedback"], *figure_values(row),
             percent(row["first_contact_share"]), row["league"]["place"],
             ", ".join(LEAGUE_FLAGS[flag] for flag in row["league"]["flags"])]
            for row in sorted(report["offices"], key=place)]
    rows.append(["", "Toàn tỉnh", sum(r["open_feedback"] for r in report["offices"]),
                 *figure_values(report["total"]),
                 percent(report["total"]["first_contact_share"]), None, ""])
    return Table("Các điểm tiếp nhận", ["Mã điểm", "Điểm tiếp nhận", "Phản hồi còn mở",
                                        *FIGURE_HEADERS, "Tiếp nhận ngay lần đầu (%)",
                                        "Xếp hạng", "Cần chú ý"], rows)
