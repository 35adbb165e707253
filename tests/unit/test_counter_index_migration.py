"""Migration 0007 adds the index behind "the ticket this counter serves now"."""

import pytest
from alembic import command
from sqlalchemy import inspect

from queue_server.db import make_engine

from ..migrations import differences, migrate, scratch_postgres_url

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
    engine = make_engine(f"sqlite:///{tmp_path}/queue.db")
    try:
        check_round_trip(engine)
    finally:
        engine.dispose()


@pytest.mark.services
def test_migration_0007_round_trips_on_postgresql():
    with scratch_postgres_url("test_counter_index") as url:
        engine = make_engine(url)
        try:
            check_round_trip(engine)
        finally:
            engine.dispose()
