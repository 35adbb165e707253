"""A person's requests: export everything held about a phone or an ID number, erase it, the
act audited; the reports count the same afterwards."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from queue_server.booking import bookings
from queue_server.core.errors import NotFound
from queue_server.models import (
    AdminAction,
    AdminAuditEntry,
    Booking,
    BookingStatus,
    Feedback,
    FeedbackSource,
    MessageContact,
    Ticket,
)
from queue_server.notify import phones
from queue_server.privacy.citizens import check_in_by_card, scan_card
from queue_server.privacy.keys import CitizenKeys
from queue_server.privacy.persons import Person, Requester, erase_person, export_person
from queue_server.reports.figures import Period
from queue_server.reports.period_reports import office_report
from queue_server.tickets import lifecycle
from queue_server.tickets.lifecycle import Actor

from ..conftest import THURSDAY_9AM, local, office_spec
from .cards import ID_NUMBER, NAME, card_text

KEYS = CitizenKeys.from_text("a-key-for-the-tests-only")
PHONE = "84912345678"
ADMIN = Requester("admin", address="203.0.113.9")
TODAY = THURSDAY_9AM.date()


@pytest.fixture
def office(make_office):
    spec = office_spec()
    services = (replace(spec.services[0], booking_capacity=2), *spec.services[1:])
    return make_office(services=services, elderly_priority="elderly")


@pytest.fixture
def visits(session, office):
    """A card's ticket rated with a comment and given a phone, a booking, another's ticket."""
    scan = scan_card(session, office, card_text(), KEYS, today=TODAY)
    ticket = lifecycle.issue_ticket(session, office, "dat-dai", now=THURSDAY_9AM, actor=Actor(),
                                    citizen_hash=scan.citizen_hash, age_band=scan.age_band)
    phones.register_contact(session, ticket, "0912345678", phones.Consent("Đồng ý", "v1"),
                            now=THURSDAY_9AM)
    counter = lifecycle.find_counter(session, office, 1)
    lifecycle.call_next(session, counter, now=THURSDAY_9AM, actor=Actor())
    lifecycle.finish(session, counter, now=THURSDAY_9AM + timedelta(minutes=5), actor=Actor())
    session.add(Feedback(ticket_id=ticket.id, office_id=office.id, service_id=ticket.service_id,
                         rating=5, reasons=[], comment="Cán bộ nhiệt tình",
                         source=FeedbackSource.PHONE, rated_at=THURSDAY_9AM))
    held = bookings.hold(session, office, "dat-dai", local(2026, 11, 27, 9, 15), PHONE,
                         now=THURSDAY_9AM, citizen_hash=KEYS.hash(ID_NUMBER),
                         consent=bookings.Consent("Tôi đồng ý", "2026-12"))
    bookings.confirm(session, held.booking.hold_id, held.otp, now=THURSDAY_9AM)
    lifecycle.issue_ticket(session, office, "tu-phap", now=THURSDAY_9AM, actor=Actor())
    session.commit()
    return ticket


@pytest.mark.parametrize("person", [Person(id_number=ID_NUMBER), Person(phone=PHONE)])
def test_export_gives_the_tickets_bookings_phone_and_comments(session, visits, person):
    found = export_person(session, person, KEYS, now=THURSDAY_9AM, requester=ADMIN)
    assert [t["number"] for t in found["tickets"]] == [visits.number]
    assert found["tickets"][0]["age_band"] == "60-74"
    assert [b["consent"]["text"] for b in found["bookings"]] == ["Tôi đồng ý"]
    assert [c["phone"] for c in found["phone_contacts"]] == [PHONE]
    assert [r["comment"] for r in found["ratings"]] == ["Cán bộ nhiệt tình"]
    text = json.dumps(found, ensure_ascii=False)
    assert ID_NUMBER not in text and NAME not in text


def test_export_of_someone_unknown_is_empty(session, visits):
    found = export_person(session, Person(id_number="001099000111"), KEYS, now=THURSDAY_9AM,
                          requester=ADMIN)
    assert (found["tickets"], found["bookings"], found["phone_contacts"]) == ([], [], [])


def test_erase_clears_the_person_and_leaves_the_reports_counts(session, office, visits):
    period = Period(TODAY, TODAY)
    before = office_report(session, office, period, THURSDAY_9AM)
    counts = erase_person(session, Person(id_number=ID_NUMBER), KEYS, now=THURSDAY_9AM,
                          requester=ADMIN)
    session.commit()
    assert counts == {"tickets": 1, "bookings": 1, "phone_contacts": 1, "comments": 1}
    assert session.scalar(select(func.count()).select_from(MessageContact)) == 0
    assert session.scalar(select(Ticket.citizen_hash).where(Ticket.id == visits.id)) is None
    assert session.execute(select(Booking.phone, Booking.citizen_hash)).one() == (None, None)
    assert session.scalar(select(Feedback.comment)) == ""
    after = office_report(session, office, period, THURSDAY_9AM)
    assert (after["issued"], after["served"], after["satisfaction"]) == (
        before["issued"], before["served"], before["satisfaction"])
    assert export_person(session, Person(id_number=ID_NUMBER), KEYS, now=THURSDAY_9AM,
                         requester=ADMIN)["tickets"] == []


def test_erase_is_written_to_the_audit_log_without_the_number(session, visits):
    erase_person(session, Person(phone=PHONE), KEYS, now=THURSDAY_9AM, requester=ADMIN)
    session.commit()
    entry = session.scalar(select(AdminAuditEntry).where(
        AdminAuditEntry.action == AdminAction.ERASED))
    assert entry.actor == "admin" and entry.object_key.startswith("phone:")
    assert PHONE not in json.dumps([entry.object_key, entry.changes])
    assert entry.changes["phone_contacts"] == [1, 0]


def test_a_booking_made_with_the_id_is_checked_in_with_the_card(session, office, visits):
    friday = local(2026, 11, 27, 9, 10)
    scan = scan_card(session, office, card_text(), KEYS, today=friday.date())
    ticket = check_in_by_card(session, office, scan, now=friday, actor=Actor())
    assert ticket.booking_code == session.scalar(select(Booking.code))
    assert session.scalar(select(Booking.status)) is BookingStatus.CHECKED_IN


def test_a_card_without_a_booking_today_is_not_found(session, office, visits):
    scan = scan_card(session, office, card_text(), KEYS, today=TODAY)
    with pytest.raises(NotFound):
        check_in_by_card(session, office, scan, now=THURSDAY_9AM, actor=Actor())
