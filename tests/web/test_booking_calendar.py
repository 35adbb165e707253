"""The booking's page and its "add to calendar" file, by code; unknown codes are 404."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest
from icalendar import Calendar
from sqlalchemy import update

from queue_server.models import Service
from queue_server.procedures.importing import ProcedureSpec, apply_specs
from queue_server.tickets.queue_state import find_office

from ..support.gateway import FakeGateway


@pytest.fixture
def gateway():
    listener = FakeGateway().start()
    yield listener
    listener.stop()


@pytest.fixture
def settings(settings, gateway):
    return replace(settings, sms_gateway_url=gateway.url + "/send")


@pytest.fixture
def booking(app, client, gateway) -> dict:
    with app.extensions["queue"].sessions() as session:
        session.execute(update(Service).where(Service.code == "dat-dai")
                        .values(booking_capacity=1))
        session.commit()
    held = client.post("/api/v1/offices/test-office/bookings", json={
        "service": "dat-dai", "start": "2026-11-26T10:00:00+07:00", "phone": "0912345678"})
    otp = re.search(r"\b(\d{6})\b", json.loads(gateway.wait_for(1)[0].body)["message"])
    answer = client.post(f"/api/v1/bookings/{held.get_json()['booking']}/confirm",
                         json={"otp": otp.group(1)})
    assert answer.status_code == 201
    return answer.get_json()


def test_the_booking_page_shows_the_code_its_qr_and_the_calendar_link(client, booking):
    page = client.get(f"/lich-hen/{booking['code']}").get_data(as_text=True)
    assert booking["code"] in page and "data:image/svg+xml;base64," in page
    assert "10:00–10:15 26/11/2026" in page and "Thêm vào lịch của điện thoại" in page
    answer = client.get(f"/lich-hen/{booking['code']}/lich-hen.ics")
    assert answer.status_code == 200 and answer.mimetype == "text/calendar"
    [event] = Calendar.from_ical(answer.data).walk("VEVENT")
    assert event.decoded("dtstart").isoformat() == "2026-11-26T03:00:00+00:00"
    assert booking["code"] in str(event["description"])
    assert client.get("/lich-hen/ACDE3467").status_code == 404
    assert client.get("/lich-hen/ACDE3467/lich-hen.ics").status_code == 404


def test_the_booking_form_lists_the_bookable_services_days_and_procedures(app, client,
                                                                          booking, clock):
    with app.extensions["queue"].sessions() as session:
        office = find_office(session, "test-office")
        apply_specs(session, office, [
            ProcedureSpec("1.1", "Cấp giấy chứng nhận quyền sử dụng đất", "Đất đai",
                          office.services[0], ("Đơn",), "", "", "", "", ""),
            ProcedureSpec("2.1", "Đăng ký khai sinh", "Hộ tịch", office.services[1], ("Tờ khai",),
                          "", "", "", "", "")], now=clock())
        session.commit()
    page = client.get("/dat-lich/test-office").get_data(as_text=True)
    assert 'value="1.1" data-service="dat-dai"' in page and 'value="2.1"' not in page
    assert 'value="dat-dai"' in page and 'value="tu-phap"' not in page
    assert 'value="2026-11-26"' in page and 'value="2026-12-02"' in page
    assert client.get("/dat-lich/nowhere").status_code == 404
