"""Migration 0016: outcomes, dossier codes in a table of their own (the codes tickets already
carry are copied there), the office's rating form in versions; earlier ratings answered
version 1, the built-in five-level form."""

import pytest
from alembic import command
from sqlalchemy import inspect, select, text
from sqlalchemy.orm import Session

from queue_server.models import Feedback, FeedbackSource, Ticket
from queue_server.setup.seeding import apply_office_specs
from queue_server.tickets import lifecycle
from queue_server.tickets.lifecycle import Actor

from ..conftest import THURSDAY_9AM, office_spec
from ..support.migrations import DATABASES, differences, migrate, scratch_engine

REVISION, BEFORE = "0016_visits", "0015_outbox"


def seed_before(engine) -> None:
    """Two finished tickets, one with a dossier code as earlier versions stored it, rated."""
    migrate(engine, "head")
    with Session(engine) as session:
        office = apply_office_specs(session, [office_spec()])[0]
        counter = lifecycle.find_counter(session, office, 1)
        for _ in range(2):
            lifecycle.issue_ticket(session, office, "dat-dai", now=THURSDAY_9AM, actor=Actor())
            lifecycle.call_next(session, counter, now=THURSDAY_9AM, actor=Actor())
        ticket = lifecycle.finish(session, counter, now=THURSDAY_9AM, actor=Actor())
        session.add(Feedback(ticket_id=ticket.id, office_id=office.id,
                             service_id=ticket.service_id, rating=4, reasons=[],
                             source=FeedbackSource.PHONE, rated_at=THURSDAY_9AM))
        session.commit()
    migrate(engine, BEFORE, command.downgrade)
    with engine.begin() as connection:
        connection.execute(text("UPDATE tickets SET dossier_code = ' hs-0001 ' "
                                "WHERE number = '1001'"))


def check_upgrade(engine) -> None:
    seed_before(engine)
    schema = inspect(engine)
    assert not {"ticket_dossiers", "rating_forms"} & set(schema.get_table_names())
    assert "outcome" not in {column["name"] for column in schema.get_columns("tickets")}
    migrate(engine, REVISION)
    with engine.connect() as connection:
        assert connection.execute(text(
            "SELECT t.number, d.code, d.normalised FROM ticket_dossiers d "
            "JOIN tickets t ON t.id = d.ticket_id")).all() == [("1001", "hs-0001", "HS-0001")]
        assert connection.execute(text(
            "SELECT dossier_pattern, require_outcome, rating_form FROM offices")).all() == [
            ("", False, None)]
    with Session(engine) as session:
        rated = session.scalars(select(Feedback)).one()
        assert (rated.form_version, rated.levels, rated.answers) == (1, 5, {})
        assert session.scalars(select(Ticket.outcome)).all() == [None, None]
    migrate(engine, BEFORE, command.downgrade)
    assert "ticket_dossiers" not in inspect(engine).get_table_names()
    migrate(engine, "head")
    assert differences(engine) == []  # the models and the migrations agree


@pytest.mark.parametrize("kind", DATABASES)
def test_migration_0016_copies_dossier_codes_and_keeps_ratings_valid(kind, tmp_path):
    with scratch_engine(kind, tmp_path) as engine:
        check_upgrade(engine)
