"""Migration 0019 adds bookings; going back and forth keeps offices, services and tickets."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import select
from sqlalchemy.orm import Session

from queue_server.models import Service, Ticket
from queue_server.setup.seeding import apply_office_specs
from queue_server.tickets import lifecycle
from queue_server.tickets.lifecycle import Actor

from ..conftest import THURSDAY_9AM, office_spec
from ..support.migrations import DATABASES, differences, migrate, scratch_engine

REVISION, BEFORE = "0019_bookings", "0018_missing_documents"


def check_round_trip(engine) -> None:
    migrate(engine, "head")
    assert differences(engine) == []
    with Session(engine) as session:
        office = apply_office_specs(session, [office_spec()])[0]
        ticket = lifecycle.issue_ticket(session, office, "dat-dai", now=THURSDAY_9AM,
                                        actor=Actor(), booking_code="ACDE3467")
        session.commit()
        code = ticket.code
    migrate(engine, BEFORE, command.downgrade)
    migrate(engine, REVISION)
    with Session(engine) as session:
        # Columns, not the model: later revisions add columns the model already has.
        found = session.execute(select(Ticket.booking_code, Ticket.booking_late).where(
            Ticket.code == code)).one_or_none()
        assert found is not None and found.booking_code is None and not found.booking_late
        assert set(session.scalars(select(Service.booking_capacity))) == {0}
    migrate(engine, "head")
    assert differences(engine) == []


@pytest.mark.parametrize("kind", DATABASES)
def test_migration_0019_adds_bookings_and_goes_back_keeping_tickets(kind, tmp_path):
    with scratch_engine(kind, tmp_path) as engine:
        check_round_trip(engine)
