"""Migration 0002 adds print jobs and printer state on SQLite and PostgreSQL, both ways."""

import os
import secrets

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, text

from queue_server.db import make_engine
from queue_server.migrate import alembic_config

ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def migrate(engine, target: str, direction=command.upgrade) -> None:
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        direction(config, target)


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


def test_migration_0002_upgrades_and_downgrades_on_sqlite_keeping_devices(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/queue.db")
    try:
        check_round_trip(engine)
    finally:
        engine.dispose()


@pytest.mark.services
def test_migration_0002_upgrades_and_downgrades_on_postgresql():
    name = f"test_print_{secrets.token_hex(4)}"
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    engine = make_engine(admin.url.set(database=name).render_as_string(hide_password=False))
    try:
        check_round_trip(engine)
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE {name}"))
        admin.dispose()
