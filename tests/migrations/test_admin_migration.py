"""Migration 0006 adds the admin audit log, the file state, the ticket header, closed services."""


import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from queue_server.core.migrate import alembic_config

from ..support.migrations import DATABASES, differences, migrate, scratch_engine

REVISION = "0006_admin_audit"



def check_round_trip(engine) -> None:
    script = ScriptDirectory.from_config(alembic_config(str(engine.url)))
    assert len(script.get_heads()) == 1
    before = script.get_revision(REVISION).down_revision
    migrate(engine, before)
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO offices (slug, name, timezone, opening_hours, holidays, priority_mode,"
            " ordinary_per_priority, min_recalls_before_no_show, notice, ticket_footer,"
            " near_threshold, number_reading, number_region, is_active) VALUES ('o', 'O',"
            " 'Asia/Ho_Chi_Minh', '24/7', '[]', 'strict', 2, 1, '', '', 3, 'numeral', 'north',"
            " true)"))
        connection.execute(text(
            "INSERT INTO services (office_id, code, name, prefix, start_number, mean_service_s,"
            " target_wait_s, recent_service_s, service_time_samples, sort_order, is_active)"
            " SELECT id, 'dat-dai', 'Đất đai', '1', 1, 600, 900, 0, 0, 0, true FROM offices"))
    migrate(engine, REVISION)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT ticket_header FROM offices")).all() == [("",)]
        assert connection.execute(text("SELECT is_closed FROM services")).all() == [(0,)]
    migrate(engine, before, command.downgrade)
    schema = inspect(engine)
    assert not {"admin_audit_entries", "office_file_states"} & set(schema.get_table_names())
    assert "is_closed" not in {c["name"] for c in schema.get_columns("services")}
    migrate(engine, "head")
    assert differences(engine) == []  # the models agree


@pytest.mark.parametrize("kind", DATABASES)
def test_migration_0006_round_trips_with_rows_in_place(kind, tmp_path):
    with scratch_engine(kind, tmp_path) as engine:
        check_round_trip(engine)
