"""The per-office queue cache: answers agree with a fresh read, and outside changes show."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import event, select

from queue_server.core.clock import local_day
from queue_server.models import Ticket, TicketStatus
from queue_server.tickets import queue_state
from queue_server.tickets.queue_state import find_office, load_queue

from ..conftest import bearer

TICKETS = "/api/v1/offices/test-office/tickets"
SERVICES = ["dat-dai", "tu-phap", "tra-ket-qua"]


def fresh_forecast(app, code: str, clock):
    """The ticket's forecast from a full read of the database, leaving the cache alone."""
    with app.extensions["queue"].sessions() as session:
        ticket = session.scalar(select(Ticket).where(Ticket.code == code))
        office = ticket.office
        queue = queue_state._read_queue(session, office, local_day(clock(), office.timezone), None)
        forecast = queue_state.QueueState(office, clock(), queue).forecast(ticket)
        return (forecast.ahead, forecast.estimated_wait_s)


def test_every_issued_answer_matches_a_full_replay(client, accounts, app, clock):
    rng = random.Random(7)
    staff = bearer(accounts["staff1"])
    for step in range(40):
        # Either the same instant (the plan carries on) or past its drift (it is redone).
        clock.now += timedelta(seconds=rng.choice([0, 0, rng.randint(3, 90)]))
        if step % 9 == 4:
            client.post(f"/api/v1/offices/test-office/counters/{rng.randint(1, 4)}/call-next",
                        headers=staff)
        body = {"service": rng.choice(SERVICES)}
        if rng.random() < 0.2:
            body["priority"] = "elderly"
        answer = client.post(TICKETS, json=body, headers=bearer(accounts["kiosk"])).get_json()
        assert (answer["ahead"], answer["estimated_wait_s"]) == fresh_forecast(
            app, answer["code"], clock), f"step {step}"


def test_a_change_made_by_another_connection_is_seen_at_once(client, accounts, app, clock):
    kiosk = bearer(accounts["kiosk"])
    first = client.post(TICKETS, json={"service": "tu-phap"}, headers=kiosk).get_json()
    second = client.post(TICKETS, json={"service": "tu-phap"}, headers=kiosk).get_json()
    assert second["ahead"] == 1
    # Another process (the CLI, a second server) cancels the first ticket behind our back.
    from queue_server.tickets.lifecycle import Actor, cancel_ticket

    with app.extensions["queue"].sessions() as session:
        ticket = session.scalar(select(Ticket).where(Ticket.code == first["code"]))
        cancel_ticket(session, ticket, now=clock(), actor=Actor())
        session.commit()
    third = client.post(TICKETS, json={"service": "tu-phap"}, headers=kiosk).get_json()
    assert third["ahead"] == 1  # only the second is ahead now
    services = client.get("/api/v1/offices/test-office/services").get_json()
    assert {s["code"]: s["waiting"] for s in services}["tu-phap"] == 2


def test_a_rolled_back_issue_leaves_the_cache_as_it_was(app, accounts, clock):
    state = app.extensions["queue"]
    with state.sessions() as session:
        office = find_office(session, "test-office")
        before = load_queue(session, office, clock())
        from queue_server.tickets.lifecycle import Actor, issue_ticket

        ticket = issue_ticket(session, office, "dat-dai", now=clock(), actor=Actor())
        before.with_issued(session, ticket)
        session.rollback()
    with state.sessions() as session:
        office = find_office(session, "test-office")
        after = load_queue(session, office, clock())
        assert after.waiting()["dat-dai"] == 0
        assert session.scalars(select(Ticket).where(
            Ticket.status == TicketStatus.WAITING)).all() == []


def test_once_warm_an_issue_does_not_read_the_queue(client, accounts, app, clock, monkeypatch):
    # A clock that moves between readings, as a real one does.
    def moving_clock():
        clock.now += timedelta(microseconds=1)
        return clock.now
    monkeypatch.setattr(app.extensions["queue"], "clock", moving_clock)
    reads = []
    real_read = queue_state._read_queue
    monkeypatch.setattr(queue_state, "_read_queue",
                        lambda *args: reads.append(args) or real_read(*args))
    kiosk = bearer(accounts["kiosk"])
    client.post(TICKETS, json={"service": "dat-dai"}, headers=kiosk)
    reads.clear()
    answer = client.post(TICKETS, json={"service": "dat-dai"}, headers=kiosk)
    assert answer.status_code == 201
    assert answer.get_json()["ahead"] == 1
    assert reads == []


def test_a_warm_issue_reads_the_version_only_with_its_office(client, accounts, app):
    # The office's row carries the version, and SQLite's write lock, held from that read to
    # the commit, keeps every other change out: no second look is needed.
    statements = []
    engine = app.extensions["queue"].engine

    def listener(_connection, _cursor, sql, *_rest):
        statements.append(sql)

    kiosk = bearer(accounts["kiosk"])
    client.post(TICKETS, json={"service": "dat-dai"}, headers=kiosk)
    event.listen(engine, "before_cursor_execute", listener)
    try:
        answer = client.post(TICKETS, json={"service": "dat-dai"}, headers=kiosk)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert answer.status_code == 201
    assert answer.get_json()["ahead"] == 1
    version_reads = [sql for sql in statements if "queue_version" in sql]
    assert len(version_reads) == 1
    assert "FROM offices" in version_reads[0] and "offices.slug" in version_reads[0]
