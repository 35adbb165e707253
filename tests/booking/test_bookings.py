"""Slots, holds confirmed by a one-time code, caps per phone, check-in windows and no-shows."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select

from queue_server.booking import bookings
from queue_server.booking.check_in import check_in
from queue_server.booking.slots import slots_of
from queue_server.core.errors import Conflict, InvalidInput, NotFound, RateLimited
from queue_server.models import BookingStatus, Service
from queue_server.tickets import lifecycle
from queue_server.tickets.lifecycle import Actor

from ..conftest import THURSDAY_9AM, local, office_spec

PHONE, OTHER_PHONE = "84912345678", "84987654321"
WEDNESDAY = date(2026, 11, 25)


@pytest.fixture
def office(make_office):
    spec = office_spec()
    services = (replace(spec.services[0], booking_capacity=2), *spec.services[1:2],
                replace(spec.services[2], booking_capacity=1))
    return make_office(services=services, holidays=(date(2026, 11, 27),))


def slot(hour: int, minute: int = 0, day: int = 26):
    return local(2026, 11, day, hour, minute)


def test_slots_follow_opening_hours_from_now_on(session, office):
    service = session.scalar(select(Service).where(Service.code == "dat-dai"))
    found = slots_of(session, office, service, THURSDAY_9AM.date(), THURSDAY_9AM)
    assert found[0].start == slot(9, 15) and found[0].end == slot(9, 30)
    assert found[-1].start == slot(16, 45)
    assert slot(11, 30) not in [one.start for one in found]  # the lunch break
    assert {(one.capacity, one.free) for one in found} == {(2, 2)}


def test_no_slots_on_a_holiday_a_weekend_past_days_ahead_or_without_capacity(session, office):
    land = session.scalar(select(Service).where(Service.code == "dat-dai"))
    justice = session.scalar(select(Service).where(Service.code == "tu-phap"))
    assert slots_of(session, office, land, date(2026, 11, 27), THURSDAY_9AM) == []
    assert slots_of(session, office, land, date(2026, 11, 28), THURSDAY_9AM) == []
    assert slots_of(session, office, land, date(2026, 12, 3), THURSDAY_9AM) == []
    assert slots_of(session, office, land, WEDNESDAY, THURSDAY_9AM) == []
    assert slots_of(session, office, justice, THURSDAY_9AM.date(), THURSDAY_9AM) == []
    assert len(slots_of(session, office, land, date(2026, 12, 2), THURSDAY_9AM)) == 30


def _book(session, office, start, phone=PHONE, service="dat-dai", now=THURSDAY_9AM):
    held = bookings.hold(session, office, service, start, phone, now=now)
    return bookings.confirm(session, held.booking.hold_id, held.otp, now=now)


def test_a_confirmed_booking_takes_a_place_and_a_cancelled_one_frees_it(session, office):
    booking = _book(session, office, slot(10))
    assert booking.status is BookingStatus.CONFIRMED and len(booking.code) == 8
    service = booking.service
    assert slots_of(session, office, service, booking.day, THURSDAY_9AM)[3].free == 1
    bookings.cancel(session, booking.code.lower(), now=THURSDAY_9AM)
    assert slots_of(session, office, service, booking.day, THURSDAY_9AM)[3].free == 2
    with pytest.raises(NotFound):
        bookings.cancel(session, booking.code, now=THURSDAY_9AM)


def test_refusals_slot_not_offered_full_and_unknown_service(session, office):
    with pytest.raises(InvalidInput, match="slot_not_offered"):
        bookings.hold(session, office, "dat-dai", slot(10, 5), PHONE, now=THURSDAY_9AM)
    with pytest.raises(InvalidInput, match="slot_not_offered"):
        bookings.hold(session, office, "tu-phap", slot(10), PHONE, now=THURSDAY_9AM)
    with pytest.raises(InvalidInput, match="slot_not_offered"):
        bookings.hold(session, office, "dat-dai", slot(8), PHONE, now=THURSDAY_9AM)
    with pytest.raises(InvalidInput, match="unknown_service"):
        bookings.hold(session, office, "nope", slot(10), PHONE, now=THURSDAY_9AM)
    _book(session, office, slot(10), "84912000001")
    held = bookings.hold(session, office, "dat-dai", slot(10), "84912000002", now=THURSDAY_9AM)
    with pytest.raises(Conflict, match="slot_full"):
        bookings.hold(session, office, "dat-dai", slot(10), "84912000003", now=THURSDAY_9AM)
    # An unconfirmed hold blocks the place only for the code's life.
    later = THURSDAY_9AM + bookings.OTP_LIFETIME
    assert bookings.hold(session, office, "dat-dai", slot(10), "84912000003", now=later)
    with pytest.raises(Conflict, match="otp_expired"):
        bookings.confirm(session, held.booking.hold_id, held.otp, now=later)


def test_caps_count_confirmed_bookings_per_day_and_per_service(session, office):
    _book(session, office, slot(10))
    with pytest.raises(Conflict, match="limit_reached"):
        _book(session, office, slot(14))  # one per service a day
    _book(session, office, slot(14), service="tra-ket-qua")
    with pytest.raises(Conflict, match="limit_reached"):
        bookings.hold(session, office, "tra-ket-qua", slot(15), PHONE, now=THURSDAY_9AM)
    assert _book(session, office, slot(10, day=30))  # another day
    assert _book(session, office, slot(10), OTHER_PHONE)


def test_a_wrong_code_is_counted_and_the_fifth_ends_the_hold(session, office):
    held = bookings.hold(session, office, "dat-dai", slot(10), PHONE, now=THURSDAY_9AM)
    wrong = "000000" if held.otp != "000000" else "111111"
    for left in (4, 3, 2, 1):
        with pytest.raises(InvalidInput, match="wrong_otp") as refusal:
            bookings.confirm(session, held.booking.hold_id, wrong, now=THURSDAY_9AM)
        assert refusal.value.params["left"] == left
    with pytest.raises(Conflict, match="otp_expired"):
        bookings.confirm(session, held.booking.hold_id, wrong, now=THURSDAY_9AM)
    with pytest.raises(Conflict, match="otp_expired"):
        bookings.confirm(session, held.booking.hold_id, held.otp, now=THURSDAY_9AM)


def test_too_many_codes_to_one_phone_wait(session, office):
    for start in (slot(10), slot(10, 15), slot(10, 30), slot(10, 45), slot(11)):
        bookings.hold(session, office, "dat-dai", start, PHONE, now=THURSDAY_9AM)
    with pytest.raises(RateLimited) as refusal:
        bookings.hold(session, office, "dat-dai", slot(14), PHONE, now=THURSDAY_9AM)
    assert refusal.value.retry_after == 3600


def test_check_in_window_too_early_late_and_wrong_office(session, office, make_office):
    booking = _book(session, office, slot(10))
    with pytest.raises(Conflict, match="too_early") as refusal:
        check_in(session, office, booking.code, now=slot(9, 44), actor=Actor())
    assert refusal.value.params["at"] == "09:45 26/11/2026"
    other = make_office(slug="other-office")
    with pytest.raises(Conflict, match="wrong_office"):
        check_in(session, other, booking.code, now=slot(9, 50), actor=Actor())
    ticket = check_in(session, office, booking.code, now=slot(9, 45), actor=Actor())
    assert ticket.booking_code == booking.code and not ticket.booking_late
    assert booking.status is BookingStatus.CHECKED_IN and booking.ticket_id == ticket.id
    with pytest.raises(Conflict, match="booking_checked_in"):
        check_in(session, office, booking.code, now=slot(9, 46), actor=Actor())
    late = _book(session, office, slot(10), OTHER_PHONE)
    ticket = check_in(session, office, late.code, now=slot(10, 11), actor=Actor())
    assert ticket.booking_late
    with pytest.raises(NotFound):
        check_in(session, office, "NOPE2345", now=slot(9, 50), actor=Actor())


def test_a_booked_ticket_is_called_before_earlier_walk_ins_of_its_service(session, office):
    counter = office.counters[0]
    walk_ins = [lifecycle.issue_ticket(session, office, "dat-dai", now=slot(9, minute),
                                       actor=Actor()) for minute in (30, 31)]
    booking = _book(session, office, slot(10))
    booked = check_in(session, office, booking.code, now=slot(9, 50), actor=Actor())
    late_booking = _book(session, office, slot(9, 30), OTHER_PHONE)
    late = check_in(session, office, late_booking.code, now=slot(9, 51), actor=Actor())
    session.flush()
    called = [lifecycle.call_next(session, counter, now=slot(9, 52 + step), actor=Actor())
              .called for step in range(4)]
    assert [ticket.id for ticket in called] == [booked.id, walk_ins[0].id, walk_ins[1].id,
                                                late.id]


def test_bookings_not_checked_in_by_the_end_of_the_window_are_no_shows(session, office):
    kept = _book(session, office, slot(10))
    missed = _book(session, office, slot(9, 30), OTHER_PHONE)
    assert bookings.mark_no_shows(session, slot(9, 40)) == 0
    assert bookings.mark_no_shows(session, slot(9, 41)) == 1
    assert missed.status is BookingStatus.NO_SHOW and kept.status is BookingStatus.CONFIRMED
    ticket = check_in(session, office, missed.code, now=slot(9, 42), actor=Actor())
    assert ticket.booking_late


def test_the_days_waits_compare_booked_tickets_with_walk_ins(session, office):
    from queue_server.booking.days import waits_of_day

    counter = office.counters[0]
    lifecycle.issue_ticket(session, office, "dat-dai", now=slot(9, 30), actor=Actor())
    booking = _book(session, office, slot(10))
    check_in(session, office, booking.code, now=slot(9, 50), actor=Actor())
    session.flush()
    lifecycle.call_next(session, counter, now=slot(9, 52), actor=Actor())
    lifecycle.call_next(session, counter, now=slot(10), actor=Actor())
    waits = waits_of_day(session, office, THURSDAY_9AM.date())
    assert (waits.booked_count, waits.booked_mean_s) == (1, 120)
    assert (waits.walk_in_count, waits.walk_in_mean_s) == (1, 1800)
