"""Phone numbers: normalised, claimed once, and forgotten after the office's retention."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from queue_server.core.errors import Conflict, InvalidInput
from queue_server.models import SmsRequest, SmsStatus, Ticket
from queue_server.notify import phones as phone_numbers
from queue_server.realtime.sms_sender import forget_phone_numbers
from queue_server.tickets import lifecycle
from queue_server.tickets.lifecycle import Actor

from ..conftest import THURSDAY_9AM

ACTOR = Actor()


def ticket_of(session, office) -> Ticket:
    ticket = lifecycle.issue_ticket(session, office, "dat-dai", now=THURSDAY_9AM, actor=ACTOR)
    session.commit()
    return ticket


def phones(session) -> list[str]:
    session.expire_all()
    return sorted(session.scalars(select(SmsRequest.phone)))


@pytest.mark.parametrize("raw, expected", [
    ("0912345678", "+84912345678"),
    ("0912 345 678", "+84912345678"),
    ("091-234-5678", "+84912345678"),
    ("+84 912 345 678", "+84912345678"),
    ("84912345678", "+84912345678"),
    ("(+84) 387.654.321", "+84387654321"),
    ("0587654321", "+84587654321"),
    ("0787654321", "+84787654321"),
    ("0887654321", "+84887654321"),
])
def test_vietnamese_mobile_numbers_are_kept_in_one_form(raw, expected):
    assert phone_numbers.normalize_phone(raw) == expected


@pytest.mark.parametrize("raw", ["", "0912", "091234567", "09123456789", "0212345678",
                                 "0112345678", "+1 912 345 6789", "0912abc678", "+84 0912345678"])
def test_anything_else_is_refused(raw):
    with pytest.raises(InvalidInput) as refusal:
        phone_numbers.normalize_phone(raw)
    assert refusal.value.code == "invalid_phone"


def test_a_request_is_claimed_by_one_sender_only(session, make_office):
    office = make_office()
    request, _ = phone_numbers.register_phone(session, ticket_of(session, office), "0912345678",
                                    now=THURSDAY_9AM)
    session.commit()
    assert phone_numbers.claim(session, request.id, now=THURSDAY_9AM).status is SmsStatus.SENDING
    session.commit()
    assert phone_numbers.claim(session, request.id, now=THURSDAY_9AM) is None


def test_a_number_cannot_change_once_its_message_is_on_its_way(session, make_office):
    office = make_office()
    ticket = ticket_of(session, office)
    request, _ = phone_numbers.register_phone(session, ticket, "0912345678", now=THURSDAY_9AM)
    phone_numbers.claim(session, request.id, now=THURSDAY_9AM)
    session.commit()
    with pytest.raises(Conflict) as refusal:
        phone_numbers.register_phone(session, ticket, "0387654321", now=THURSDAY_9AM)
    assert refusal.value.code == "sms_already_sent"


def test_numbers_are_deleted_after_each_offices_retention(session, make_office):
    day_long = make_office()  # the default: 24 hours
    short = make_office(slug="short", name="Xã Ngắn", phone_retention_hours=2)
    for office, phone, hours_ago in [(day_long, "0911111111", 25), (day_long, "0922222222", 23),
                                     (short, "0933333333", 3), (short, "0944444444", 1)]:
        phone_numbers.register_phone(session, ticket_of(session, office), phone,
                           now=THURSDAY_9AM - timedelta(hours=hours_ago))
    session.commit()
    assert phone_numbers.forget_expired(session, THURSDAY_9AM) == 2
    session.commit()
    assert phones(session) == ["+84922222222", "+84944444444"]
    assert phone_numbers.forget_expired(session, THURSDAY_9AM + timedelta(minutes=59)) == 0
    assert phone_numbers.forget_expired(session, THURSDAY_9AM + timedelta(hours=1, minutes=1)) == 2
    session.commit()
    assert phones(session) == []


def test_a_sender_that_died_midway_is_given_up_never_retried(session, make_office):
    office = make_office()
    request, _ = phone_numbers.register_phone(session, ticket_of(session, office), "0912345678",
                                    now=THURSDAY_9AM)
    phone_numbers.claim(session, request.id, now=THURSDAY_9AM)
    session.commit()
    assert phone_numbers.give_up_stuck(session, THURSDAY_9AM + timedelta(minutes=14)) == 0
    assert phone_numbers.give_up_stuck(session, THURSDAY_9AM + timedelta(minutes=16)) == 1
    session.commit()
    session.refresh(request)
    assert request.status is SmsStatus.FAILED
    assert phone_numbers.claim(session, request.id, now=THURSDAY_9AM) is None


def test_the_retention_job_of_the_app_forgets_old_numbers(app, clock):
    state = app.extensions["queue"]
    with state.sessions() as session:
        from queue_server.tickets.queue_state import find_office

        office = find_office(session, "test-office")
        phone_numbers.register_phone(session, ticket_of(session, office), "0912345678",
                           now=clock() - timedelta(hours=30))
        phone_numbers.register_phone(session, ticket_of(session, office), "0387654321", now=clock())
        session.commit()
    assert forget_phone_numbers(app) == 1
    with state.sessions() as session:
        assert phones(session) == ["+84387654321"]
    clock.now += timedelta(hours=24)
    assert forget_phone_numbers(app) == 1
    with state.sessions() as session:
        assert phones(session) == []
