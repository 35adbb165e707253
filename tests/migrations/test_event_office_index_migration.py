"""Migration 0011 drops ticket_events' office index, which (office_id, at) already covers."""

import pytest
from alembic import command
from sqlalchemy import inspect

from ..support.migrations import DATABASES, differences, migrate, scratch_engine

REVISION, BEFORE = "0011_drop_event_office_index", "0010_audit_indexes"


def indexes(engine) -> set[str]:
    return {index["name"] for index in inspect(engine).get_indexes("ticket_events")}


@pytest.mark.parametrize("kind", DATABASES)
def test_migration_0011_round_trips(kind, tmp_path):
    with scratch_engine(kind, tmp_path) as engine:
        migrate(engine, BEFORE)
        assert {"ix_ticket_events_office_id", "ix_ticket_events_office_at"} <= indexes(engine)
        migrate(engine, REVISION)
        assert "ix_ticket_events_office_id" not in indexes(engine)
        assert "ix_ticket_events_office_at" in indexes(engine)
        migrate(engine, BEFORE, command.downgrade)
        assert "ix_ticket_events_office_id" in indexes(engine)
        migrate(engine, "head")
        assert differences(engine) == []  # the models agree
