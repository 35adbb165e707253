"""Migration 0007 adds the index behind "the ticket this counter serves now"."""

import pytest
from alembic import command
from sqlalchemy import inspect

from ..support.migrations import DATABASES, differences, migrate, scratch_engine

REVISION, BEFORE = "0007_counter_index", "0006_admin_audit"


def ticket_indexes(engine) -> set[str]:
    return {index["name"] for index in inspect(engine).get_indexes("tickets")}


def check_round_trip(engine) -> None:
    migrate(engine, BEFORE)
    assert "ix_tickets_counter_status" not in ticket_indexes(engine)
    migrate(engine, REVISION)
    assert "ix_tickets_counter_status" in ticket_indexes(engine)
    migrate(engine, BEFORE, command.downgrade)
    assert "ix_tickets_counter_status" not in ticket_indexes(engine)
    migrate(engine, "head")
    assert differences(engine) == []  # the models agree


@pytest.mark.parametrize("kind", DATABASES)
def test_migration_0007_round_trips(kind, tmp_path):
    with scratch_engine(kind, tmp_path) as engine:
        check_round_trip(engine)
