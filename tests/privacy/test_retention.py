"""Retention per kind: phone numbers, comments, client addresses and citizen hashes go after
their office's [office.retention]; the rows stay for the reports."""

from __future__ import annotations

from dataclasses import replace as changed
from datetime import timedelta

from sqlalchemy import select

from queue_server import _apply_retention
from queue_server.booking import bookings
from queue_server.models import (
    AdminAction,
    AdminAuditEntry,
    AdminObject,
    Booking,
    Feedback,
    FeedbackSource,
    Ticket,
)
from queue_server.notify import phones
from queue_server.privacy.retention import RetentionRules, apply_retention, office_rules
from queue_server.setup.audit_log import Changer, record
from queue_server.tickets import lifecycle
from queue_server.tickets.lifecycle import Actor
from queue_server.tickets.queue_state import find_office

from ..conftest import THURSDAY_9AM, local, office_spec

RULES = {"comment_days": 30, "ip_days": 7, "citizen_hash_days": 10}
DAY = timedelta(days=1)


def finished_ticket(session, office, *, citizen_hash=None):
    ticket = lifecycle.issue_ticket(session, office, "dat-dai", now=THURSDAY_9AM,
                                    actor=Actor(), citizen_hash=citizen_hash)
    counter = lifecycle.find_counter(session, office, 1)
    lifecycle.call_next(session, counter, now=THURSDAY_9AM, actor=Actor())
    lifecycle.finish(session, counter, now=THURSDAY_9AM + timedelta(minutes=5), actor=Actor())
    return ticket


def test_the_defaults_are_a_day_for_phones_and_months_for_the_rest(make_office):
    assert office_rules(make_office()) == RetentionRules(24, 365, 90, 90)


def test_the_office_file_sets_each_kind(make_office):
    office = make_office(retention=RULES, phone_retention_hours=6)
    assert office_rules(office) == RetentionRules(6, 30, 7, 10)


def test_citizen_hashes_go_after_citizen_hash_days(session, make_office):
    office = make_office(retention=RULES)
    ticket = lifecycle.issue_ticket(session, office, "dat-dai", now=THURSDAY_9AM,
                                    actor=Actor(), citizen_hash="a" * 64)
    session.commit()
    assert apply_retention(session, THURSDAY_9AM + 10 * DAY - timedelta(seconds=1)
                           ).ticket_hashes == 0
    assert apply_retention(session, THURSDAY_9AM + 10 * DAY).ticket_hashes == 1
    session.commit()
    session.expire_all()
    assert session.get(Ticket, ticket.id).citizen_hash is None


def test_comments_go_after_comment_days_and_the_rating_stays(session, make_office):
    office = make_office(retention=RULES)
    ticket = finished_ticket(session, office)
    session.add(Feedback(ticket_id=ticket.id, office_id=office.id, service_id=ticket.service_id,
                         rating=2, reasons=[], comment="Chờ lâu quá", source=FeedbackSource.PHONE,
                         rated_at=THURSDAY_9AM))
    session.commit()
    assert apply_retention(session, THURSDAY_9AM + 29 * DAY).comments == 0
    assert apply_retention(session, THURSDAY_9AM + 30 * DAY).comments == 1
    session.commit()
    rating = session.scalar(select(Feedback))
    assert (rating.comment, rating.rating) == ("", 2)  # still counted as a comment


def test_client_addresses_in_the_audit_log_go_after_ip_days(session, make_office):
    office = make_office(retention=RULES)
    changer = Changer(user_id=None, name="admin", address="203.0.113.9", agent="Firefox")
    record(session, changer, now=THURSDAY_9AM, office_id=office.id,
           action=AdminAction.UPDATED,
           kind=AdminObject.OFFICE, key=office.slug)
    record(session, changer, now=THURSDAY_9AM, office_id=None,
           action=AdminAction.UPDATED,
           kind=AdminObject.USER, key="someone")
    session.commit()
    assert apply_retention(session, THURSDAY_9AM + 6 * DAY).addresses == 0
    assert apply_retention(session, THURSDAY_9AM + 7 * DAY).addresses == 2
    session.commit()
    session.expire_all()
    entries = session.scalars(select(AdminAuditEntry).where(AdminAuditEntry.actor == "admin"))
    assert [(e.client_address, e.client_agent, e.actor) for e in entries] == [
        (None, None, "admin"), (None, None, "admin")]


def test_phone_numbers_go_after_phone_hours_of_the_retention_table(session, make_office):
    office = make_office(phone_retention_hours=6)
    ticket = lifecycle.issue_ticket(session, office, "dat-dai", now=THURSDAY_9AM, actor=Actor())
    phones.register_contact(session, ticket, "0912345678", phones.Consent("Đồng ý", "v1"),
                            now=THURSDAY_9AM)
    session.commit()
    assert phones.forget_expired(session, THURSDAY_9AM + timedelta(hours=5)) == 0
    assert phones.forget_expired(session, THURSDAY_9AM + timedelta(hours=6)) == 1


def test_a_bookings_citizen_hash_goes_after_citizen_hash_days(session, make_office):
    spec = office_spec()
    office = make_office(retention=RULES, services=(
        changed(spec.services[0], booking_capacity=1), *spec.services[1:]))
    bookings.hold(session, office, "dat-dai", local(2026, 11, 27, 9, 15), "84912345678",
                  now=THURSDAY_9AM, citizen_hash="b" * 64)
    session.commit()
    assert apply_retention(session, THURSDAY_9AM + 9 * DAY).booking_hashes == 0
    assert apply_retention(session, THURSDAY_9AM + 10 * DAY).booking_hashes == 1
    session.commit()
    assert session.scalar(select(Booking.citizen_hash)) is None


def test_the_apps_housekeeping_round_applies_the_retention(app, clock):
    state = app.extensions["queue"]
    with state.sessions() as session:
        office = find_office(session, "test-office")
        lifecycle.issue_ticket(session, office, "dat-dai", now=THURSDAY_9AM, actor=Actor(),
                               citizen_hash="d" * 64)
        session.commit()
    clock.now = THURSDAY_9AM + 90 * DAY  # the default citizen_hash_days
    _apply_retention(app)
    with state.sessions() as session:
        assert session.scalar(select(Ticket.citizen_hash)) is None
