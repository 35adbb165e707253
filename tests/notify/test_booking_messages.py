"""Booking reminders (the day before, an hour before, once each), the .ics file, and the phones
of past bookings forgotten after the office's retention."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from queue_server.booking import bookings
from queue_server.booking.calendar import booking_ics
from queue_server.models import OutboxMessage
from queue_server.notify.booking_messages import queue_reminders
from queue_server.notify.citizen import Offer

from ..conftest import THURSDAY_9AM, local, office_spec

OFFER = Offer(frozenset({"sms"}))


@pytest.fixture
def office(make_office):
    spec = office_spec()
    return make_office(services=(replace(spec.services[0], booking_capacity=2),
                                 *spec.services[1:]))


def confirmed(session, office, start, phone="84912345678"):
    held = bookings.hold(session, office, "dat-dai", start, phone, now=THURSDAY_9AM)
    return bookings.confirm(session, held.booking.hold_id, held.otp, now=THURSDAY_9AM)


def reminders(session):
    return sorted(message.dedupe_key.split(":")[1] for message in session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "booking_reminder")))


def test_reminders_go_the_day_before_and_an_hour_before_once_each(session, office):
    booking = confirmed(session, office, local(2026, 11, 30, 10))
    assert queue_reminders(session, OFFER, now=local(2026, 11, 29, 9, 59)) == 0
    assert queue_reminders(session, OFFER, now=local(2026, 11, 29, 10)) == 1
    assert queue_reminders(session, OFFER, now=local(2026, 11, 29, 10, 10)) == 0
    assert queue_reminders(session, OFFER, now=local(2026, 11, 30, 9)) == 1
    assert reminders(session) == ["day", "hour"]
    message = session.scalar(select(OutboxMessage).where(
        OutboxMessage.kind == "booking_reminder"))
    assert message.destination == "84912345678"
    assert message.payload["code"] == booking.code
    assert message.payload["start"] == "10:00 30/11/2026"


def test_a_booking_made_within_the_hour_gets_no_reminder(session, office):
    confirmed(session, office, local(2026, 11, 26, 9, 30))
    assert queue_reminders(session, OFFER, now=THURSDAY_9AM + timedelta(minutes=5)) == 0


def test_the_calendar_file_holds_the_booking(session, office):
    booking = confirmed(session, office, local(2026, 11, 30, 10))
    ics = booking_ics(booking, summary="Lịch hẹn: Đất đai", description="Mã", now=THURSDAY_9AM,
                      url=f"http://queue.test/lich-hen/{booking.code}")
    [event] = Calendar.from_ical(ics).walk("VEVENT")
    assert event.decoded("dtstart") == local(2026, 11, 30, 10)
    assert event.decoded("dtend") == local(2026, 11, 30, 10, 15)
    assert str(event["summary"]) == "Lịch hẹn: Đất đai"
    assert str(event["location"]) == office.name


def test_phones_of_past_bookings_are_forgotten_after_the_retention(session, office):
    booking = confirmed(session, office, local(2026, 11, 26, 10))
    bookings.mark_no_shows(session, local(2026, 11, 26, 11))
    assert bookings.forget_phones(session, local(2026, 11, 27, 10, 14)) == 0
    assert bookings.forget_phones(session, local(2026, 11, 27, 10, 15)) == 1
    assert booking.phone is None
