"""Migration 0005 adds the feedback inbox, the office's handling target and the dossier index;
the reports give the same figures on PostgreSQL as on SQLite."""

from datetime import date

import pytest
from sqlalchemy import inspect, text

from queue_server.core.db import make_engine, make_session_factory
from queue_server.core.migrate import upgrade_database
from queue_server.reports.figures import Period
from queue_server.reports.period_reports import office_report
from queue_server.setup.seeding import apply_office_specs

from ..conftest import office_spec
from ..support.migrations import migrate, scratch_postgres_url
from ..support.reports_day import at, script_day


def test_migration_0005_adds_the_inbox_and_round_trips(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/queue.db")
    try:
        migrate(engine, "0003_feedback")
        with engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO offices (slug, name, timezone, opening_hours, holidays,"
                " priority_mode, ordinary_per_priority, min_recalls_before_no_show, notice,"
                " ticket_footer, near_threshold, number_reading, number_region,"
                " phone_retention_hours, is_active) VALUES ('o', 'O', 'Asia/Ho_Chi_Minh',"
                " '24/7', '[]', 'strict', 2, 1, '', '', 3, 'numeral', 'north', 24, true)"))
        migrate(engine, "0005_reports")
        schema = inspect(engine)
        assert "feedback_cases" in schema.get_table_names()
        assert "ix_tickets_office_dossier" in {i["name"] for i in schema.get_indexes("tickets")}
        with engine.connect() as connection:
            assert connection.execute(text("SELECT feedback_target_days FROM offices")).all() \
                == [(3,)]
        from alembic import command

        migrate(engine, "0003_feedback", command.downgrade)
        schema = inspect(engine)
        assert "feedback_cases" not in schema.get_table_names()
        assert "feedback_target_days" not in {c["name"] for c in schema.get_columns("offices")}
    finally:
        engine.dispose()


def _report(url: str) -> dict:
    engine = make_engine(url)
    try:
        upgrade_database(engine)
        with make_session_factory(engine)() as session:
            office = apply_office_specs(session, [office_spec()])[0]
            session.commit()
            script_day(session, office)
            return office_report(session, office, Period(date(2026, 11, 25),
                                                         date(2026, 11, 26)), at(16, 0))
    finally:
        engine.dispose()


@pytest.mark.services
def test_postgresql_gives_the_same_report_as_sqlite(tmp_path):
    with scratch_postgres_url("test_reports") as url:
        on_postgres = _report(url)
    on_sqlite = _report(f"sqlite:///{tmp_path}/queue.db")
    assert on_postgres == on_sqlite
    assert on_postgres["wait_s"]["p90"] == 1200 and on_postgres["by_hour"][0]["hour"] == 8
