"""The office's queue version: moved by triggers, so every process's queue cache stays true.

Two engines on one database stand for two server processes: each has a cache of its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from alembic import command
from sqlalchemy import Engine, inspect, select

from queue_server.core.db import make_engine, make_session_factory, noted_queue_version
from queue_server.core.migrate import upgrade_database
from queue_server.models import Office
from queue_server.setup.seeding import apply_office_specs
from queue_server.tickets import queue_state
from queue_server.tickets.lifecycle import (
    Actor,
    call_next,
    cancel_ticket,
    issue_ticket,
    pause_counter,
)
from queue_server.tickets.queue_state import find_office, load_queue

from ..conftest import THURSDAY_9AM, office_spec
from ..support.migrations import DATABASES, differences, migrate, scratch_engine

REVISION, BEFORE = "0008_queue_version", "0007_counter_index"


def check_round_trip(engine: Engine) -> None:
    migrate(engine, BEFORE)
    assert "queue_version" not in columns(engine)
    migrate(engine, REVISION)
    assert "queue_version" in columns(engine)
    migrate(engine, BEFORE, command.downgrade)
    assert "queue_version" not in columns(engine)
    migrate(engine, "head")
    assert differences(engine) == []  # the models agree


def columns(engine: Engine) -> set[str]:
    return {column["name"] for column in inspect(engine).get_columns("offices")}


@pytest.mark.parametrize("kind", DATABASES)
def test_migration_0008_round_trips(kind, tmp_path):
    with scratch_engine(kind, tmp_path) as engine:
        check_round_trip(engine)


@contextmanager
def two_processes(kind: str, tmp_path) -> Iterator[tuple]:
    """Session factories of two engines on one migrated database with two offices."""
    with scratch_engine(kind, tmp_path) as first:
        upgrade_database(first)
        second = make_engine(first.url.render_as_string(hide_password=False))
        try:
            with make_session_factory(first)() as session:
                apply_office_specs(session, [office_spec(), office_spec(slug="other")])
                session.commit()
            yield make_session_factory(first), make_session_factory(second)
        finally:
            second.dispose()


def version(sessions, slug: str) -> int:
    with sessions() as session:
        return session.scalar(select(Office.__table__.c.queue_version)
                              .where(Office.slug == slug))


@pytest.mark.parametrize("kind", DATABASES)
def test_every_ticket_and_counter_event_moves_its_own_office_only(kind, tmp_path):
    with two_processes(kind, tmp_path) as (sessions, _other):
        start, other_start = version(sessions, "test-office"), version(sessions, "other")
        with sessions() as session:
            office = find_office(session, "test-office")
            issue_ticket(session, office, "dat-dai", now=THURSDAY_9AM, actor=Actor())
            session.commit()
        assert version(sessions, "test-office") == start + 1
        with sessions() as session:
            counter = find_office(session, "test-office").counters[0]
            pause_counter(session, counter, "họp", now=THURSDAY_9AM, actor=Actor())
            session.commit()
        assert version(sessions, "test-office") == start + 2
        assert version(sessions, "other") == other_start
        with sessions() as session:  # a rolled-back change moves nothing
            office = find_office(session, "test-office")
            issue_ticket(session, office, "dat-dai", now=THURSDAY_9AM, actor=Actor())
            session.rollback()
        assert version(sessions, "test-office") == start + 2


def waiting(sessions, slug: str = "test-office") -> dict[str, int]:
    with sessions() as session:
        return load_queue(session, find_office(session, slug), THURSDAY_9AM).waiting()


@pytest.mark.parametrize("kind", DATABASES)
def test_a_process_sees_what_another_committed_at_its_next_read(kind, tmp_path):
    with two_processes(kind, tmp_path) as (first, second):
        assert waiting(first)["dat-dai"] == 0  # first caches the empty queue
        with second() as session:
            office = find_office(session, "test-office")
            ticket = issue_ticket(session, office, "dat-dai", now=THURSDAY_9AM, actor=Actor())
            load_queue(session, office, THURSDAY_9AM).with_issued(session, ticket)
            session.commit()
        assert waiting(first)["dat-dai"] == 1
        with second() as session:
            cancel_ticket(session, session.merge(ticket), now=THURSDAY_9AM, actor=Actor())
            session.commit()
        assert waiting(first)["dat-dai"] == 0
        with second() as session:
            office = find_office(session, "test-office")
            issue_ticket(session, office, "tu-phap", now=THURSDAY_9AM, actor=Actor())
            session.commit()
            call_next(session, office.counters[2], now=THURSDAY_9AM, actor=Actor())
            session.commit()
        assert waiting(first) == waiting(second) == {"dat-dai": 0, "tu-phap": 0,
                                                     "tra-ket-qua": 0}


@pytest.mark.parametrize("kind", DATABASES)
def test_an_issue_that_raced_another_reads_again_and_caches_nothing_wrong(kind, tmp_path):
    with two_processes(kind, tmp_path) as (first, second):
        with first() as session:
            office = find_office(session, "test-office")
            before = load_queue(session, office, THURSDAY_9AM)  # cached, version v
            session.commit()
        with second() as session:  # another process issues meanwhile: v + 1
            rival = find_office(session, "test-office")
            issue_ticket(session, rival, "dat-dai", now=THURSDAY_9AM, actor=Actor())
            session.commit()
        with first() as session:
            office = find_office(session, "test-office")
            ticket = issue_ticket(session, office, "dat-dai", now=THURSDAY_9AM, actor=Actor())
            forecast, after = before.with_issued(session, ticket)  # v + 2: not ours alone
            session.commit()
        assert forecast.ahead == 1
        assert after.waiting()["dat-dai"] == 2
        assert waiting(first)["dat-dai"] == 2


def test_a_read_inside_a_transaction_that_wrote_is_never_cached(tmp_path, monkeypatch):
    with two_processes("sqlite", tmp_path) as (sessions, _other):
        reads = []
        real_read = queue_state._read_queue
        monkeypatch.setattr(queue_state, "_read_queue",
                            lambda *args: reads.append(args) or real_read(*args))
        with sessions() as session:
            office = find_office(session, "test-office")
            issue_ticket(session, office, "dat-dai", now=THURSDAY_9AM, actor=Actor())
            session.flush()
            assert load_queue(session, office, THURSDAY_9AM).waiting()["dat-dai"] == 1
            session.rollback()
        # Had that read been kept, the next change would bring its version back.
        with sessions() as session:
            counter = find_office(session, "test-office").counters[0]
            pause_counter(session, counter, "họp", now=THURSDAY_9AM, actor=Actor())
            session.commit()
        assert waiting(sessions)["dat-dai"] == 0
        assert len(reads) == 2


@pytest.mark.parametrize("kind", DATABASES)
def test_a_retried_issue_counts_its_ticket_once(kind, tmp_path):
    with two_processes(kind, tmp_path) as (sessions, _other):
        answers = []
        for _attempt in range(2):  # the kiosk retries with the same key
            with sessions() as session:
                office = find_office(session, "test-office")
                state = load_queue(session, office, THURSDAY_9AM)
                ticket = issue_ticket(session, office, "dat-dai", now=THURSDAY_9AM,
                                      actor=Actor(), idempotency_key="tap-1")
                forecast, after = state.with_issued(session, ticket)
                session.commit()
                answers.append((ticket.id, forecast.ahead, after.waiting()["dat-dai"]))
        assert answers[0] == answers[1]
        assert answers[0][1:] == (0, 1)
        assert waiting(sessions)["dat-dai"] == 1



@pytest.mark.services
def test_a_call_reads_the_version_again_after_waiting_for_its_counter(tmp_path):
    # The office's row brings a version, and a call may then wait for its counter's lock.
    # What committed meanwhile must not hide behind that earlier version. (SQLite cannot
    # interleave so: the first statement takes the write lock.)
    with two_processes("postgresql", tmp_path) as (first, second):
        assert waiting(first)["dat-dai"] == 0  # first caches the empty queue
        with first() as session:
            office = find_office(session, "test-office")
            assert noted_queue_version(session.connection(), office.id) is not None
            with second() as rival:  # another process issues before this call's lock
                issue_ticket(rival, find_office(rival, "test-office"), "dat-dai",
                             now=THURSDAY_9AM, actor=Actor())
                rival.commit()
            result = call_next(session, office.counters[0], now=THURSDAY_9AM, actor=Actor())
            session.commit()
        assert result.called is not None and result.called.number == "1001"


@pytest.mark.services
def test_a_call_that_another_process_overtook_carries_a_fresh_queue_through_its_commit(
        tmp_path):
    with two_processes("postgresql", tmp_path) as (first, second):
        with first() as session:
            office = find_office(session, "test-office")
            for _ in range(2):
                issue_ticket(session, office, "dat-dai", now=THURSDAY_9AM, actor=Actor())
            session.commit()
        with first() as session:
            office = find_office(session, "test-office")
            state = load_queue(session, office, THURSDAY_9AM)
            counter = office.counters[0]
            result = call_next(session, counter, now=THURSDAY_9AM, actor=Actor())
            with second() as other:  # commits while the call is still open
                issue_ticket(other, find_office(other, "test-office"), "dat-dai",
                             now=THURSDAY_9AM, actor=Actor())
                other.commit()
            after = state.after(session, tickets=(result.called,), counters=(counter,))
            session.commit()
        assert after.waiting()["dat-dai"] == 2  # one of two called, the other's one added
        assert waiting(first)["dat-dai"] == waiting(second)["dat-dai"] == 2
