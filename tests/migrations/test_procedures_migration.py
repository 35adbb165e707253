"""Migration 0017 adds the procedure catalogue, the ticket's procedure and checklist print jobs
(a job without a ticket), and goes back without losing a ticket."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from queue_server.models import Device, DeviceKind, PrintJob, PrintJobStatus, Ticket
from queue_server.procedures.catalogue import find_procedure
from queue_server.procedures.importing import import_file
from queue_server.security.tokens import add_device
from queue_server.setup.seeding import apply_office_specs
from queue_server.tickets import lifecycle
from queue_server.tickets.lifecycle import Actor

from ..conftest import THURSDAY_9AM, office_spec
from ..support.migrations import DATABASES, differences, migrate, scratch_engine
from ..support.procedure_files import SMALL, write_csv

REVISION, BEFORE = "0017_procedures", "0016_visits"


def check_round_trip(engine, folder) -> None:
    migrate(engine, "head")
    assert differences(engine) == []
    with Session(engine) as session:
        office = apply_office_specs(session, [office_spec()])[0]
        import_file(session, office, write_csv(folder / "p.csv", SMALL), now=THURSDAY_9AM)
        printer = add_device(session, "may-in", DeviceKind.PRINTER, office, now=THURSDAY_9AM)[0]
        procedure = find_procedure(session, office, "1.012345.000.00.00.H37")
        ticket = lifecycle.issue_ticket(session, office, "dat-dai", now=THURSDAY_9AM,
                                        actor=Actor(), procedure=procedure)
        session.add(PrintJob(key="checklist-1", ticket_id=None, printer_id=printer.id,
                             status=PrintJobStatus.PENDING, slip={}, created_at=THURSDAY_9AM))
        session.commit()
        ticket_code = ticket.code
    migrate(engine, BEFORE, command.downgrade)
    migrate(engine, REVISION)
    with Session(engine) as session:
        assert session.scalar(select(Ticket.code)) == ticket_code
        assert session.scalar(select(func.count()).select_from(PrintJob)) == 0  # the checklist
        assert session.scalar(select(Device.name)) == "may-in"
    migrate(engine, "head")
    assert differences(engine) == []  # the models and the migrations agree


@pytest.mark.parametrize("kind", DATABASES)
def test_migration_0017_adds_procedures_and_goes_back_keeping_tickets(kind, tmp_path):
    with scratch_engine(kind, tmp_path) as engine:
        check_round_trip(engine, tmp_path)
