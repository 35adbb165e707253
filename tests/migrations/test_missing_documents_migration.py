"""Migration 0018 adds the missing documents of a visit; going back and forth keeps tickets."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import select
from sqlalchemy.orm import Session

from queue_server.models import Ticket
from queue_server.setup.seeding import apply_office_specs
from queue_server.tickets import lifecycle
from queue_server.tickets.lifecycle import Actor

from ..conftest import THURSDAY_9AM, office_spec
from ..support.migrations import DATABASES, differences, migrate, scratch_engine

REVISION, BEFORE = "0018_missing_documents", "0017_procedures"


def check_round_trip(engine) -> None:
    migrate(engine, "head")
    assert differences(engine) == []
    with Session(engine) as session:
        office = apply_office_specs(session, [office_spec()])[0]
        ticket = lifecycle.issue_ticket(session, office, "dat-dai", now=THURSDAY_9AM,
                                        actor=Actor())
        ticket.missing_documents = ["Đơn đăng ký"]
        session.commit()
        code = ticket.code
    migrate(engine, BEFORE, command.downgrade)
    migrate(engine, REVISION)
    with Session(engine) as session:
        # Columns, not the model: later revisions add columns the model already has.
        found = session.execute(select(Ticket.code, Ticket.missing_documents).where(
            Ticket.code == code)).one_or_none()
        assert found is not None and found.missing_documents is None
    migrate(engine, "head")
    assert differences(engine) == []


@pytest.mark.parametrize("kind", DATABASES)
def test_migration_0018_adds_missing_documents_and_goes_back_keeping_tickets(kind, tmp_path):
    with scratch_engine(kind, tmp_path) as engine:
        check_round_trip(engine)
