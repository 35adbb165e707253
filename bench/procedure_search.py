"""Procedure search speed: 2,000 generated procedures, searched through the real HTTP API.

    .venv/bin/python bench/procedure_search.py [--procedures 2000] [--rounds 300]

Imports a generated catalogue (the national export's Vietnamese headers, as a province's
.xlsx) into a fresh SQLite database, then asks GET /api/v1/offices/{office}/procedures with
the searches people type at a kiosk (no diacritics, words in any order, half-typed words,
a code, a field) and prints p50/p99 per search and for all of them. Target: p99 under 50 ms.
The calibration row is a fixed pure-Python loop on the same machine, to compare runs.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from openpyxl import Workbook

from queue_server import create_app
from queue_server.core.db import make_engine, make_session_factory
from queue_server.core.migrate import upgrade_database
from queue_server.core.settings import Settings
from queue_server.procedures.importing import import_file
from queue_server.setup.office_file import CounterSpec, OfficeSpec, ServiceSpec
from queue_server.setup.seeding import apply_office_specs

SERVICES = [("dat-dai", "Đất đai"), ("tu-phap", "Tư pháp – Hộ tịch"),
            ("kinh-doanh", "Đăng ký kinh doanh"), ("xay-dung", "Xây dựng"),
            ("lao-dong", "Lao động – Thương binh và Xã hội")]
ACTIONS = ["Đăng ký", "Cấp bản sao", "Chứng thực", "Thay đổi", "Gia hạn", "Điều chỉnh",
           "Xác nhận", "Cấp lại", "Giải quyết", "Thẩm định", "Phê duyệt", "Thu hồi"]
SUBJECTS = ["khai sinh", "kết hôn", "khai tử", "quyền sử dụng đất", "giấy phép xây dựng",
            "hộ kinh doanh", "nhận cha mẹ con", "biến động đất đai", "hợp đồng", "di chúc",
            "trợ cấp xã hội", "người có công", "chế độ thai sản", "nhà ở riêng lẻ",
            "doanh nghiệp tư nhân", "hợp tác xã", "tài sản gắn liền với đất", "cư trú"]
QUALIFIERS = ["", "có yếu tố nước ngoài", "lần đầu", "cho người cao tuổi", "trong khu công nghiệp",
              "tại cấp xã", "theo yêu cầu", "đối với hộ gia đình, cá nhân"]
SEARCHES = {
    "two words, no diacritics": "khai sinh",
    "phrase, no diacritics": "dang ky khai sinh",
    "words out of order": "dat su dung quyen",
    "half-typed last word": "cap ban sa",
    "one common word": "dang",
    "one letter": "d",
    "nothing matches": "xyzw",
    "a code": "1.001234.000.00.00.H37",
    "capitals with diacritics": "GIẤY PHÉP XÂY DỰNG",
}
FIELD = "Hộ tịch"


def catalogue_rows(count: int) -> list[list[object]]:
    """count procedures under the national headers, names varied like a province's list."""
    rows: list[list[object]] = [["STT", "Mã thủ tục", "Tên thủ tục", "Lĩnh vực", "Cấp thực hiện",
                                 "Thành phần hồ sơ", "Thời hạn giải quyết", "Phí, lệ phí",
                                 "Mẫu đơn, tờ khai", "Căn cứ pháp lý", "service"]]
    for index in range(count):
        code, name = SERVICES[index % len(SERVICES)]
        title = (f"{ACTIONS[index % len(ACTIONS)]} {SUBJECTS[index // 3 % len(SUBJECTS)]} "
                 f"{QUALIFIERS[index // 7 % len(QUALIFIERS)]}").strip()
        field = FIELD if code == "tu-phap" and index % 2 else name
        documents = "\n".join(f"- Giấy tờ thứ {n} của hồ sơ số {index}" for n in range(1, 6))
        rows.append([index + 1, f"1.{index:06d}.000.00.00.H37", f"{title} ({index})", field,
                     "Cấp tỉnh", documents, "10 ngày làm việc", "50.000 đồng",
                     "Mẫu số 01", "Nghị định 118/2025/NĐ-CP", code])
    return rows


def seed(folder: Path, count: int) -> str:
    url = f"sqlite:///{folder}/bench.db"
    engine = make_engine(url)
    upgrade_database(engine)
    spec = OfficeSpec(slug="bench", name="Trung tâm Phục vụ hành chính công", timezone=
                      "Asia/Ho_Chi_Minh", opening_hours="24/7", holidays=(),
                      services=tuple(ServiceSpec(code, name, str(i + 1))
                                     for i, (code, name) in enumerate(SERVICES)),
                      counters=(CounterSpec(1, "Quầy 1", tuple(c for c, _ in SERVICES)),),
                      priorities=())
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in catalogue_rows(count):
        sheet.append(row)
    path = folder / "tthc.xlsx"
    workbook.save(path)
    with make_session_factory(engine)() as session:
        office = apply_office_specs(session, [spec])[0]
        started = time.perf_counter()
        result = import_file(session, office, path, now=datetime.now(UTC))
        session.commit()
        print(f"import of {count} procedures from .xlsx: {result.summary()} in "
              f"{time.perf_counter() - started:.2f} s")
    engine.dispose()
    return url


def timed(client, path: str, params: dict, rounds: int) -> tuple[list[float], int]:
    spent, found = [], 0
    for _ in range(rounds):
        started = time.perf_counter()
        response = client.get(path, query_string=params)
        spent.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.get_data(as_text=True)
        found = len(response.get_json())
    return spent, found


def percentiles(spent: list[float]) -> str:
    cuts = statistics.quantiles(spent, n=100)
    return f"p50 {cuts[49]:6.2f} ms  p99 {cuts[98]:6.2f} ms"


def calibration_ms() -> float:
    """A fixed pure-Python loop: how fast this machine runs Python today."""
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        total = 0
        for value in range(1_000_000):
            total += value % 7
        best = min(best, (time.perf_counter() - started) * 1000)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--procedures", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=300)
    arguments = parser.parse_args()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True, cwd=Path(__file__).parents[1]).stdout.strip()
    print(f"commit {commit or 'unknown'}; calibration: 1M-step Python loop "
          f"{calibration_ms():.1f} ms")
    with tempfile.TemporaryDirectory() as folder:
        url = seed(Path(folder), arguments.procedures)
        app = create_app(Settings(database_url=url, secret_key="bench", var_dir=folder,
                                  public_url="http://bench").validated(), async_mode="threading")
        client = app.test_client()
        path = "/api/v1/offices/bench/procedures"
        everything: list[float] = []
        for label, query in SEARCHES.items():
            timed(client, path, {"q": query}, 5)  # warm
            spent, found = timed(client, path, {"q": query}, arguments.rounds)
            everything += spent
            print(f"{label:26} {query!r:28} {found:3} found  {percentiles(spent)}")
        spent, found = timed(client, path, {"field": FIELD}, arguments.rounds)
        everything += spent
        print(f"{'browse a field':26} {FIELD!r:28} {found:3} found  {percentiles(spent)}")
        print(f"{'all searches':59}  {percentiles(everything)}   (target: p99 < 50 ms)")
        app.extensions["queue"].engine.dispose()


if __name__ == "__main__":
    main()
