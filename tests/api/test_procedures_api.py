"""The catalogue over HTTP: forgiving search, one procedure, tickets for a procedure, and the
checklist slip printed on the kiosk's printer."""

from __future__ import annotations

import pytest

from printer.fonts import load_font, renders_as_notdef
from printer.profiles import get_profile
from printer.render import render_escpos
from printer.slip import ChecklistSlip, parse_slip
from queue_server.models import PrintJob
from queue_server.procedures.importing import import_file
from queue_server.tickets.queue_state import find_office

from ..conftest import bearer
from ..support.procedure_files import SMALL, write_csv

BIRTH = "1.001193.000.00.00.H37"
LAND = "1.012345.000.00.00.H37"
OFFICE_API = "/api/v1/offices/test-office"


@pytest.fixture
def catalogue(app, clock, tmp_path):
    with app.extensions["queue"].sessions() as session:
        office = find_office(session, "test-office")
        import_file(session, office, write_csv(tmp_path / "p.csv", SMALL), now=clock())
        session.commit()


def hide(app, code):
    from sqlalchemy import update

    from queue_server.models import Procedure

    with app.extensions["queue"].sessions() as session:
        session.execute(update(Procedure).where(Procedure.code == code).values(is_hidden=True))
        session.commit()


@pytest.mark.parametrize("query", ["dang ky khai sinh", "khai sinh", "KHAI SINH", "sinh khai"])
def test_search_finds_birth_registration_without_diacritics(client, catalogue, query):
    response = client.get(f"{OFFICE_API}/procedures", query_string={"q": query})
    assert response.status_code == 200
    first = response.get_json()[0]
    assert first == {
        "code": BIRTH, "name": "Đăng ký khai sinh", "field": "Hộ tịch", "service": "tu-phap",
        "service_name": "Tư pháp – Hộ tịch", "service_name_en": "Tư pháp – Hộ tịch",
        "documents": ["Tờ khai đăng ký khai sinh", "Giấy chứng sinh"],
        "processing_time": "Ngay trong ngày", "fees": "Miễn lệ phí"}


def test_search_by_field_and_the_list_of_fields(client, catalogue):
    listed = client.get(f"{OFFICE_API}/procedures", query_string={"field": "Đất đai"})
    assert [p["code"] for p in listed.get_json()] == [LAND]
    fields = client.get(f"{OFFICE_API}/procedure-fields").get_json()
    assert fields == [{"name": "Đất đai", "count": 1}, {"name": "Hộ tịch", "count": 2}]


def test_bad_searches_are_400_and_unknown_offices_404(client, catalogue):
    assert client.get(f"{OFFICE_API}/procedures?x=1").status_code == 400
    long = client.get(f"{OFFICE_API}/procedures", query_string={"q": "a" * 201})
    assert long.status_code == 400
    assert client.get("/api/v1/offices/nowhere/procedures").status_code == 404


def test_one_procedure_has_everything_and_the_current_wait(client, catalogue, accounts):
    client.post(f"{OFFICE_API}/tickets", json={"service": "tu-phap"},
                headers=bearer(accounts["kiosk"]))
    body = client.get(f"{OFFICE_API}/procedures/{BIRTH}").get_json()
    assert body["name"] == "Đăng ký khai sinh" and body["url"] == "https://dichvucong.gov.vn/p/1"
    assert body["counters"] == [3] and body["waiting"] == 1 and body["is_open"] is True
    assert body["estimated_wait_s"] > 0
    assert body["page_url"] == f"http://queue.test/thu-tuc/test-office/{BIRTH}"
    hide(client.application, BIRTH)
    missing = client.get(f"{OFFICE_API}/procedures/{BIRTH}")
    assert missing.status_code == 404
    assert missing.get_json()["error"]["code"] == "unknown_procedure"


def test_a_ticket_for_a_procedure_takes_its_service_and_names_it(client, catalogue, accounts):
    response = client.post(f"{OFFICE_API}/tickets", json={"procedure": LAND},
                           headers=bearer(accounts["kiosk"]))
    assert response.status_code == 201
    ticket = response.get_json()
    assert ticket["service"] == "dat-dai"
    assert ticket["procedure"] == {"code": LAND,
                                   "name": "Cấp giấy chứng nhận quyền sử dụng đất lần đầu"}
    again = client.get(f"/api/v1/tickets/{ticket['code']}").get_json()
    assert again["procedure"] == ticket["procedure"]
    plain = client.post(f"{OFFICE_API}/tickets", json={"service": "dat-dai"},
                        headers=bearer(accounts["kiosk"]))
    assert plain.get_json()["procedure"] is None


@pytest.mark.parametrize(("body", "code"), [
    ({"procedure": "9.999"}, "unknown_procedure"),
    ({"procedure": BIRTH, "service": "dat-dai"}, "invalid_field"),
    ({}, "invalid_field"),
    ({"procedure": 5}, "invalid_field"),
])
def test_bad_procedure_tickets_are_400(client, catalogue, accounts, body, code):
    response = client.post(f"{OFFICE_API}/tickets", json=body, headers=bearer(accounts["kiosk"]))
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == code


def test_a_hidden_procedure_takes_no_tickets(client, catalogue, accounts):
    hide(client.application, LAND)
    response = client.post(f"{OFFICE_API}/tickets", json={"procedure": LAND},
                           headers=bearer(accounts["kiosk"]))
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "unknown_procedure"
    assert "Không có thủ tục" in response.get_json()["error"]["message"]


def test_the_kiosk_prints_a_checklist_in_vietnamese_on_its_printer(client, catalogue, accounts,
                                                                   add_printer):
    add_printer("may-in-1", kiosk="kiosk-1")
    response = client.post(f"{OFFICE_API}/procedures/{BIRTH}/print",
                           headers=bearer(accounts["kiosk"]))
    assert response.status_code == 201
    assert response.get_json()["print"]["printer"] == "may-in-1"
    with client.application.extensions["queue"].sessions() as session:
        job = session.get(PrintJob, response.get_json()["print"]["job"])
        assert job is not None and job.ticket_id is None
        slip = parse_slip(job.slip)
    assert isinstance(slip, ChecklistSlip)
    assert slip.heading == "DANH SÁCH GIẤY TỜ CẦN CHUẨN BỊ"
    assert slip.items == ("Tờ khai đăng ký khai sinh", "Giấy chứng sinh")
    assert slip.notes == ("Thời hạn giải quyết: Ngay trong ngày", "Phí, lệ phí: Miễn lệ phí",
                          "Nộp hồ sơ tại: Quầy 3")
    assert slip.qr_payload == f"http://queue.test/thu-tuc/test-office/{BIRTH}"
    font = load_font(24)
    texts = [slip.heading, slip.title, *slip.items, *slip.notes, slip.footer]
    assert not [c for text in texts for c in text if not c.isspace()
                and renders_as_notdef(font, c)]
    output = render_escpos(slip, get_profile("80mm"))
    assert output.startswith(b"\x1b@") and b"\x1dv0" in output and output.endswith(b"\x1dV\x00")


def test_checklists_need_a_printer_and_a_kiosk_or_staff(client, catalogue, accounts):
    no_printer = client.post(f"{OFFICE_API}/procedures/{BIRTH}/print",
                             headers=bearer(accounts["kiosk"]))
    assert no_printer.status_code == 409
    assert no_printer.get_json()["error"]["code"] == "no_printer"
    for caller in ("display", "other_kiosk", "otherstaff"):
        refused = client.post(f"{OFFICE_API}/procedures/{BIRTH}/print",
                              headers=bearer(accounts[caller]))
        assert refused.status_code == 403, caller
    assert client.post(f"{OFFICE_API}/procedures/{BIRTH}/print").status_code == 401


def test_the_report_counts_tickets_outcomes_and_waits_per_procedure(client, catalogue,
                                                                    accounts, clock):
    from datetime import timedelta

    kiosk, staff = bearer(accounts["kiosk"]), bearer(accounts["staff1"])
    start = clock.now
    for code in (LAND, LAND, BIRTH):
        client.post(f"{OFFICE_API}/tickets", json={"procedure": code}, headers=kiosk)
    client.post(f"{OFFICE_API}/tickets", json={"service": "dat-dai"}, headers=kiosk)
    clock.now = start + timedelta(minutes=4)
    assert client.post(f"{OFFICE_API}/counters/1/call-next", headers=staff).status_code == 200
    clock.now = start + timedelta(minutes=10)
    assert client.post(f"{OFFICE_API}/counters/1/call-next", headers=staff).status_code == 200
    assert client.post(f"{OFFICE_API}/counters/1/recall", headers=staff).status_code == 200
    assert client.post(f"{OFFICE_API}/counters/1/no-show", headers=staff).status_code == 200
    refused = client.get(f"{OFFICE_API}/stats/procedures", headers=staff)
    assert refused.status_code == 403
    report = client.get(f"{OFFICE_API}/stats/procedures?from=2026-11-26&to=2026-11-26",
                        headers=bearer(accounts["manager1"])).get_json()
    assert [(row["code"], row["issued"], row["called"], row["served"], row["no_show"])
            for row in report["by_procedure"]] == [(LAND, 2, 2, 1, 1), (BIRTH, 1, 0, 0, 0)]
    land = report["by_procedure"][0]
    assert land["wait_s"] == {"mean": 420.0, "p50": 240, "p90": 600, "max": 600}
    assert land["no_show_share"] == 0.5 and land["service"] == "dat-dai"
    assert report["by_procedure"][1]["wait_s"]["p50"] is None


@pytest.mark.parametrize("path", [f"{OFFICE_API}/procedures/1.1%00x",
                                  f"{OFFICE_API}/procedures?q=%00&field=%00"])
def test_hostile_codes_and_queries_are_answered_plainly(client, catalogue, path):
    response = client.get(path)
    assert response.status_code in (200, 400, 404)  # never a 500
    assert response.is_json
