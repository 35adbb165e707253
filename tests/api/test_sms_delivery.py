"""The "your turn is near" SMS end to end, with a real HTTP listener on 127.0.0.1 as gateway:
sent once at the threshold, retried on failure, never holding up a call."""

import json
import time
from dataclasses import replace

import pytest
from sqlalchemy import select

from queue_server.models import MessageStatus, OutboxMessage
from queue_server.realtime.outbox_worker import worker_of

from ..conftest import bearer
from ..support.gateway import FakeGateway

OFFICE = "/api/v1/offices/test-office"


@pytest.fixture
def gateway():
    listener = FakeGateway().start()
    yield listener
    listener.stop()


@pytest.fixture
def settings(settings, gateway):
    return replace(settings, sms_gateway_url=gateway.url + "/send",
                   sms_gateway_headers=(("Authorization", "Bearer gateway-key"),))


@pytest.fixture
def fast_retries(app):
    # The test clock stands still: a retry is due at once, as after its wait.
    worker_of(app).retry_delays_s = (0.0, 0.0, 0.0)
    return app


def issue(client, accounts, service="dat-dai") -> dict:
    response = client.post(OFFICE + "/tickets", json={"service": service},
                           headers=bearer(accounts["kiosk"]))
    assert response.status_code == 201
    return response.get_json()


def call_next(client, accounts, counter=1):
    return client.post(f"{OFFICE}/counters/{counter}/call-next",
                       headers=bearer(accounts["staff1"]))


def register(client, accounts, code, phone="0912345678"):
    response = client.post(f"/api/v1/tickets/{code}/sms", json={"phone": phone, "consent": True},
                           headers=bearer(accounts["kiosk"]))
    assert response.status_code == 201
    return response


def request_of(app, code) -> OutboxMessage | None:
    from queue_server.models import Ticket

    with app.extensions["queue"].sessions() as session:
        return session.scalar(select(OutboxMessage)
                              .join(Ticket, Ticket.id == OutboxMessage.ticket_id)
                              .where(Ticket.code == code))


def settled(app, code, timeout_s=10.0) -> OutboxMessage:
    """The message once the worker has finished with it (sent or failed)."""
    deadline = time.monotonic() + timeout_s
    while True:
        request = request_of(app, code)
        if request is not None and request.status in (MessageStatus.SENT, MessageStatus.FAILED):
            return request
        assert time.monotonic() < deadline, f"still {request and request.status}"
        time.sleep(0.02)


def test_the_sms_goes_once_when_the_threshold_is_reached(app, client, accounts, gateway):
    tickets = [issue(client, accounts) for _ in range(6)]  # two counters serve dat-dai
    mine = tickets[-1]
    register(client, accounts, mine["code"])
    call_next(client, accounts, 1)  # 4 ahead
    time.sleep(0.2)
    assert gateway.received == []
    call_next(client, accounts, 2)  # 3 ahead: the threshold
    [sent] = gateway.wait_for(1)
    assert sent.path == "/send" and sent.headers["Authorization"] == "Bearer gateway-key"
    body = json.loads(sent.body)
    assert body["to"] == "+84912345678"
    assert sent.headers["Idempotency-Key"] == request_of(app, mine["code"]).tracking_id
    assert body["message"] == (f"Bộ phận Một cửa – Xã Thử: số {mine['number']} sắp đến lượt"
                               " (còn 3 người trước). Mời ông/bà quay lại phòng chờ.")
    request = settled(app, mine["code"])
    assert request.status is MessageStatus.SENT and request.attempts == 1
    for counter in (1, 2, 1):
        call_next(client, accounts, counter)
    time.sleep(0.3)
    assert len(gateway.received) == 1  # once, however the queue moves on


def test_a_failed_send_is_retried_until_the_gateway_takes_it(app, fast_retries, client, accounts,
                                                              gateway):
    gateway.statuses = [500, 503, 200]
    mine = [issue(client, accounts) for _ in range(5)][-1]
    register(client, accounts, mine["code"])
    call_next(client, accounts, 1)  # 3 ahead
    assert len(gateway.wait_for(3)) == 3
    request = settled(app, mine["code"])
    assert request.status is MessageStatus.SENT and request.attempts == 3
    assert request.last_error is None
    assert {r.body for r in gateway.received} == {gateway.received[0].body}  # the same message


def test_a_gateway_that_keeps_failing_is_given_up_after_the_last_retry(app, fast_retries, client,
                                                                       accounts, gateway):
    gateway.statuses = [500]
    mine = [issue(client, accounts) for _ in range(5)][-1]
    register(client, accounts, mine["code"])
    call_next(client, accounts, 1)
    request = settled(app, mine["code"])
    assert request.status is MessageStatus.FAILED and request.attempts == 4
    assert request.last_error == "the gateway answered HTTP 500"
    time.sleep(0.3)
    assert len(gateway.received) == 4  # 1 + 3 retries, then no more
    call_next(client, accounts, 2)
    time.sleep(0.3)
    assert len(gateway.received) == 4  # a failed message is not started again


def test_an_unreachable_gateway_fails_without_holding_the_call(app, fast_retries, client,
                                                                accounts, gateway):
    gateway.stop()
    mine = [issue(client, accounts) for _ in range(5)][-1]
    register(client, accounts, mine["code"])
    started = time.monotonic()
    assert call_next(client, accounts, 1).status_code == 200
    assert time.monotonic() - started < 1.0
    request = settled(app, mine["code"])
    assert request.status is MessageStatus.FAILED and "no answer" in request.last_error
    gateway.start()  # the fixture stops it again


def test_a_slow_gateway_never_holds_up_call_next(app, client, accounts, gateway):
    gateway.delay_s = 2.0
    mine = [issue(client, accounts) for _ in range(5)][-1]
    register(client, accounts, mine["code"])
    started = time.monotonic()
    assert call_next(client, accounts, 1).status_code == 200
    assert time.monotonic() - started < 1.0
    assert settled(app, mine["code"]).status is MessageStatus.SENT


def test_a_number_given_when_the_turn_is_already_near_is_texted_at_once(app, client, accounts,
                                                                        gateway):
    issue(client, accounts)
    mine = issue(client, accounts)  # 1 ahead
    register(client, accounts, mine["code"])
    [sent] = gateway.wait_for(1)
    assert "còn 1 người trước" in json.loads(sent.body)["message"]
    assert settled(app, mine["code"]).status is MessageStatus.SENT


def test_a_ticket_called_out_of_order_before_its_threshold_is_still_texted(app, client, accounts,
                                                                           gateway):
    mine = [issue(client, accounts) for _ in range(8)][-1]
    register(client, accounts, mine["code"])
    response = client.post(OFFICE + "/counters/1/call", json={"number": mine["number"]},
                           headers=bearer(accounts["staff1"]))
    assert response.status_code == 200
    [sent] = gateway.wait_for(1)
    assert "còn 0 người trước" in json.loads(sent.body)["message"]


def test_only_tickets_that_asked_are_texted(app, client, accounts, gateway):
    for _ in range(6):
        issue(client, accounts)
    for _ in range(4):
        call_next(client, accounts, 1)
    time.sleep(0.3)
    assert gateway.received == []


def test_a_message_is_queued_even_while_another_process_holds_the_write_lock(
        app, client, accounts, gateway, monkeypatch, database_url):
    import sqlite3
    import threading

    from queue_server.notify import citizen

    path = database_url.split(":///", 1)[1]
    held, released = threading.Event(), threading.Event()

    def hold_the_lock() -> None:
        other = sqlite3.connect(path, isolation_level=None, timeout=10)
        other.execute("BEGIN IMMEDIATE")
        held.set()
        time.sleep(0.3)  # another process writing, right as the message is queued
        other.execute("COMMIT")
        other.close()
        released.set()

    real_still_due = citizen.still_due

    def still_due_then_lock(*args, **kwargs):
        due = real_still_due(*args, **kwargs)
        if due and not held.is_set():
            threading.Thread(target=hold_the_lock, daemon=True).start()
            held.wait(5)
        return due

    monkeypatch.setattr(citizen, "still_due", still_due_then_lock)
    mine = [issue(client, accounts) for _ in range(5)][-1]
    register(client, accounts, mine["code"])
    assert call_next(client, accounts, 1).status_code == 200  # 3 ahead: queued, after the wait
    assert held.is_set() and released.wait(5)
    assert settled(app, mine["code"]).status is MessageStatus.SENT
    assert len(gateway.wait_for(1)) == 1
