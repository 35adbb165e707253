"""The checklist slip: parsed strictly, rendered through escpos's Dummy printer on every
profile, in Vietnamese, with the same paper as its preview and a QR code that reads."""

from __future__ import annotations

import pytest
import zxingcpp

from printer.jobs import Job
from printer.profiles import PROFILES, get_profile
from printer.render import render_escpos, render_preview
from printer.slip import ChecklistSlip, Slip, parse_slip

from .test_printer_render import read_commands, rebuild_paper

ALL_PROFILES = sorted(PROFILES)


def checklist(**overrides) -> ChecklistSlip:
    values = dict(
        office_name="Bộ phận TN&TKQ – UBND huyện Cam Lâm",
        heading="DANH SÁCH GIẤY TỜ CẦN CHUẨN BỊ",
        title="Đăng ký đất đai, cấp Giấy chứng nhận quyền sử dụng đất lần đầu",
        code_line="Mã thủ tục: VD.DD.01",
        items=("Đơn đăng ký đất đai, tài sản gắn liền với đất (theo mẫu)",
               "Giấy tờ về quyền sử dụng đất (nếu có)", "Sơ đồ thửa đất"),
        notes=("Thời hạn giải quyết: Không quá 20 ngày làm việc", "Nộp hồ sơ tại: Quầy 1, 2"),
        printed_line="In lúc 09:00 26/11/2026",
        qr_payload="http://queue.test/thu-tuc/cam-lam/VD.DD.01",
        qr_caption="Quét mã QR để xem thủ tục trên điện thoại",
        footer="Mang đủ giấy tờ khi quay lại. Xin cảm ơn!")
    return ChecklistSlip(**{**values, **overrides})


def test_a_checklist_goes_through_json_and_back():
    slip = checklist()
    assert parse_slip(slip.to_dict()) == slip
    assert slip.to_dict()["kind"] == "checklist" and slip.to_dict()["items"][2] == "Sơ đồ thửa đất"


@pytest.mark.parametrize(("change", "reason"), [
    ({"items": "Đơn"}, "must be a list of strings"),
    ({"items": ["Đơn", 3]}, "must be a list of strings"),
    ({"extra": "x"}, "unknown keys: extra"),
    ({"title": None}, "must be a string"),
])
def test_a_malformed_checklist_is_refused(change, reason):
    data = {**checklist().to_dict(), **change}
    with pytest.raises(ValueError, match=reason):
        parse_slip(data)


def test_a_checklist_missing_a_key_is_refused_and_tickets_still_parse(make_slip):
    data = checklist().to_dict()
    del data["items"]
    with pytest.raises(ValueError, match="missing keys: items"):
        parse_slip(data)
    ticket = make_slip()
    assert isinstance(parse_slip(ticket.to_dict()), Slip)
    job = Job.from_payload({"id": 1, "key": "k", "slip": checklist().to_dict()}, 0.0)
    assert isinstance(job.slip_object(), ChecklistSlip) and job.number == "job-1"


@pytest.mark.parametrize("name", ALL_PROFILES)
def test_the_printed_checklist_is_its_preview_and_its_qr_code_reads(name):
    profile, slip = get_profile(name), checklist()
    job = render_escpos(slip, profile)
    commands = read_commands(job)
    assert commands[0] == ("init",)
    assert max(c[2] for c in commands if c[0] == "raster" and c[1] == 0) <= profile.dot_width // 8
    paper = rebuild_paper(job, profile, slip.qr_payload)
    preview = render_preview(slip, profile)
    assert paper.size == preview.size and paper.tobytes() == preview.tobytes()
    decoded = zxingcpp.read_barcodes(preview.convert("L"))
    assert [code.text for code in decoded] == [slip.qr_payload]


def test_more_documents_make_a_longer_slip_and_each_gets_a_box():
    profile = get_profile("80mm")
    short = render_preview(checklist(items=("Tờ khai",)), profile)
    long = render_preview(checklist(items=tuple(f"Giấy tờ số {n}" for n in range(8))), profile)
    assert long.height > short.height + 7 * 24


def test_a_ticket_names_its_procedure_under_the_service(make_slip):
    profile = get_profile("80mm")
    plain = render_preview(make_slip(), profile)
    named = render_preview(make_slip(procedure_line="Thủ tục: Đăng ký khai sinh"), profile)
    assert named.height > plain.height
    assert "procedure_line" not in make_slip().to_dict()  # older agents still read it
