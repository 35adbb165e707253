"""Benchmark the ticket renderer: bytes per ticket and render times for each profile.

Run from the repository root: .venv/bin/python -m bench.render [--renders 200]
"""

import argparse
import dataclasses
import statistics
import sys
import time
from pathlib import Path

# Allow `python bench/render.py` as well as `python -m bench.render`.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from printer.profiles import PROFILES
from printer.render import render_escpos, render_png
from printer.slip import Slip

SAMPLE = Slip(
    office_name="Trung tâm Phục vụ hành chính công tỉnh Đồng Nai",
    heading="SỐ THỨ TỰ",
    number="1005",
    service="Đất đai",
    counters="Quầy 1, 2",
    ahead_line="Số người đang chờ trước bạn: 3",
    wait_line="Thời gian chờ dự kiến: khoảng 12 phút",
    issued_line="Giờ lấy số: 26/11/2026 08:05",
    qr_payload="http://192.168.1.10:8000/t/Xq3v9KpL2mN8rT5wY7zA1bC4",
    footer="Cảm ơn quý công dân đã sử dụng dịch vụ!",
    qr_caption="Quét mã để theo dõi lượt",
)


def ticket(index: int) -> Slip:
    """The sample slip with the parts that change from ticket to ticket."""
    return dataclasses.replace(
        SAMPLE,
        number=str(1001 + index),
        ahead_line=f"Số người đang chờ trước bạn: {index % 40}",
        wait_line=f"Thời gian chờ dự kiến: khoảng {5 + index % 55} phút",
        issued_line=f"Giờ lấy số: 26/11/2026 {8 + index // 60 % 9:02d}:{index % 60:02d}",
        qr_payload=f"http://192.168.1.10:8000/t/Xq3v9KpL2mN8rT5wY7zA{index:06d}",
    )


def timings(render, profile, renders: int) -> list[float]:
    """Milliseconds for each of `renders` calls, each on a different ticket."""
    spent = []
    for index in range(renders):
        started = time.perf_counter()
        render(ticket(index), profile)
        spent.append((time.perf_counter() - started) * 1000)
    return spent


def summary(spent: list[float]) -> str:
    """Mean and 95th percentile of a list of milliseconds."""
    p95 = statistics.quantiles(spent, n=20)[-1]
    return f"{statistics.mean(spent):6.1f} {p95:6.1f}"


def main() -> None:
    """Print one line of figures per profile."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=200)
    renders = parser.parse_args().renders
    print(f"{renders} tickets per profile; times in ms (mean, p95)")
    print(f"{'profile':14} {'bytes':>6} {'max':>6}  {'escpos':>13}  {'png preview':>13}  cold")
    for name, profile in PROFILES.items():
        started = time.perf_counter()
        render_escpos(ticket(0), profile)
        cold = (time.perf_counter() - started) * 1000
        sizes = [len(render_escpos(ticket(index), profile)) for index in range(20)]
        escpos = summary(timings(render_escpos, profile, renders))
        png = summary(timings(render_png, profile, renders))
        line = f"{name:14} {statistics.mean(sizes):6.0f} {max(sizes):6}  {escpos}  {png}"
        print(f"{line}  {cold:5.1f}")


if __name__ == "__main__":
    main()
