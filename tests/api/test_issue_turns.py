"""Concurrent issues at one office keep its cached queue: they take turns within a process."""

from __future__ import annotations

import threading

import pytest

from queue_server import create_app
from queue_server.api import offices
from queue_server.core.migrate import upgrade_database
from queue_server.core.settings import Settings
from queue_server.models import DeviceKind
from queue_server.security.tokens import add_device
from queue_server.setup.seeding import apply_office_specs
from queue_server.tickets import queue_state

from ..conftest import THURSDAY_9AM, Clock, bearer, office_spec
from ..support.migrations import DATABASES, scratch_engine

THREADS, EACH = 8, 12
TICKETS = "/api/v1/offices/test-office/tickets"


@pytest.mark.parametrize("kind", DATABASES)
def test_concurrent_issues_at_one_office_never_read_its_queue_again(kind, tmp_path,
                                                                    monkeypatch):
    with scratch_engine(kind, tmp_path) as engine:
        upgrade_database(engine)
        url = engine.url.render_as_string(hide_password=False)
        app = create_app(Settings(database_url=url, secret_key="test-secret",
                                  var_dir=str(tmp_path), public_url="http://queue.test",
                                  testing=True).validated(), async_mode="threading")
        app.extensions["queue"].clock = Clock(THURSDAY_9AM)
        try:
            with app.extensions["queue"].sessions() as session:
                office = apply_office_specs(session, [office_spec()])[0]
                token = add_device(session, "kiosk-1", DeviceKind.KIOSK, office,
                                   now=THURSDAY_9AM)[1]
                session.commit()
            answers, queue_reads = run_concurrent_issues(app, token, monkeypatch)
        finally:
            app.extensions["queue"].engine.dispose()
    assert sorted(status for status, _number in answers) == [201] * (THREADS * EACH)
    assert len({number for _status, number in answers}) == THREADS * EACH
    assert queue_reads == []


def run_concurrent_issues(app, token: str, monkeypatch) -> tuple[list, list]:
    """Warm the cache, then issue from THREADS threads at once: answers and full reads."""
    kiosk = bearer(token)
    assert app.test_client().post(TICKETS, json={"service": "dat-dai"},
                                  headers=kiosk).status_code == 201
    monkeypatch.setattr(queue_state, "MAX_CACHE_AGE_S", 3600.0)  # a slow machine's seconds
    real_read = queue_state._read_queue
    queue_reads: list = []
    monkeypatch.setattr(queue_state, "_read_queue",
                        lambda *args: queue_reads.append(args) or real_read(*args))
    answers: list[tuple[int, str]] = []
    start = threading.Barrier(THREADS)

    def issue(index: int) -> None:
        client = app.test_client()
        start.wait()
        for turn in range(EACH):
            service = ["dat-dai", "tu-phap", "tra-ket-qua"][(index + turn) % 3]
            answer = client.post(TICKETS, json={"service": service}, headers=kiosk)
            answers.append((answer.status_code, answer.get_json().get("number")))

    threads = [threading.Thread(target=issue, args=(index,)) for index in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers, queue_reads


def test_a_stuck_turn_is_given_up_after_a_while(monkeypatch):
    monkeypatch.setattr(offices, "ISSUE_TURN_WAIT_S", 0.05)
    turn = offices._ISSUE_TURNS[hash("test-office") % len(offices._ISSUE_TURNS)]
    calls = []
    monkeypatch.setattr(offices, "_issue_ticket", lambda slug: calls.append(slug) or "issued")
    with turn:  # another request holds the turn and never lets go
        assert offices.issue_ticket("test-office") == "issued"
        assert calls == ["test-office"]
    # Leaving the block released the turn without error: the request that gave up never
    # released a turn it did not have. The next request takes it and gives it back.
    assert offices.issue_ticket("test-office") == "issued"
    assert calls == ["test-office", "test-office"]
    assert not turn.locked()
