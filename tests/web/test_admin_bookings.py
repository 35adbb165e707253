"""/admin's bookings: the day's list and figures per slot; closing a day cancels its bookings,
tells each phone, and offers no more slots that day."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select, update

from queue_server.booking import bookings
from queue_server.models import (
    AdminAction,
    AdminAuditEntry,
    AdminObject,
    Booking,
    BookingStatus,
    OutboxMessage,
    Service,
)
from queue_server.tickets.queue_state import find_office

from ..conftest import THURSDAY_9AM, local
from ..support.browsing import Browser

DAY = "2026-11-30"


@pytest.fixture
def settings(settings):
    return replace(settings, sms_gateway_url="http://127.0.0.1:9/unused")


@pytest.fixture
def booked(app, accounts) -> list[str]:
    with app.extensions["queue"].sessions() as session:
        session.execute(update(Service).where(Service.code == "dat-dai")
                        .values(booking_capacity=2))
        office = find_office(session, "test-office")
        codes = []
        for phone, hour in (("84912000001", 10), ("84912000002", 10), ("84912000003", 14)):
            held = bookings.hold(session, office, "dat-dai", local(2026, 11, 30, hour), phone,
                                 now=THURSDAY_9AM)
            codes.append(bookings.confirm(session, held.booking.hold_id, held.otp,
                                          now=THURSDAY_9AM).code)
        bookings.cancel(session, codes[2], now=THURSDAY_9AM)
        session.commit()
    return codes


def test_the_day_lists_bookings_and_figures_per_slot(app, booked):
    page = Browser(app, "manager1").get(f"/admin/offices/test-office/bookings?day={DAY}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert all(code in text for code in booked) and "84912000001" not in text and "…001" in text
    assert "<td>10:00</td><td>2</td><td>0</td><td>0</td><td>0</td>" in text
    assert "<td>14:00</td><td>0</td><td>0</td><td>0</td><td>1</td>" in text
    assert 'data-testid="booking-waits"' in text


def test_closing_a_day_cancels_its_bookings_and_tells_each_phone(app, client, booked):
    browser = Browser(app, "manager1")
    answer = browser.post("/admin/offices/test-office/bookings/close-day", {"day": DAY})
    assert answer.status_code == 302
    with app.extensions["queue"].sessions() as session:
        office = find_office(session, "test-office")
        assert DAY in office.holidays
        messages = session.scalars(select(OutboxMessage).where(
            OutboxMessage.kind == "booking_cancelled")).all()
        assert sorted(message.destination for message in messages) == [
            "84912000001", "84912000002"]
        statuses = {booking.status for booking in session.scalars(
            select(Booking).where(Booking.code.in_(booked)))}
        assert statuses == {BookingStatus.CANCELLED}
        logged = session.scalars(select(AdminAuditEntry).where(
            AdminAuditEntry.object_kind == AdminObject.OFFICE,
            AdminAuditEntry.actor == "manager1")).all()
        assert [(entry.actor, entry.action, DAY in entry.changes["holidays"][1],
                 DAY in entry.changes["holidays"][0]) for entry in logged] == [
            ("manager1", AdminAction.UPDATED, True, False)]
    assert client.get(f"/api/v1/offices/test-office/slots?service=dat-dai&date={DAY}"
                      ).get_json() == []
    assert "data-testid=\"day-closed\"" in browser.get(
        f"/admin/offices/test-office/bookings?day={DAY}").get_data(as_text=True)


def test_a_manager_sets_a_services_bookings_per_slot(app, accounts):
    browser = Browser(app, "manager1")
    form = browser.get("/admin/offices/test-office/services/tu-phap").get_data(as_text=True)
    assert 'name="booking_capacity"' in form
    answer = browser.post("/admin/offices/test-office/services/tu-phap", {
        "name": "Tư pháp – Hộ tịch", "name_en": "", "prefix": "2", "start_number": "1",
        "daily_capacity": "", "booking_capacity": "3", "mean_service_minutes": "5",
        "target_wait_minutes": "15", "sort_order": "1", "state": "open"})
    assert answer.status_code == 303, answer.get_data(as_text=True)[:500]
    with app.extensions["queue"].sessions() as session:
        assert session.scalar(select(Service.booking_capacity).where(
            Service.code == "tu-phap")) == 3


def test_the_dashboard_shows_todays_bookings_per_slot(app, accounts):
    with app.extensions["queue"].sessions() as session:
        session.execute(update(Service).where(Service.code == "dat-dai")
                        .values(booking_capacity=2))
        office = find_office(session, "test-office")
        held = bookings.hold(session, office, "dat-dai", local(2026, 11, 26, 10), "84912000001",
                             now=THURSDAY_9AM)
        bookings.confirm(session, held.booking.hold_id, held.otp, now=THURSDAY_9AM)
        session.commit()
    page = Browser(app, "manager1").get("/dashboard/test-office").get_data(as_text=True)
    assert 'data-testid="today-bookings"' in page
    assert "<td>10:00</td><td>1</td><td>0</td><td>0</td><td>0</td>" in page
