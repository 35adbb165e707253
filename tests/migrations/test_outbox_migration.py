"""Migration 0015 moves the SMS requests into the outbox: numbers still waiting become
contacts, messages already sent or failed join the delivery log; and back again."""

from datetime import timedelta

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.orm import Session

from queue_server.setup.seeding import apply_office_specs
from queue_server.tickets import lifecycle
from queue_server.tickets.lifecycle import Actor

from ..conftest import THURSDAY_9AM, office_spec
from ..support.migrations import DATABASES, differences, migrate, scratch_engine

REVISION, BEFORE = "0015_outbox", "0014_english_names_no_show_wait"
GIVEN = THURSDAY_9AM - timedelta(minutes=30)


def tickets(engine) -> list[int]:
    migrate(engine, "head")
    with Session(engine) as session:
        office = apply_office_specs(session, [office_spec()])[0]
        ids = [lifecycle.issue_ticket(session, office, "dat-dai", now=THURSDAY_9AM,
                                      actor=Actor()).id for _ in range(3)]
        session.commit()
    migrate(engine, BEFORE, command.downgrade)
    return ids


def check_round_trip(engine) -> None:
    waiting, sent, interrupted = tickets(engine)
    with engine.begin() as connection:
        for ticket_id, phone, status in [(waiting, "+84912345678", "pending"),
                                         (sent, "+84387654321", "sent"),
                                         (interrupted, "+84387000111", "sending")]:
            connection.execute(text(
                "INSERT INTO sms_requests (ticket_id, office_id, phone, status, attempts,"
                " created_at) SELECT :ticket, office_id, :phone, :status, 1, :given"
                " FROM tickets WHERE id = :ticket"),
                {"ticket": ticket_id, "phone": phone, "status": status,
                 "given": GIVEN.replace(tzinfo=None) - timedelta(hours=7)})
    migrate(engine, REVISION)
    with engine.connect() as connection:
        contacts = connection.execute(text(
            "SELECT ticket_id, phone, channel, consent_version FROM message_contacts"
            " ORDER BY ticket_id")).all()
        log = connection.execute(text(
            "SELECT ticket_id, kind, channel, status, destination, last_error"
            " FROM outbox_messages ORDER BY ticket_id")).all()
        assert connection.execute(text("SELECT messages FROM offices")).scalar() is None
    assert [tuple(row) for row in contacts] == [
        (waiting, "84912345678", "sms", "2026-1"), (sent, "84387654321", "sms", "2026-1"),
        (interrupted, "84387000111", "sms", "2026-1")]
    assert [tuple(row) for row in log] == [
        (sent, "near_turn", "sms", "sent", "84387654321", None),
        (interrupted, "near_turn", "sms", "failed", "84387000111",
         "interrupted (server restart)")]
    assert "sms_requests" not in inspect(engine).get_table_names()
    migrate(engine, BEFORE, command.downgrade)
    with engine.connect() as connection:
        back = connection.execute(text("SELECT ticket_id, phone, status FROM sms_requests")).all()
    assert [tuple(row) for row in back] == [(waiting, "+84912345678", "pending")]
    migrate(engine, "head")
    assert differences(engine) == []  # the models and the migrations agree


@pytest.mark.parametrize("kind", DATABASES)
def test_migration_0015_moves_sms_requests_into_the_outbox_and_back(kind, tmp_path):
    with scratch_engine(kind, tmp_path) as engine:
        check_round_trip(engine)
