"""The call's path: after the commit nothing just written is read again, and the office's
cached queue, carried through the commit, stays what a fresh read would give."""

from __future__ import annotations

import random
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event

from queue_server.core.clock import local_day
from queue_server.tickets import queue_state
from queue_server.tickets.queue_state import find_office

from ..conftest import bearer

OFFICE = "/api/v1/offices/test-office"
SERVICES = ["dat-dai", "tu-phap", "tra-ket-qua"]


@contextmanager
def statements_after_commit(app):
    """Record every statement the engine runs once a transaction has committed."""
    engine = app.extensions["queue"].engine
    phases: dict[str, list[str]] = {"before": [], "after": []}
    current = phases["before"]

    def on_statement(_connection, _cursor, sql, *_rest):
        current.append(sql)

    def on_commit(_connection):
        nonlocal current
        current = phases["after"]

    # SQLite's BEGIN is a statement of its own (see core/db.py): it is recorded too.
    listeners = [("before_cursor_execute", on_statement), ("commit", on_commit)]
    for name, listener in listeners:
        event.listen(engine, name, listener)
    try:
        yield phases
    finally:
        for name, listener in listeners:
            event.remove(engine, name, listener)


def issue(client, accounts, service="dat-dai", **extra):
    answer = client.post(OFFICE + "/tickets", json={"service": service, **extra},
                         headers=bearer(accounts["kiosk"]))
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def act(client, accounts, action, counter=1, **kwargs):
    return client.post(f"{OFFICE}/counters/{counter}/{action}",
                       headers=bearer(accounts["staff1"]), **kwargs)


def test_call_next_reads_nothing_after_its_commit(app, client, accounts):
    for _ in range(300):
        issue(client, accounts)
    act(client, accounts, "call-next")  # warms the office's queue
    with statements_after_commit(app) as phases:
        answer = act(client, accounts, "call-next")
    assert answer.status_code == 200
    assert answer.get_json()["number"] == "1002"
    assert phases["after"] == []
    # Under SQLite's write lock: the version (with the office), the counter, its ticket, the
    # finish and the call with their events; the event ids come back with RETURNING.
    assert not any("ticket_events.id" in sql and sql.startswith("SELECT")
                   for sql in phases["before"])
    assert len(phases["before"]) <= 12


@pytest.mark.parametrize("action", ["recall", "finish"])
def test_other_counter_actions_read_after_commit_without_the_write_lock(app, client, accounts,
                                                                        action):
    issue(client, accounts)
    issue(client, accounts)
    act(client, accounts, "call-next")
    with statements_after_commit(app) as phases:
        assert act(client, accounts, action).status_code == 200
    assert "BEGIN IMMEDIATE" not in phases["after"]
    # The tickets, their events and the queue come from the transaction; what may remain is
    # a lazy load of names (a service's, a counter's services, the office's counters).
    reads = [sql for sql in phases["after"] if not sql.startswith("BEGIN")]
    assert len(reads) <= 2
    assert not any(" tickets" in sql or "ticket_events" in sql or "queue_version" in sql
                   for sql in reads)


def test_an_issue_reads_nothing_after_its_commit(app, client, accounts):
    issue(client, accounts)
    for extra in ({}, {"priority": "elderly"}):  # a priority ticket moves people: followers
        with statements_after_commit(app) as phases:
            issue(client, accounts, **extra)
        assert phases["after"] == []


def test_the_call_event_id_is_the_one_the_board_lists(app, client, accounts):
    issue(client, accounts)
    socket = app.extensions["socketio"].test_client(app)
    socket.emit("subscribe", {"office": "test-office", "channel": "board"}, callback=True)
    act(client, accounts, "call-next")
    act(client, accounts, "recall")
    calls = [message["args"][0] for message in socket.get_received()
             if message["name"] == "ticket_called"]
    board = client.get(OFFICE + "/board").get_json()
    assert [call["call_id"] for call in calls] == [
        recent["call_id"] for recent in reversed(board["recent_calls"])]
    assert [call["is_recall"] for call in calls] == [False, True]


def fresh_queue(app, clock):
    """The office's queue from a full read of the database, leaving the cache alone."""
    with app.extensions["queue"].sessions() as session:
        office = find_office(session, "test-office")
        return queue_state._read_queue(session, office, local_day(clock(), office.timezone),
                                       None)


def cached_queue(app):
    """The office's shared copy, if this process holds one the database still agrees with."""
    with app.extensions["queue"].sessions() as session:
        office = find_office(session, "test-office")
        cached = queue_state._cache_of(session).get(office.id)
        if cached is None or cached.version != queue_state._read_version(session, office.id):
            return None
        return cached


def same_queue(cached, fresh) -> None:
    assert cached.entries == fresh.entries
    assert cached.listed == fresh.listed
    assert sorted(cached.busy) == sorted(fresh.busy)
    assert cached.counters == fresh.counters
    assert cached.waiting_by_service == fresh.waiting_by_service
    assert cached.durations_s == pytest.approx(fresh.durations_s)


def test_the_queue_carried_through_each_action_matches_a_fresh_read(app, client, accounts,
                                                                    clock):
    rng = random.Random(11)
    actions = ["call-next", "call-next", "call-next", "recall", "finish", "no-show",
               "transfer", "pause", "resume", "call"]
    kept = 0
    for _step in range(120):
        clock.now += timedelta(seconds=rng.randint(0, 50))
        if rng.random() < 0.4:
            issue(client, accounts, rng.choice(SERVICES),
                  **({"priority": "elderly"} if rng.random() < 0.2 else {}))
            continue
        action, counter = rng.choice(actions), rng.randint(1, 4)
        body = None
        if action == "transfer":
            body = rng.choice([{"service": rng.choice(SERVICES)}, {"counter": rng.randint(1, 4)}])
        elif action == "pause":
            body = {"reason": "Họp"}
        elif action == "call":
            waiting = fresh_queue(app, clock).listed
            if not waiting:
                continue
            body = {"number": rng.choice(list(waiting.values())).number}
        answer = act(client, accounts, action, counter, json=body)
        assert answer.status_code < 500, answer.get_json()
        cached = cached_queue(app)
        if cached is None or answer.status_code >= 400:
            continue
        kept += 1
        same_queue(cached, fresh_queue(app, clock))
    assert kept > 30  # the copy was carried through most actions, not read again


def console_socket(app, client, token, counter):
    """A counter channel subscriber, as the console is; returns (socket, snapshot)."""
    socket = app.extensions["socketio"].test_client(app, flask_test_client=client,
                                                    auth={"token": token})
    snapshot = socket.emit("subscribe", {"office": "test-office", "channel": "counter",
                                         "counter": counter}, callback=True)
    return socket, snapshot


def pushed(socket, name):
    return [message["args"][0] for message in socket.get_received() if message["name"] == name]


def snapshot_list(client, accounts, counter) -> dict:
    body = client.get(f"{OFFICE}/counters/{counter}", headers=bearer(accounts["staff1"])).get_json()
    return {"counter": counter, "waiting_count": body["waiting_count"],
            "waiting": body["waiting"]}


def test_other_consoles_receive_their_new_waiting_list_with_each_change(app, client, accounts):
    second, _snapshot = console_socket(app, client, accounts["staff1"], 2)
    justice, _snapshot = console_socket(app, client, accounts["staff1"], 3)
    issue(client, accounts)
    assert pushed(second, "counter_waiting") == [snapshot_list(client, accounts, 2)]
    assert pushed(justice, "counter_waiting") == []  # counter 3 does not serve land matters
    elderly = issue(client, accounts, priority="elderly")
    issue(client, accounts, "tu-phap")
    assert pushed(justice, "counter_waiting") == [snapshot_list(client, accounts, 3)]
    assert [row["number"] for row in pushed(second, "counter_waiting")[-1]["waiting"]] == [
        "1001", "1002"]
    called = act(client, accounts, "call-next", 1).get_json()
    lists = pushed(second, "counter_waiting")
    assert lists == [snapshot_list(client, accounts, 2)]
    assert called["number"] not in [row["number"] for row in lists[0]["waiting"]]
    assert len(lists[0]["waiting"]) == 1
    cancel = client.post(f"/api/v1/tickets/{elderly['code']}/cancel",
                         headers=bearer(accounts["staff1"]))
    assert cancel.status_code == 200
    assert pushed(second, "counter_waiting") == [snapshot_list(client, accounts, 2)]
    assert pushed(justice, "counter_waiting") == []
