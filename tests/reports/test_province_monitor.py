"""The province's live monitor: the same figures as each office's own monitor, alerts past a
service's target wait, and a fixed number of queries whatever the number of offices."""

import time

import pytest
from sqlalchemy import event

from queue_server.reports.monitor import live_monitor
from queue_server.reports.province_monitor import province_monitor
from queue_server.setup.seeding import apply_office_specs
from queue_server.tickets import lifecycle
from queue_server.tickets.lifecycle import Actor
from queue_server.tickets.queue_state import find_counter_by_number

from ..conftest import office_spec
from ..support.reports_day import at, script_day

AFTERNOON = at(16, 0)  # the office is open 13:30-17:00


@pytest.fixture
def province(session, make_office):
    """The scripted day at test-office; other-office quiet, one of its counters paused."""
    office = make_office()
    other = make_office(slug="other-office", name="Phường Khác")
    script_day(session, office)
    paused = find_counter_by_number(session, other, 2)
    paused.is_paused = True
    session.commit()
    return office, other


def rows_of(session, now=AFTERNOON):
    return {row["office"]: row for row in province_monitor(session, now)["offices"]}


def test_each_office_shows_what_its_own_monitor_shows(session, province):
    rows = rows_of(session)
    for office in province:
        own = live_monitor(session, office, AFTERNOON)
        row = rows[office.slug]
        assert row["waiting"] == own["waiting"]
        assert row["longest_wait_s"] == own["longest_wait_s"]
        assert row["issued_today"] == own["today"]["issued"]
        assert row["served_today"] == own["today"]["served"]
        assert (row["satisfaction"]["satisfied_share"]
                == own["today"]["satisfaction"]["satisfied_share"])
        assert row["satisfaction"]["responses"] == own["today"]["satisfaction"]["responses"]
        states = [counter["state"] for counter in own["counters"]]
        assert row["counters"] == {"active": len(states),
                                   "open": len(states) - states.count("paused"),
                                   "serving": states.count("serving")}


def test_the_scripted_day_in_figures(session, province):
    rows = rows_of(session)
    busy, quiet = rows["test-office"], rows["other-office"]
    # T7 has waited since 10:30; T1, T2, T4, T5, T8 were served; ratings 5, 2, 3, 5.
    assert (busy["waiting"], busy["longest_wait_s"]) == (1, 5 * 3600 + 30 * 60)
    assert (busy["issued_today"], busy["served_today"]) == (8, 5)
    assert busy["satisfaction"] == {"responses": 4, "satisfied": 2, "satisfied_share": 0.5}
    assert quiet["waiting"] == 0 and quiet["longest_wait_s"] is None
    assert quiet["counters"] == {"active": 4, "open": 3, "serving": 0}
    assert quiet["satisfaction"]["satisfied_share"] is None


def test_a_closed_office_has_no_open_counter(session, province):
    evening = rows_of(session, at(17, 30))["other-office"]
    assert evening["is_open"] is False
    assert evening["counters"] == {"active": 4, "open": 0, "serving": 0}
    assert rows_of(session)["other-office"]["is_open"] is True


def test_an_office_is_in_alert_once_a_waiting_ticket_passes_its_service_target(session,
                                                                            province):
    # T7 (dat-dai, target 15 minutes) was issued at 10:30.
    assert rows_of(session, at(10, 45))["test-office"]["is_alert"] is False
    row = rows_of(session, at(10, 46))["test-office"]
    assert row["is_alert"] is True
    assert row["over_target"] == [{"service": "dat-dai", "name": "Đất đai", "waiting": 1,
                                   "longest_wait_s": 16 * 60, "target_wait_s": 900}]
    assert rows_of(session, at(10, 46))["other-office"]["is_alert"] is False


def test_the_total_adds_up_the_offices(session, province):
    found = province_monitor(session, AFTERNOON)
    total = found["total"]
    assert total["offices"] == 2 and total["alerts"] == 1
    assert total["waiting"] == 1 and total["served_today"] == 5
    assert total["counters"] == {"active": 8, "open": 7, "serving": 0}
    assert total["satisfaction"]["satisfied_share"] == 0.5


def test_yesterdays_waiting_tickets_are_not_todays_queue(session, province):
    # The next morning: T7 belongs to Thursday, the monitor shows Friday.
    friday = rows_of(session, at(8, 0, 27))["test-office"]
    assert friday["waiting"] == 0 and friday["issued_today"] == 0


def _counting(engine):
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute",
                 lambda *args: statements.append(args[2]))
    return statements


def _many_offices(session, count: int) -> list:
    specs = [office_spec(slug=f"xa-{number:03d}", name=f"Trung tâm Phục vụ HCC xã {number:03d}")
             for number in range(count)]
    offices = apply_office_specs(session, specs)
    for index, office in enumerate(offices):
        for minute in range(2):
            lifecycle.issue_ticket(session, office, "dat-dai", now=at(8, minute),
                                   actor=Actor())
        if index % 3 == 0:
            counter = find_counter_by_number(session, office, 1)
            lifecycle.call_next(session, counter, now=at(8, 5), actor=Actor())
    session.commit()
    return offices


def test_a_hundred_and_fifty_offices_take_the_same_few_queries_as_two(session, engine, province):
    statements = _counting(engine)
    province_monitor(session, AFTERNOON)
    for_two = len(statements)
    _many_offices(session, 148)
    statements.clear()
    started = time.perf_counter()
    found = province_monitor(session, at(8, 30))
    elapsed = time.perf_counter() - started
    assert len(found["offices"]) == 150
    assert len(statements) == for_two <= 7  # six SELECTs (and the BEGIN)
    assert found["total"]["waiting"] == 148 * 2 - 50 + 1
    # Waiting since 8:00 with a 15-minute target (the scripted office's T7 comes at 10:30).
    assert found["total"]["alerts"] == 148
    # Test-sized: SQLite in a file, 150 offices and 300 tickets today, on a shared machine.
    assert elapsed < 1.0, f"{elapsed:.3f} s"
    print(f"province monitor, 150 offices: {elapsed * 1000:.1f} ms, {len(statements)} queries")


@pytest.mark.services
def test_postgresql_gives_the_same_monitor_and_league(session, province):
    from sqlalchemy.orm import Session

    from queue_server.reports.figures import Period
    from queue_server.reports.period_reports import province_report

    from ..support.migrations import migrate, postgres_engine

    thursday = Period(AFTERNOON.date(), AFTERNOON.date())
    expected = province_monitor(session, AFTERNOON), province_report(session, thursday)
    with postgres_engine("test_province_monitor") as engine:
        migrate(engine, "head")
        with Session(engine) as pg_session:
            office, other = apply_office_specs(pg_session, [
                office_spec(), office_spec(slug="other-office", name="Phường Khác")])
            script_day(pg_session, office)
            find_counter_by_number(pg_session, other, 2).is_paused = True
            pg_session.commit()
            assert (province_monitor(pg_session, AFTERNOON),
                    province_report(pg_session, thursday)) == expected
            _many_offices(pg_session, 148)
            started = time.perf_counter()
            found = province_monitor(pg_session, at(8, 30))
            elapsed = time.perf_counter() - started
    assert len(found["offices"]) == 150 and found["total"]["alerts"] == 148
    assert elapsed < 1.0, f"{elapsed:.3f} s"
    print(f"province monitor on PostgreSQL, 150 offices: {elapsed * 1000:.1f} ms")
