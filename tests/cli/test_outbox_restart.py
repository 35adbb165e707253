"""A real `queue-server serve` restarted with messages in its outbox: nothing is lost, and
each message reaches the provider once, while the kiosk never waits for a provider."""

import time

import pytest
from sqlalchemy import create_engine, text

from ..support.gateway import FakeGateway
from ..support.servers import OFFICE, issue, start_server

pytestmark = pytest.mark.slow


def outbox_rows(server) -> list[tuple]:
    engine = create_engine(f"sqlite:///{server.folder}/queue.db")
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(
                "SELECT kind, channel, status, attempts, tracking_id FROM outbox_messages"
                " ORDER BY id"))]
    finally:
        engine.dispose()


def wait_until(condition, timeout_s=20.0):
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_messages_queued_before_a_restart_are_sent_once_after_it(tmp_path_factory):
    gateway = FakeGateway(statuses=[503]).start()  # the provider is down
    server = start_server(tmp_path_factory, "outbox-restart",
                          QUEUE_SMS_GATEWAY_URL=gateway.url + "/sms",
                          # the third try waits 3 s: the server stops with the row queued
                          QUEUE_MESSAGE_RETRY_DELAYS_S="0.3,3,1,1,1,1,1,1")
    try:
        issue(server)
        mine = issue(server)  # one ahead: near at once
        started = time.monotonic()
        status, _body = server.api("POST", f"/api/v1/tickets/{mine['code']}/sms",
                                   {"phone": "0912345678", "consent": True},
                                   server.tokens["kiosk"])
        assert status == 201 and time.monotonic() - started < 2.0
        wait_until(lambda: len(gateway.received) >= 2, 10)  # tried, refused, tried again
        server.stop()
        [(kind, channel, state, attempts, tracking_id)] = outbox_rows(server)
        assert (kind, channel, state, attempts) == ("near_turn", "sms", "queued", 2)
        failed_tries = len(gateway.received)
        gateway.statuses = [200]  # the provider is back while the server is down
        server.start()
        wait_until(lambda: outbox_rows(server)[0][2] == "sent")
        time.sleep(1.5)  # a second send would come within the retry delays
        delivered = gateway.received[failed_tries:]
        assert len(delivered) == 1
        assert delivered[0].headers["Idempotency-Key"] == tracking_id
        assert "còn 1 người trước" in delivered[0].body.decode()
        assert server.api("GET", OFFICE + "/near-turn")[1]["channels"] == ["sms"]
    finally:
        server.stop()
        gateway.stop()
