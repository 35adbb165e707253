"""Migration 0020 adds the province and each office's place; going back keeps offices."""

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

REVISION, BEFORE = "0020_network", "0019_bookings"


def check_round_trip(engine) -> None:
    migrate(engine, "head")
    assert differences(engine) == []
    with Session(engine) as session:
        office = apply_office_specs(session, [office_spec()])[0]
        office.kind, office.address, office.latitude, office.longitude = (
            "commune", "1 Lê Lợi", 12.1, 109.1)
        ticket = lifecycle.issue_ticket(session, office, "dat-dai", now=THURSDAY_9AM,
                                        actor=Actor())
        session.commit()
        code = ticket.code
    migrate(engine, BEFORE, command.downgrade)
    migrate(engine, REVISION)
    with Session(engine) as session:
        # Columns, not the model: later revisions add columns the model already has.
        found = session.execute(select(Office.kind, Office.area, Office.address,
                                       Office.latitude, Office.longitude)).one()
        assert tuple(found) == (None, "", "", None, None)
        assert session.scalar(select(Ticket.id).where(Ticket.code == code)) is not None
    migrate(engine, "head")
    assert differences(engine) == []


@pytest.mark.parametrize("kind", DATABASES)
def test_migration_0020_adds_the_network_and_goes_back_keeping_offices(kind, tmp_path):
    with scratch_engine(kind, tmp_path) as engine:
        check_round_trip(engine)
