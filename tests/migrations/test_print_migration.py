"""Migration 0002 adds print jobs and printer state on SQLite and PostgreSQL, both ways."""


import pytest
from alembic import command
from sqlalchemy import inspect, text

from ..support.migrations import DATABASES, migrate, scratch_engine


def check_round_trip(engine) -> None:
    migrate(engine, "0001")
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO offices (slug, name, timezone, opening_hours, holidays, priority_mode,"
            " ordinary_per_priority, min_recalls_before_no_show, notice, ticket_footer,"
            " near_threshold, number_reading, number_region, is_active) VALUES ('o', 'O',"
            " 'Asia/Ho_Chi_Minh', '24/7', '[]', 'strict', 2, 1, '', '', 3, 'numeral', 'north',"
            " true)"))
        connection.execute(text(
            "INSERT INTO devices (office_id, name, kind, token_hash, is_revoked, created_at)"
            " SELECT id, 'printer-1', 'printer', 'h', false, '2026-11-26 02:00:00' FROM offices"))
    migrate(engine, "head")
    schema = inspect(engine)
    assert {"printer_state", "printer_error", "printer_error_at", "printer_seen_at"} <= {
        column["name"] for column in schema.get_columns("devices")}
    assert "print_jobs" in schema.get_table_names()
    with engine.connect() as connection:
        assert connection.execute(text("SELECT name, printer_state FROM devices")).all() == [
            ("printer-1", None)]
    migrate(engine, "0001", command.downgrade)
    assert "print_jobs" not in inspect(engine).get_table_names()
    with engine.connect() as connection:
        assert connection.execute(text("SELECT name FROM devices")).scalars().all() == [
            "printer-1"]
    migrate(engine, "head")


@pytest.mark.parametrize("kind", DATABASES)
def test_migration_0002_upgrades_and_downgrades_keeping_devices(kind, tmp_path):
    with scratch_engine(kind, tmp_path) as engine:
        check_round_trip(engine)
