"""Migration 0010 adds the indexes behind the audit page's reprints and counter pauses."""

import pytest
from alembic import command
from sqlalchemy import inspect

from ..support.migrations import DATABASES, differences, migrate, scratch_engine

REVISION, BEFORE = "0010_audit_indexes", "0009_device_last_seen"
INDEXES = {("print_jobs", "ix_print_jobs_reprints"), ("counter_events", "ix_counter_events_at")}


def present(engine) -> set[tuple[str, str]]:
    inspector = inspect(engine)
    return {(table, index["name"]) for table in ("print_jobs", "counter_events")
            for index in inspector.get_indexes(table)} & INDEXES


@pytest.mark.parametrize("kind", DATABASES)
def test_migration_0010_round_trips(kind, tmp_path):
    with scratch_engine(kind, tmp_path) as engine:
        migrate(engine, BEFORE)
        assert present(engine) == set()
        migrate(engine, REVISION)
        assert present(engine) == INDEXES
        migrate(engine, BEFORE, command.downgrade)
        assert present(engine) == set()
        migrate(engine, "head")
        assert differences(engine) == []  # the models agree
