"""Migration 0021 adds the citizen hash, age band, booking consent and the office's privacy
settings; going back and forth keeps offices and tickets."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import select
from sqlalchemy.orm import Session

from queue_server.models import Office, Ticket
from queue_server.setup.seeding import apply_office_specs
from queue_server.tickets import lifecycle
from queue_server.tickets.lifecycle import Actor

from ..conftest import THURSDAY_9AM, office_spec
from ..support.migrations import DATABASES, differences, migrate, scratch_engine

REVISION, BEFORE = "0021_citizen_privacy", "0020_network"


def check_round_trip(engine) -> None:
    migrate(engine, "head")
    assert differences(engine) == []
    with Session(engine) as session:
        office = apply_office_specs(session, [office_spec(elderly_priority="elderly")])[0]
        ticket = lifecycle.issue_ticket(session, office, "dat-dai", now=THURSDAY_9AM,
                                        actor=Actor(), citizen_hash="c" * 64, age_band="75+")
        session.commit()
        code = ticket.code
    migrate(engine, BEFORE, command.downgrade)
    migrate(engine, REVISION)
    with Session(engine) as session:
        # Columns, not the model: later revisions add columns the model already has.
        found = session.execute(select(Ticket.citizen_hash, Ticket.age_band).where(
            Ticket.code == code)).one_or_none()
        assert found is not None and tuple(found) == (None, None)
        assert session.execute(select(Office.elderly_age, Office.elderly_priority,
                                      Office.retention)).one() == (60, "", None)
    migrate(engine, "head")
    assert differences(engine) == []


@pytest.mark.parametrize("kind", DATABASES)
def test_migration_0021_adds_citizen_privacy_and_goes_back_keeping_tickets(kind, tmp_path):
    with scratch_engine(kind, tmp_path) as engine:
        check_round_trip(engine)
