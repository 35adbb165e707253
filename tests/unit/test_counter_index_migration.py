"""Migration 0007 adds the index behind "the ticket this counter serves now"."""

import pytest
from alembic import command
from sqlalchemy import inspect

from ..migrations import differences, migrate, postgres_engine, sqlite_engine

REVISION, BEFORE = "0007_counter_index", "0006_admin_audit"


def ticket_indexes(engine) -> set[str]:  # noqa: ANN001
    return {index["name"] for index in inspect(engine).get_indexes("tickets")}


def check_round_trip(engine) -> None:  # noqa: ANN001
    migrate(engine, BEFORE)
    assert "ix_tickets_counter_status" not in ticket_indexes(engine)
    migrate(engine, REVISION)
    assert "ix_tickets_counter_status" in ticket_indexes(engine)
    migrate(engine, BEFORE, command.downgrade)
    assert "ix_tickets_counter_status" not in ticket_indexes(engine)
    migrate(engine, "head")
    assert differences(engine) == []  # the models agree


def test_migration_0007_round_trips_on_sqlite(tmp_path):
    with sqlite_engine(tmp_path) as engine:
        check_round_trip(engine)


@pytest.mark.services
def test_migration_0007_round_trips_on_postgresql():
    with postgres_engine("test_counter_index") as engine:
        check_round_trip(engine)
