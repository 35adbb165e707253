"""XLSX and CSV exports open, carry Vietnamese headers and local times, match the API, and never
let a typed comment run as a formula."""

import csv
import io
from datetime import datetime

import pytest
from openpyxl import load_workbook

from ..conftest import bearer
from .test_stats_api import OFFICE, THURSDAY, day  # noqa: F401 - the scripted-day fixture


def download(client, accounts, path):
    answer = client.get(path, headers=bearer(accounts["manager1"]))
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer


def workbook(client, accounts, path):
    return load_workbook(io.BytesIO(download(client, accounts, path).get_data()))


def rows(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def minutes(seconds):
    return None if seconds is None else round(seconds / 60, 1)


def test_the_report_workbook_matches_the_api(client, accounts, day):
    report = client.get(f"{OFFICE}/stats?{THURSDAY}",
                        headers=bearer(accounts["manager1"])).get_json()
    book = workbook(client, accounts, f"{OFFICE}/stats.xlsx?{THURSDAY}")
    assert book.sheetnames == ["Tổng hợp", "Theo lĩnh vực", "Theo quầy", "Theo cán bộ",
                               "Theo giờ", "Đánh giá và lý do", "Theo tiêu chí", "Hồ sơ",
                               "Cách tính"]
    summary = dict(rows(book["Tổng hợp"])[1:])
    assert summary["Số phiếu cấp"] == report["issued"] == 8
    assert summary["Chờ TB (phút)"] == minutes(report["wait_s"]["mean"])
    assert summary["Chờ P90 (phút)"] == minutes(report["wait_s"]["p90"])
    assert summary["Phục vụ trung vị (phút)"] == minutes(report["service_s"]["p50"])
    assert summary["% hài lòng"] == 50.0
    assert summary["% chờ quá mục tiêu"] == 33.3
    header, *services = rows(book["Theo lĩnh vực"])
    assert header[:4] == ["Mã lĩnh vực", "Lĩnh vực", "Số phiếu cấp", "Đã gọi"]
    for row, expected in zip(services, report["by_service"], strict=True):
        line = dict(zip(header, row, strict=True))
        assert line["Lĩnh vực"] == expected["name"]
        assert line["Đã phục vụ"] == expected["served"]
        assert line["Chờ lâu nhất (phút)"] == minutes(expected["wait_s"]["max"])
    staff = [dict(zip(rows(book["Theo cán bộ"])[0], row, strict=True))
             for row in rows(book["Theo cán bộ"])[1:]]
    assert [line["Cán bộ"] for line in staff] == ["Nguyễn Văn An", "Trần Thị Bình"]
    hours = rows(book["Theo giờ"])
    assert [row[1] for row in hours[1:]] == ["08:00–08:59", "09:00–09:59", "10:00–10:59",
                                             "13:00–13:59"]


def test_raw_tickets_have_local_times_and_defused_comments(client, accounts, day):
    book = workbook(client, accounts, f"{OFFICE}/tickets.xlsx?{THURSDAY}")
    header, *tickets = rows(book["Phiếu"])
    assert len(tickets) == 8
    first = dict(zip(header, tickets[0], strict=True))
    # Issued 08:00 in Hồ Chí Minh City (01:00 UTC): the sheet shows the wall clock.
    assert first["Giờ lấy số"] == datetime(2026, 11, 26, 8, 0)  # noqa: DTZ001 - as the sheet has it
    assert first["Giờ gọi lần đầu"] == datetime(2026, 11, 26, 8, 10)  # noqa: DTZ001 - same
    assert (first["Chờ (phút)"], first["Phục vụ (phút)"], first["Trạng thái"]) == (
        10.0, 10.0, "Đã phục vụ")
    assert first["Mức đánh giá"] == 5 and first["Đến lần thứ"] == "Lần đầu"
    thanks = next(dict(zip(header, row, strict=True)) for row in tickets
                  if row[header.index("Góp ý")])
    comments = {dict(zip(header, row, strict=True))["Góp ý"] for row in tickets}
    assert "'=Cảm ơn cán bộ" in comments  # typed as "=Cảm ơn…": text, never a formula
    assert thanks is not None
    cell = next(c for c in book["Phiếu"]["V"] if c.value == "'=Cảm ơn cán bộ")
    assert cell.data_type == "s"


def test_dates_in_workbooks_are_date_cells_shown_day_first(client, accounts, day):
    book = workbook(client, accounts, f"{OFFICE}/stats.xlsx?{THURSDAY}")
    cells = {row[0].value: row[1] for row in book["Tổng hợp"].iter_rows(min_row=2)}
    assert cells["Từ ngày"].value == datetime(2026, 11, 26)  # noqa: DTZ001 - cells hold local time
    assert cells["Từ ngày"].number_format == "dd/mm/yyyy"
    tickets = workbook(client, accounts, f"{OFFICE}/tickets.xlsx?{THURSDAY}")["Phiếu"]
    issued = tickets.cell(row=2, column=next(
        cell.column for cell in tickets[1] if cell.value == "Giờ lấy số"))
    assert issued.number_format == "dd/mm/yyyy hh:mm:ss"


def test_csv_decimals_use_a_comma_as_vietnamese_excel_expects(client, accounts, day):
    text = download(client, accounts,
                    f"{OFFICE}/stats.csv?{THURSDAY}&table=summary").get_data(as_text=True)
    summary = dict(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert summary["% chờ quá mục tiêu"] == "33,3"
    assert summary["Từ ngày"] == "26/11/2026"
    assert text.lstrip("\ufeff").startswith("Chỉ tiêu;Giá trị\r\n")


def test_csv_exports_have_a_bom_vietnamese_headers_and_local_times(client, accounts, day):
    text = download(client, accounts, f"{OFFICE}/tickets.csv?{THURSDAY}").get_data(as_text=True)
    assert text.startswith("\ufeff")
    table = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert table[0]["Giờ lấy số"] == "26/11/2026 08:00:00"
    assert table[0]["Chờ (phút)"] == "10"
    assert table[0]["Lĩnh vực lấy số"] == "Đất đai"
    assert any(row["Góp ý"] == "'=Cảm ơn cán bộ" for row in table)
    transferred = next(row for row in table if row["Được chuyển"] == "Có")
    assert (transferred["Lĩnh vực lấy số"], transferred["Lĩnh vực cuối"]) == (
        "Tư pháp – Hộ tịch", "Đất đai")


@pytest.mark.parametrize(("table", "header"), [
    ("summary", "Chỉ tiêu"), ("service", "Mã lĩnh vực"), ("counter", "Quầy"),
    ("staff", "Tên đăng nhập"), ("hour", "Giờ"), ("reasons", "Nhóm")])
def test_every_report_table_is_a_csv(client, accounts, day, table, header):
    text = download(client, accounts,
                    f"{OFFICE}/stats.csv?{THURSDAY}&table={table}").get_data(as_text=True)
    assert next(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))[0] == header


def test_the_officer_workbook_matches_the_officer_report(client, accounts, day):
    report = client.get(f"{OFFICE}/officer-report?month=2026-11",
                        headers=bearer(accounts["manager1"])).get_json()
    book = workbook(client, accounts, f"{OFFICE}/officer-report.xlsx?month=2026-11")
    header, *lines = rows(book["Cán bộ 11-2026"])
    by_login = {line[1]: dict(zip(header, line, strict=True)) for line in lines}
    for officer in report["officers"]:
        line = by_login[officer["staff"]]
        assert line["Đã phục vụ"] == officer["served"]
        assert line["Số ngày làm việc"] == officer["days_worked"]
        assert line["Phục vụ P90 (phút)"] == minutes(officer["service_s"]["p90"])
    assert by_login["canbo.an"]["Tỷ lệ vắng mặt (%)"] == 33.3


def test_the_province_workbook_has_every_office_and_the_total(client, accounts, day):
    answer = client.get(f"/api/v1/stats.xlsx?{THURSDAY}", headers=bearer(accounts["admin1"]))
    sheet = load_workbook(io.BytesIO(answer.get_data()))["Các điểm tiếp nhận"]
    names = [row[1] for row in rows(sheet)[1:]]
    assert names == ["Bộ phận Một cửa – Xã Thử", "Phường Khác", "Toàn tỉnh"]
    assert rows(sheet)[-1][3] == 8  # the province's issued tickets
