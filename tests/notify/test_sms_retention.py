"""Phone numbers: normalised, kept with the consent, and forgotten after the office's retention
(in the outbox log too)."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from queue_server.core.errors import Conflict, InvalidInput
from queue_server.models import MessageContact, MessageStatus, OutboxMessage, Ticket
from queue_server.notify import outbox
from queue_server.notify import phones as phone_numbers
from queue_server.realtime.citizen_messages import forget_phone_numbers
from queue_server.tickets import lifecycle
from queue_server.tickets.lifecycle import Actor

from ..conftest import THURSDAY_9AM

ACTOR = Actor()
CONSENT = phone_numbers.Consent("Số điện thoại chỉ dùng để nhắn tin khi sắp đến lượt.", "test-1")


def ticket_of(session, office) -> Ticket:
    ticket = lifecycle.issue_ticket(session, office, "dat-dai", now=THURSDAY_9AM, actor=ACTOR)
    session.commit()
    return ticket


def register(session, ticket, phone, now=THURSDAY_9AM, consent=CONSENT):
    return phone_numbers.register_contact(session, ticket, phone, consent, now=now)


def phones(session) -> list[str]:
    session.expire_all()
    return sorted(session.scalars(select(MessageContact.phone)))


@pytest.mark.parametrize("raw, expected", [
    ("0912345678", "84912345678"),
    ("0912 345 678", "84912345678"),
    ("091-234-5678", "84912345678"),
    ("+84 912 345 678", "84912345678"),
    ("84912345678", "84912345678"),
    ("(+84) 387.654.321", "84387654321"),
    ("0587654321", "84587654321"),
    ("0787654321", "84787654321"),
    ("0887654321", "84887654321"),
])
def test_vietnamese_mobile_numbers_are_kept_in_one_international_form(raw, expected):
    assert phone_numbers.normalize_phone(raw) == expected


@pytest.mark.parametrize("raw", ["", "0912", "091234567", "09123456789", "0212345678",
                                 "0112345678", "+1 912 345 6789", "0912abc678", "+84 0912345678",
                                 "0242345678"])
def test_anything_else_is_refused(raw):
    with pytest.raises(InvalidInput) as refusal:
        phone_numbers.normalize_phone(raw)
    assert refusal.value.code == "invalid_phone"


def test_the_number_is_kept_with_the_consent_text_its_version_and_the_channel(session,
                                                                              make_office):
    office = make_office()
    consent = phone_numbers.Consent("Đồng ý nhận tin qua Zalo.", "2026-12", "zalo")
    contact, is_new = register(session, ticket_of(session, office), "0912345678",
                               consent=consent)
    session.commit()
    assert is_new
    assert (contact.phone, contact.channel, contact.consent_version, contact.consent_text) == (
        "84912345678", "zalo", "2026-12", "Đồng ý nhận tin qua Zalo.")


def test_a_number_cannot_change_once_a_message_is_on_its_way(session, make_office):
    office = make_office()
    ticket = ticket_of(session, office)
    register(session, ticket, "0912345678")
    outbox.enqueue(session, office_id=office.id, ticket_id=ticket.id, kind="near_turn",
                   channels=["sms"], destination="84912345678", payload={}, now=THURSDAY_9AM)
    session.commit()
    with pytest.raises(Conflict) as refusal:
        register(session, ticket, "0387654321")
    assert refusal.value.code == "sms_already_sent"


def test_numbers_are_deleted_after_each_offices_retention(session, make_office):
    day_long = make_office()  # the default: 24 hours
    short = make_office(slug="short", name="Xã Ngắn", phone_retention_hours=2)
    for office, phone, hours_ago in [(day_long, "0911111111", 25), (day_long, "0922222222", 23),
                                     (short, "0933333333", 3), (short, "0944444444", 1)]:
        register(session, ticket_of(session, office), phone,
                 now=THURSDAY_9AM - timedelta(hours=hours_ago))
    session.commit()
    assert phone_numbers.forget_expired(session, THURSDAY_9AM) == 2
    session.commit()
    assert phones(session) == ["84922222222", "84944444444"]
    assert phone_numbers.forget_expired(session, THURSDAY_9AM + timedelta(minutes=59)) == 0
    assert phone_numbers.forget_expired(session, THURSDAY_9AM + timedelta(hours=1, minutes=1)) == 2
    session.commit()
    assert phones(session) == []


def test_the_log_keeps_its_rows_but_forgets_their_numbers(session, make_office):
    office = make_office()
    ticket = ticket_of(session, office)
    sent = outbox.enqueue(session, office_id=office.id, ticket_id=ticket.id, kind="near_turn",
                          channels=["sms"], destination="84912345678", payload={"number": "1"},
                          now=THURSDAY_9AM - timedelta(hours=25))
    sent.status = MessageStatus.SENT
    queued = outbox.enqueue(session, office_id=office.id, ticket_id=ticket.id, kind="rating",
                            channels=["sms"], destination="84912345678", payload={},
                            now=THURSDAY_9AM - timedelta(hours=25),
                            lifetime=timedelta(hours=48))
    fresh = outbox.enqueue(session, office_id=office.id, ticket_id=ticket.id, kind="called",
                           channels=["sms"], destination="84912345678", payload={},
                           now=THURSDAY_9AM - timedelta(hours=1))
    session.commit()
    phone_numbers.forget_expired(session, THURSDAY_9AM)
    session.commit()
    session.expire_all()
    rows = {m.kind: m for m in session.scalars(select(OutboxMessage))}
    assert rows["near_turn"].destination is None and rows["near_turn"].status is MessageStatus.SENT
    assert rows["rating"].destination is None and rows["rating"].status is MessageStatus.FAILED
    assert rows["rating"].error_code == "expired"
    assert rows["called"].destination == "84912345678"
    assert {sent.id, queued.id, fresh.id} == {m.id for m in rows.values()}


def test_the_retention_job_of_the_app_forgets_old_numbers(app, clock):
    state = app.extensions["queue"]
    with state.sessions() as session:
        from queue_server.tickets.queue_state import find_office

        office = find_office(session, "test-office")
        register(session, ticket_of(session, office), "0912345678",
                 now=clock() - timedelta(hours=30))
        register(session, ticket_of(session, office), "0387654321", now=clock())
        session.commit()
    assert forget_phone_numbers(app) == 1
    with state.sessions() as session:
        assert phones(session) == ["84387654321"]
    clock.now += timedelta(hours=24)
    assert forget_phone_numbers(app) == 1
    with state.sessions() as session:
        assert phones(session) == []
