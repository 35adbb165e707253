"""Migration 0012: tickets index dossier codes and counters only where set; no service index."""

import pytest
from alembic import command
from sqlalchemy import inspect, text

from ..support.migrations import DATABASES, differences, migrate, scratch_engine

REVISION, BEFORE = "0012_partial_ticket_indexes", "0011_drop_event_office_index"
PARTIAL = ("ix_tickets_office_dossier", "ix_tickets_counter_status")


def indexes(engine) -> dict[str, str]:
    """Each index on tickets by name, with its definition (where the database keeps one)."""
    names = {index["name"] for index in inspect(engine).get_indexes("tickets")}
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            rows = connection.execute(text("SELECT name, sql FROM sqlite_master "
                                           "WHERE type = 'index' AND tbl_name = 'tickets'"))
        else:
            rows = connection.execute(text(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'tickets'"))
        return {name: definition or "" for name, definition in rows if name in names}


def is_partial(definition: str) -> bool:
    return "IS NOT NULL" in definition.upper()


@pytest.mark.parametrize("kind", DATABASES)
def test_migration_0012_round_trips(kind, tmp_path):
    with scratch_engine(kind, tmp_path) as engine:
        migrate(engine, BEFORE)
        before = indexes(engine)
        assert "ix_tickets_service_id" in before
        assert not any(is_partial(before[name]) for name in PARTIAL)
        migrate(engine, REVISION)
        after = indexes(engine)
        assert "ix_tickets_service_id" not in after
        assert all(is_partial(after[name]) for name in PARTIAL)
        migrate(engine, BEFORE, command.downgrade)
        assert indexes(engine) == before
        migrate(engine, "head")
        assert differences(engine) == []  # the models agree

