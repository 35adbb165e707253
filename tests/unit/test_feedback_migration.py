"""Migration 0003 adds ratings, SMS requests and the office's retention; the models agree."""

import os
import secrets

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from queue_server.db import make_engine
from queue_server.migrate import alembic_config
from queue_server.models import Base

ADMIN_URL = os.environ.get("TEST_POSTGRES_URL",
                           "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def migrate(engine, target: str, direction=command.upgrade) -> None:
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        direction(config, target)


def differences(engine) -> list:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)


def check_round_trip(engine) -> None:
    migrate(engine, "0002")
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO offices (slug, name, timezone, opening_hours, holidays, priority_mode,"
            " ordinary_per_priority, min_recalls_before_no_show, notice, ticket_footer,"
            " near_threshold, number_reading, number_region, is_active) VALUES ('o', 'O',"
            " 'Asia/Ho_Chi_Minh', '24/7', '[]', 'strict', 2, 1, '', '', 3, 'numeral', 'north',"
            " true)"))
        connection.execute(text(
            "INSERT INTO devices (office_id, name, kind, token_hash, is_revoked, created_at)"
            " SELECT id, 'danh-gia-1', 'rating', 'h', false, '2026-11-26 02:00:00' FROM offices"))
    migrate(engine, "0003_feedback")
    schema = inspect(engine)
    assert {"feedback", "sms_requests"} <= set(schema.get_table_names())
    with engine.connect() as connection:
        assert connection.execute(text("SELECT phone_retention_hours FROM offices")).all() == [
            (24,)]
    migrate(engine, "0002", command.downgrade)
    schema = inspect(engine)
    assert not {"feedback", "sms_requests"} & set(schema.get_table_names())
    assert "phone_retention_hours" not in {c["name"] for c in schema.get_columns("offices")}
    with engine.connect() as connection:
        assert connection.execute(text("SELECT slug FROM offices")).scalars().all() == ["o"]
        assert connection.execute(text("SELECT name FROM devices")).scalars().all() == [
            "danh-gia-1"]
    migrate(engine, "head")
    assert differences(engine) == []  # the models and the migrations agree


def test_migration_0003_round_trips_on_sqlite_and_matches_the_models(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/queue.db")
    try:
        check_round_trip(engine)
    finally:
        engine.dispose()


@pytest.mark.services
def test_migration_0003_round_trips_on_postgresql_and_matches_the_models():
    name = f"test_feedback_{secrets.token_hex(4)}"
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
