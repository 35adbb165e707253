"""Migration 0003 adds ratings, SMS requests and the office's retention; the models agree."""


import pytest
from alembic import command
from sqlalchemy import inspect, text

from ..support.migrations import DATABASES, differences, migrate, scratch_engine


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


@pytest.mark.parametrize("kind", DATABASES)
def test_migration_0003_round_trips_and_matches_the_models(kind, tmp_path):
    with scratch_engine(kind, tmp_path) as engine:
        check_round_trip(engine)
