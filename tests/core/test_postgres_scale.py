"""Scale-out on real PostgreSQL and Redis: several processes, faults, recovery."""

from __future__ import annotations

import http.client
import threading
import time
from collections import Counter as Tally

import pytest
import socketio
from sqlalchemy import create_engine, text

from .conftest import api

pytestmark = [pytest.mark.services, pytest.mark.slow]
OFFICE = "/api/v1/offices/trung-tam"


def db_rows(installation, query: str) -> list:
    engine = create_engine(installation.database_url)
    with engine.connect() as connection:
        rows = connection.execute(text(query)).all()
    engine.dispose()
    return rows


def test_the_domain_concurrency_rules_hold_on_postgresql(postgres):
    from queue_server.core.db import make_engine, make_session_factory
    from queue_server.core.migrate import upgrade_database

    from ..tickets.test_concurrency import run_kiosks_and_counters

    engine = make_engine(postgres.create_database())
    upgrade_database(engine)
    try:
        run_kiosks_and_counters(make_session_factory(engine))
    finally:
        engine.dispose()


def test_two_processes_hand_out_unique_numbers_and_never_call_twice(installation):
    servers = [server.url for server in installation.servers]
    issued: list[str] = []
    errors: list[object] = []

    def kiosk(index: int) -> None:
        for number in range(25):
            status, body = api(servers[(index + number) % 2], "POST", OFFICE + "/tickets",
                               {"service": "dat-dai" if number % 3 else "ho-tich"},
                               installation.tokens["kiosk"])
            if status == 201:
                issued.append(body["number"])
            else:
                errors.append((status, body))

    def desk(counter: int, stop: threading.Event) -> None:
        while not stop.is_set():
            status, body = api(servers[counter % 2], "POST",
                               f"{OFFICE}/counters/{counter}/call-next", None,
                               installation.tokens["staff"])
            if status not in (200, 204):
                errors.append((status, body))
            if status == 204:
                time.sleep(0.02)

    stop = threading.Event()
    kiosks = [threading.Thread(target=kiosk, args=(i,)) for i in range(6)]
    desks = [threading.Thread(target=desk, args=(n, stop)) for n in range(1, 5)]
    for thread in kiosks + desks:
        thread.start()
    for thread in kiosks:
        thread.join()
    time.sleep(1.5)
    stop.set()
    for thread in desks:
        thread.join()

    assert errors == []
    assert len(issued) == 150 and max(Tally(issued).values()) == 1
    calls = db_rows(installation, "SELECT ticket_id FROM ticket_events WHERE kind = 'called'")
    assert calls and max(Tally(row[0] for row in calls).values()) == 1


def test_a_call_on_one_process_reaches_a_display_on_the_other(installation):
    first, second = installation.servers
    display = socketio.Client()
    received: list[dict] = []
    display.on("ticket_called", received.append)
    display.connect(first.url, transports=["websocket"], wait_timeout=10)
    try:
        display.call("subscribe", {"office": "trung-tam", "channel": "board"}, timeout=10)
        api(second.url, "POST", OFFICE + "/tickets", {"service": "dat-dai"},
            installation.tokens["kiosk"])
        status, ticket = api(second.url, "POST", OFFICE + "/counters/1/call-next", None,
                             installation.tokens["staff"])
        assert status == 200
        deadline = time.monotonic() + 10
        while not received and time.monotonic() < deadline:
            time.sleep(0.05)
        assert [(call["number"], call["counter"]) for call in received] == [
            (ticket["number"], 1)]
    finally:
        display.disconnect()


def test_every_acknowledged_ticket_survives_a_kill_9_in_the_middle_of_issuing(installation):
    victim, survivor = installation.servers
    acknowledged: list[str] = []
    failures: list[int] = []

    def kiosk() -> None:
        for _ in range(60):
            try:
                status, body = api(victim.url, "POST", OFFICE + "/tickets",
                                   {"service": "dat-dai"}, installation.tokens["kiosk"],
                                   timeout=5)
            # A kill can land before the response (connection refused or reset) or halfway
            # through its body (IncompleteRead); either way the client was not told 201.
            except (OSError, http.client.HTTPException):
                failures.append(0)
                return
            if status == 201:
                acknowledged.append(body["code"])

    threads = [threading.Thread(target=kiosk) for _ in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(0.4)
    victim.kill()
    for thread in threads:
        thread.join()

    stored = {row[0] for row in db_rows(installation, "SELECT code FROM tickets")}
    assert acknowledged and failures
    assert set(acknowledged) <= stored
    status, _body = api(survivor.url, "POST", OFFICE + "/tickets", {"service": "dat-dai"},
                       installation.tokens["kiosk"])
    assert status == 201
    numbers = [row[0] for row in db_rows(installation, "SELECT number FROM tickets")]
    assert max(Tally(numbers).values()) == 1


def test_displays_hear_calls_again_after_redis_restarts(installation, redis_server):
    first, second = installation.servers
    display = socketio.Client(reconnection_delay=0.2, reconnection_delay_max=1)
    received: list[dict] = []
    resyncs: list[float] = []
    display.on("ticket_called", received.append)
    display.on("resync", lambda _data: resyncs.append(time.monotonic()))
    display.connect(first.url, transports=["websocket"], wait_timeout=10)
    try:
        display.call("subscribe", {"office": "trung-tam", "channel": "board"}, timeout=10)
        redis_server.stop()
        # While Redis is down, actions still succeed; only cross-process events are lost.
        api(second.url, "POST", OFFICE + "/tickets", {"service": "dat-dai"},
            installation.tokens["kiosk"])
        status, _ = api(second.url, "POST", OFFICE + "/counters/1/call-next", None,
                        installation.tokens["staff"])
        assert status == 200
        redis_server.start()
        # The first process's listener reconnects (1 s, then doubling back-off); once it hears
        # again it tells its own clients to resync, because calls made meanwhile were lost.
        deadline = time.monotonic() + 45
        while time.monotonic() < deadline and not any(c["counter"] == 3 for c in received):
            api(second.url, "POST", OFFICE + "/tickets", {"service": "ho-tich"},
                installation.tokens["kiosk"])
            api(second.url, "POST", OFFICE + "/counters/3/call-next", None,
                installation.tokens["staff"])
            time.sleep(0.5)
        assert any(call["counter"] == 3 for call in received), "calls never came back"
        assert resyncs, "the display was not asked to resync after the outage"
        snapshot = display.call("subscribe", {"office": "trung-tam", "channel": "board"},
                                timeout=10)
        assert {row["counter"] for row in snapshot["now_serving"]} >= {1, 3}
    finally:
        display.disconnect()


def test_postgresql_outage_gives_503_then_service_resumes_without_restart(
        installation, postgres):
    server = installation.servers[0]
    postgres.stop()
    try:
        status, body = api(server.url, "POST", OFFICE + "/tickets", {"service": "dat-dai"},
                           installation.tokens["kiosk"])
        assert status == 503 and body["error"]["code"] == "unavailable"
        status, body = api(server.url, "GET", OFFICE + "/board")
        assert status == 503
    finally:
        postgres.start()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        status, body = api(server.url, "POST", OFFICE + "/tickets", {"service": "dat-dai"},
                           installation.tokens["kiosk"])
        if status == 201:
            break
        time.sleep(0.5)
    assert status == 201


def test_copy_data_moves_an_installation_from_sqlite_to_postgresql(postgres, tmp_path):
    import os
    import subprocess
    import sys

    from .conftest import OFFICE_TOML, ROOT

    (tmp_path / "offices.toml").write_text(OFFICE_TOML)
    sqlite_url = f"sqlite:///{tmp_path}/queue.db"
    environment = {**{k: v for k, v in os.environ.items() if not k.startswith("QUEUE_")},
                   "QUEUE_DATABASE_URL": sqlite_url, "QUEUE_VAR_DIR": str(tmp_path),
                   "QUEUE_OFFICE_FILE": str(tmp_path / "offices.toml")}

    def cli(*arguments, env=environment):
        return subprocess.run([sys.executable, "-m", "queue_server.cli", *arguments],
                                env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)

    assert cli("init").returncode == 0
    from datetime import UTC, datetime

    from sqlalchemy import select

    from queue_server.core.db import make_engine, make_session_factory
    from queue_server.models import Office
    from queue_server.tickets.lifecycle import Actor, issue_ticket
    from queue_server.tickets.queue_state import find_office

    engine = make_engine(sqlite_url)
    try:
        with make_session_factory(engine)() as session:
            office = find_office(session, "trung-tam")
            for _ in range(3):
                issue_ticket(session, office, "dat-dai", now=datetime.now(UTC), actor=Actor())
            session.commit()
            version = select(Office.__table__.c.queue_version).where(Office.id == office.id)
            source_version = session.scalar(version)
    finally:
        engine.dispose()

    postgres_url = postgres.create_database()
    copied = cli("copy-data", "--from", sqlite_url, "--to", postgres_url)
    assert copied.returncode == 0, copied.stderr
    assert "tickets: 3 rows" in copied.stdout
    again = cli("copy-data", "--from", sqlite_url, "--to", postgres_url)
    assert again.returncode == 1 and "not empty" in again.stderr

    engine = make_engine(postgres_url)
    try:
        with make_session_factory(engine)() as session:
            office = find_office(session, "trung-tam")
            # The version came with the office, not once more per copied row.
            assert source_version >= 3
            assert session.scalar(version) == source_version
            fourth = issue_ticket(session, office, "dat-dai", now=datetime.now(UTC),
                                  actor=Actor())
            session.commit()
            assert fourth.number == "1004"
            assert session.scalar(version) == source_version + 1  # the triggers are back on
    finally:
        engine.dispose()
