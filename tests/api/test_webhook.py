"""The webhook to the province's system, end to end with a real HTTP receiver on 127.0.0.1:
every finished (or no-show) visit and every rating (phone, tablet, paper) is POSTed signed,
delivered at least once with one delivery id through retries and outages, and the counter
never waits for the receiver."""

import time
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from queue_server.models import DeviceKind, MessageStatus, OutboxMessage
from queue_server.realtime.outbox_worker import worker_of
from queue_server.security.tokens import add_device
from queue_server.tickets.queue_state import find_office

from ..conftest import bearer
from ..support.receiver import WebhookReceiver, verify

OFFICE = "/api/v1/offices/test-office"
SECRET = "s3cret-of-the-province-42"
DOSSIER = "000.00.31.H57-241203-0001"


@pytest.fixture
def receiver():
    listener = WebhookReceiver(SECRET).start()
    yield listener
    listener.stop()


@pytest.fixture
def settings(settings, receiver):
    return replace(settings, webhook_url=receiver.url + "?key=in-the-query",
                   webhook_secret=SECRET)


@pytest.fixture
def fast_retries(app):
    # The test clock stands still: a retry is due at once, as after its wait.
    worker_of(app).channel_retry_delays_s["webhook"] = (0.0,) * 10
    return app


def issue(client, accounts, service="dat-dai") -> dict:
    response = client.post(OFFICE + "/tickets", json={"service": service},
                           headers=bearer(accounts["kiosk"]))
    assert response.status_code == 201
    return response.get_json()


def act(client, accounts, action, counter=1, **body):
    return client.post(f"{OFFICE}/counters/{counter}/{action}", json=body or None,
                       headers=bearer(accounts["staff1"]))


def served(client, accounts, **finish) -> dict:
    ticket = issue(client, accounts)
    assert act(client, accounts, "call-next").get_json()["code"] == ticket["code"]
    assert act(client, accounts, "finish", **finish).status_code == 200
    return ticket


def rows(app) -> list[OutboxMessage]:
    with app.extensions["queue"].sessions() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def settled(app, count, timeout_s=10.0) -> list[OutboxMessage]:
    """The webhook rows once `count` of them are sent or failed."""
    deadline = time.monotonic() + timeout_s
    while True:
        found = [row for row in rows(app) if row.channel == "webhook"]
        done = [row for row in found if row.status in (MessageStatus.SENT, MessageStatus.FAILED)]
        if len(done) >= count:
            return found
        assert time.monotonic() < deadline, [(row.kind, row.status) for row in found]
        time.sleep(0.02)


def test_a_finished_visit_is_pushed_signed_with_its_outcome_and_dossiers(app, client, accounts,
                                                                          receiver):
    ticket = served(client, accounts, outcome="supplement", dossiers=[DOSSIER.lower()])
    [delivery] = receiver.wait_for(1)
    assert delivery.is_valid  # HMAC-SHA256 of the exact body with the shared secret
    assert delivery.event == "visit.finished" and len(delivery.delivery) == 32
    visit = delivery.json["visit"]
    assert delivery.json["event"] == "visit.finished"
    assert (visit["number"], visit["status"], visit["outcome"], visit["dossiers"]) == (
        ticket["number"], "done", "supplement", [DOSSIER])
    assert visit["visit"] == f"test-office/2026-11-26/{ticket['number']}"
    assert visit["counter"] == 1 and visit["officer"] == "staff1"
    assert "rating" not in visit and ticket["code"] not in delivery.body.decode()
    [row] = settled(app, 1)
    assert (row.status, row.attempts, row.tracking_id) == (
        MessageStatus.SENT, 1, delivery.delivery)
    # The log shows where it went, never a key in the URL's query.
    assert row.destination == receiver.url and "in-the-query" not in row.destination


def test_the_signature_fails_with_another_secret_or_another_body(app, client, accounts,
                                                                  receiver):
    served(client, accounts)
    [delivery] = receiver.wait_for(1)
    assert verify(SECRET, delivery.body, delivery.signature)
    assert not verify("another-secret-entirely", delivery.body, delivery.signature)
    assert not verify(SECRET, delivery.body.replace(b'"done"', b'"no_show"'),
                      delivery.signature)


def test_call_next_and_no_show_push_the_visits_they_end_once_each(app, client, accounts,
                                                                  receiver):
    first, second, third = (issue(client, accounts) for _ in range(3))
    act(client, accounts, "call-next")
    act(client, accounts, "call-next")  # finishes the first
    assert act(client, accounts, "recall").status_code == 200
    assert act(client, accounts, "no-show").get_json()["status"] == "no_show"
    deliveries = receiver.wait_for(2)
    time.sleep(0.3)
    assert len(receiver.received) == 2  # the called third one is no visit yet
    visits = {d.json["visit"]["number"]: d.json["visit"]["status"] for d in deliveries}
    assert visits == {first["number"]: "done", second["number"]: "no_show"}
    assert third["number"] not in visits


def test_every_rating_is_pushed_phone_tablet_and_paper(app, client, accounts, clock, receiver):
    phone, tablet, paper = (served(client, accounts) for _ in range(3))
    receiver.wait_for(3)
    with app.extensions["queue"].sessions() as session:
        office = find_office(session, "test-office")
        token = add_device(session, "tablet-1", DeviceKind.RATING, office, now=clock())[1]
        session.commit()
    assert client.post(f"/api/v1/tickets/{phone['code']}/feedback",
                       json={"rating": 5}).status_code == 201
    assert client.post(f"/api/v1/tickets/{tablet['code']}/feedback", json={"rating": 2},
                       headers=bearer(token)).status_code == 201
    assert client.post(OFFICE + "/paper-ratings", json={"number": paper["number"], "rating": 4},
                       headers=bearer(accounts["staff1"])).status_code == 201
    ratings = [d for d in receiver.wait_for(6) if d.event == "rating.received"]
    assert all(d.is_valid for d in ratings)
    got = {d.json["number"]: (d.json["rating"]["rating"], d.json["rating"]["source"])
           for d in ratings}
    assert got == {phone["number"]: (5, "phone"), tablet["number"]: (2, "tablet"),
                   paper["number"]: (4, "paper")}
    assert {d.json["visit"] for d in ratings} == {
        f"test-office/2026-11-26/{t['number']}" for t in (phone, tablet, paper)}
    assert len({d.delivery for d in receiver.received}) == 6  # each its own delivery id


def test_a_retry_carries_the_same_delivery_id(app, fast_retries, client, accounts, receiver):
    receiver.statuses = [500, 503, 200]
    served(client, accounts)
    deliveries = receiver.wait_for(3)
    assert len({d.delivery for d in deliveries}) == 1
    assert all(d.is_valid for d in deliveries)
    assert deliveries[0].body == deliveries[2].body
    [row] = settled(app, 1)
    assert (row.status, row.attempts) == (MessageStatus.SENT, 3)


def test_the_receiver_down_for_a_while_gets_every_visit_after(app, client, accounts, clock,
                                                              receiver):
    worker = worker_of(app)
    worker.channel_retry_delays_s["webhook"] = (0.0, 600.0, 600.0)  # then ten minutes
    receiver.stop()  # the port is closed: no answer at all
    tickets = [served(client, accounts) for _ in range(3)]
    deadline = time.monotonic() + 10
    while not all(row.attempts == 2 and row.status is MessageStatus.QUEUED
                  for row in rows(app)):
        assert time.monotonic() < deadline, [(row.status, row.attempts) for row in rows(app)]
        time.sleep(0.05)
    assert {row.error_code for row in rows(app)} == {"no_answer"}
    receiver.start()  # the same port again
    clock.now += timedelta(minutes=11)  # the next attempts fall due
    worker.wake("webhook")
    found = settled(app, 3)
    assert [(row.status, row.attempts) for row in found] == [(MessageStatus.SENT, 3)] * 3
    numbers = [d.json["visit"]["number"] for d in receiver.received]
    assert sorted(numbers) == sorted(ticket["number"] for ticket in tickets)  # no gap
    assert {d.delivery for d in receiver.received} == {row.tracking_id for row in found}
    assert all(d.is_valid for d in receiver.received)


def test_the_counter_does_not_wait_for_a_hanging_receiver(app, client, accounts, receiver):
    receiver.hold.clear()  # the receiver reads the request and answers nothing
    try:
        served(client, accounts)  # answers 200 while nobody has answered the push
        assert receiver.arrived.wait(10)  # the push went out, in the background
        [row] = rows(app)
        # Still in its first attempt: the finish did not sit through the receiver's timeout.
        assert (row.status, row.attempts, row.last_error) == (MessageStatus.SENDING, 1, None)
        assert receiver.received == []
        nxt = issue(client, accounts)
        assert act(client, accounts, "call-next").get_json()["code"] == nxt["code"]
        assert act(client, accounts, "finish").status_code == 200
    finally:
        receiver.hold.set()
    assert len(settled(app, 2)) == 2


def test_without_a_webhook_nothing_is_queued_and_citizens_are_offered_nothing(
        app, client, accounts, receiver):
    worker = worker_of(app)
    assert worker.offer.available == frozenset()  # the webhook is no channel for citizens
    assert client.get(OFFICE + "/near-turn").get_json()["channels"] == []


def test_no_url_no_push(app, client, accounts, receiver, monkeypatch):
    monkeypatch.delitem(worker_of(app).channels, "webhook")
    ticket = served(client, accounts)
    assert client.post(f"/api/v1/tickets/{ticket['code']}/feedback",
                       json={"rating": 5}).status_code == 201
    time.sleep(0.2)
    assert rows(app) == [] and receiver.received == []


def test_the_receiver_snippet_in_the_docs_verifies_a_real_delivery(app, client, accounts,
                                                                   receiver):
    import re
    from pathlib import Path

    docs = (Path(__file__).parents[2] / "docs" / "dossiers.md").read_text()
    section = docs[docs.index("### Checking the signature"):]
    snippet = re.search(r"```python\n(.*?)```", section, re.DOTALL).group(1)
    namespace: dict = {}
    exec(snippet.replace('b"the secret shared with the queue server"', repr(SECRET.encode())),
         namespace)
    served(client, accounts, outcome="received")
    [delivery] = receiver.wait_for(1)
    headers = {"X-Queue-Signature": delivery.signature}
    event = namespace["verified_event"](delivery.body, headers)
    assert event["event"] == "visit.finished" and event["visit"]["outcome"] == "received"
    assert namespace["verified_event"](delivery.body + b"\n", headers) is None
    assert namespace["verified_event"](delivery.body, {}) is None


def test_the_sweep_queues_what_a_crash_left_unqueued_once(app, client, accounts, clock,
                                                          receiver, monkeypatch):
    from queue_server.realtime import webhooks

    # As if the process died between the commit and the enqueue:
    monkeypatch.setattr(webhooks, "visit_finished", lambda _ticket: None)
    monkeypatch.setattr(webhooks, "rating_received", lambda _feedback: None)
    ticket = served(client, accounts, outcome="guided")
    assert client.post(f"/api/v1/tickets/{ticket['code']}/feedback",
                       json={"rating": 4}).status_code == 201
    lost = served(client, accounts)
    assert rows(app) == []
    monkeypatch.undo()
    clock.now += timedelta(hours=2)
    assert webhooks.sweep(app) == 3
    deliveries = receiver.wait_for(3)
    assert sorted(d.event for d in deliveries) == [
        "rating.received", "visit.finished", "visit.finished"]
    assert {d.json["visit"]["number"] for d in deliveries if d.event == "visit.finished"} == {
        ticket["number"], lost["number"]}
    assert webhooks.sweep(app) == 0  # each once
    served(client, accounts)  # the ordinary way: queued at once, so the sweep adds nothing
    assert webhooks.sweep(app) == 0
    assert len(settled(app, 4)) == 4


def test_the_sweep_leaves_what_is_older_than_a_day(app, client, accounts, clock, receiver,
                                                  monkeypatch):
    from queue_server.realtime import webhooks

    monkeypatch.setattr(webhooks, "visit_finished", lambda _ticket: None)
    served(client, accounts)
    monkeypatch.undo()
    clock.now += timedelta(hours=25)
    assert webhooks.sweep(app) == 0 and rows(app) == []


def test_a_ticket_closed_at_the_end_of_the_day_is_pushed_by_the_sweep(app, client, accounts,
                                                                      clock, receiver):
    from queue_server.realtime import webhooks
    from queue_server.tickets.daily import close_previous_days

    ticket = issue(client, accounts)
    act(client, accounts, "call-next")  # still called when the day ends
    clock.now += timedelta(hours=16)  # 01:00 the next day
    state = app.extensions["queue"]
    with state.sessions() as session:
        assert close_previous_days(session, find_office(session, "test-office"), clock()) == 1
        session.commit()
    assert webhooks.sweep(app) == 1
    [delivery] = receiver.wait_for(1)
    visit = delivery.json["visit"]
    assert (visit["number"], visit["status"]) == (ticket["number"], "done")
    assert visit["finished_at"] == "2026-11-26T23:59:59+07:00"
