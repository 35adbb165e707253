"""Migration 0013: an edited service, counter or counter's services moves the queue version,
so another process's cached queue shows the edit at its next read, with no age limit."""

from __future__ import annotations

from dataclasses import replace

import pytest
from alembic import command
from sqlalchemy import inspect, select, text

from queue_server.models import Counter, Service
from queue_server.setup.seeding import apply_office_specs
from queue_server.tickets import queue_state
from queue_server.tickets.lifecycle import Actor, call_next, issue_ticket
from queue_server.tickets.queue_state import find_office, load_queue

from ..conftest import THURSDAY_9AM, CounterSpec, office_spec
from ..support.migrations import DATABASES, differences, migrate, scratch_engine
from .test_queue_version import two_processes, version

REVISION, BEFORE = "0013_layout_moves_queue_version", "0012_partial_ticket_indexes"
TABLES = ("services", "counters", "counter_services")


def triggered_tables(engine) -> set[str]:
    """The tables with a trigger that moves the queue version, of the three 0013 watches."""
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            rows = connection.execute(text(
                "SELECT tbl_name FROM sqlite_master WHERE type = 'trigger'"))
        else:
            rows = connection.execute(text(
                "SELECT event_object_table FROM information_schema.triggers"))
        return {table for (table,) in rows if table in TABLES}


@pytest.mark.parametrize("kind", DATABASES)
def test_migration_0013_round_trips(kind, tmp_path):
    with scratch_engine(kind, tmp_path) as engine:
        migrate(engine, BEFORE)
        assert triggered_tables(engine) == set()
        migrate(engine, REVISION)
        assert triggered_tables(engine) == set(TABLES)
        migrate(engine, BEFORE, command.downgrade)
        assert triggered_tables(engine) == set()
        assert "queue_version" in {c["name"] for c in inspect(engine).get_columns("offices")}
        migrate(engine, "head")
        assert differences(engine) == []  # the models agree


def durations(sessions, code: str) -> float:
    """The service time the (cached) queue of the first engine uses for a service."""
    with sessions() as session:
        office = find_office(session, "test-office")
        state = load_queue(session, office, THURSDAY_9AM)
        service_id = next(s.id for s in office.services if s.code == code)
        return state.queue.durations_s[service_id]


def counter_numbers(sessions, code: str) -> list[int]:
    with sessions() as session:
        office = find_office(session, "test-office")
        service_id = next(s.id for s in office.services if s.code == code)
        return load_queue(session, office, THURSDAY_9AM).counter_numbers(service_id)


@pytest.mark.parametrize("kind", DATABASES)
def test_an_edit_elsewhere_shows_at_the_next_read_however_young_the_copy(
        kind, tmp_path, monkeypatch):
    monkeypatch.setattr(queue_state, "MAX_CACHE_AGE_S", 3600.0)  # only the version may tell
    with two_processes(kind, tmp_path) as (first, second):
        assert durations(first, "dat-dai") == 600.0
        assert counter_numbers(first, "tu-phap") == [3]
        start, other = version(second, "test-office"), version(second, "other")

        with second() as session:  # the office file, re-applied by the CLI
            spec = office_spec()
            services = tuple(replace(s, mean_service_s=900) if s.code == "dat-dai" else s
                             for s in spec.services)
            counters = (*spec.counters, CounterSpec(5, "Quầy 5", ("tu-phap",)))
            apply_office_specs(session, [replace(spec, services=services, counters=counters)])
            session.commit()
        assert durations(first, "dat-dai") == 900.0
        assert counter_numbers(first, "tu-phap") == [3, 5]

        with second() as session:  # an admin takes a service off a counter
            counter = session.scalar(select(Counter).where(Counter.number == 5))
            counter.services = []
            session.commit()
        assert counter_numbers(first, "tu-phap") == [3]

        with second() as session:  # and retires a service
            service = session.scalar(select(Service).where(Service.code == "tra-ket-qua"))
            service.is_active = False
            session.commit()
        with first() as session:
            office = find_office(session, "test-office")
            assert "tra-ket-qua" not in load_queue(session, office, THURSDAY_9AM).waiting()
        assert version(second, "test-office") > start
        assert version(second, "other") == other  # another office's copies stay warm


@pytest.mark.parametrize("kind", DATABASES)
def test_an_issue_still_moves_the_version_by_one_and_a_call_is_seen(kind, tmp_path,
                                                                    monkeypatch):
    # The issue path counts on +1 per ticket: no watched column changes when one is issued.
    monkeypatch.setattr(queue_state, "MAX_CACHE_AGE_S", 3600.0)
    with two_processes(kind, tmp_path) as (first, second):
        start = version(second, "test-office")
        with second() as session:
            office = find_office(session, "test-office")
            issue_ticket(session, office, "tu-phap", now=THURSDAY_9AM, actor=Actor())
            session.commit()
        assert version(second, "test-office") == start + 1
        with first() as session:
            office = find_office(session, "test-office")
            assert load_queue(session, office, THURSDAY_9AM).waiting()["tu-phap"] == 1
        with second() as session:
            office = find_office(session, "test-office")
            call_next(session, office.counters[2], now=THURSDAY_9AM, actor=Actor())
            session.commit()
        with first() as session:
            office = find_office(session, "test-office")
            assert load_queue(session, office, THURSDAY_9AM).waiting()["tu-phap"] == 0
