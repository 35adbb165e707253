"""Procedure files as provinces send them: generated catalogues in .xlsx and .csv."""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import Workbook

# The national database's export headers, in its order, with columns we do not read.
NATIONAL_HEADERS = ["STT", "Mã thủ tục", "Tên thủ tục", "Lĩnh vực", "Cấp thực hiện",
                    "Thành phần hồ sơ", "Thời hạn giải quyết", "Phí, lệ phí",
                    "Mẫu đơn, tờ khai", "Căn cứ pháp lý", "service"]
FIELDS = [("Đất đai", "dat-dai"), ("Tư pháp – Hộ tịch", "tu-phap")]
TOPICS = ["Đăng ký", "Cấp bản sao", "Chứng thực", "Thay đổi", "Gia hạn", "Điều chỉnh",
          "Xác nhận", "Cấp lại"]
SUBJECTS = ["khai sinh", "kết hôn", "quyền sử dụng đất", "giấy phép xây dựng", "hộ kinh doanh",
            "khai tử", "nhận cha mẹ con", "biến động đất đai", "hợp đồng", "di chúc"]


def national_rows(count: int, services: tuple[str, str] = ("dat-dai", "tu-phap")
                  ) -> list[list[object]]:
    """count procedures under the national headers (first row), each with a unique code."""
    rows: list[list[object]] = [NATIONAL_HEADERS]
    for index in range(count):
        field = FIELDS[index % len(FIELDS)][0]
        service = services[index % len(services)]
        name = (f"{TOPICS[index % len(TOPICS)]} {SUBJECTS[index // len(TOPICS) % len(SUBJECTS)]}"
                f" số {index}")
        documents = "\n".join(f"- Giấy tờ thứ {n} của thủ tục {index}" for n in range(1, 4))
        rows.append([index + 1, f"1.{index:06d}.000.00.00.H37", name, field, "Cấp xã", documents,
                     "05 ngày làm việc", "Không", "Tờ khai theo mẫu", "Luật Hộ tịch 2014",
                     service])
    return rows


def write_xlsx(path: Path, rows: list[list[object]], *, title: str | None = None) -> Path:
    """The rows as the first sheet of a workbook, under an optional title row."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    if title:
        sheet.append([title])
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def write_csv(path: Path, rows: list[list[object]]) -> Path:
    """The rows as UTF-8 CSV."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


# A small catalogue under our own headers, in another order.
OUR_HEADERS = ["name", "code", "service", "field", "documents", "fees", "processing_time",
               "forms", "legal_basis", "url"]
SMALL = [
    OUR_HEADERS,
    ["Đăng ký khai sinh", "1.001193.000.00.00.H37", "tu-phap", "Hộ tịch",
     "Tờ khai đăng ký khai sinh\nGiấy chứng sinh", "Miễn lệ phí", "Ngay trong ngày", "", "",
     "https://dichvucong.gov.vn/p/1"],
    ["Đăng ký kết hôn", "1.000894.000.00.00.H37", "tu-phap", "Hộ tịch",
     "Tờ khai đăng ký kết hôn\nGiấy xác nhận tình trạng hôn nhân", "Miễn lệ phí",
     "Ngay trong ngày", "", "", ""],
    ["Cấp giấy chứng nhận quyền sử dụng đất lần đầu", "1.012345.000.00.00.H37", "dat-dai",
     "Đất đai", "Đơn đăng ký\nGiấy tờ về quyền sử dụng đất", "Theo quy định của tỉnh",
     "30 ngày", "", "", ""],
]
