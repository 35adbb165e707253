"""A real `queue-server serve` restarted with webhook deliveries queued while the province's
receiver was down: after the restart each one arrives, with the delivery id it had before, and
the counter never waited for the receiver."""

import time

import pytest
from sqlalchemy import create_engine, text

from ..support.receiver import WebhookReceiver
from ..support.servers import act, issue, start_server

pytestmark = pytest.mark.slow

SECRET = "s3cret-of-the-province-42"


def webhook_rows(server) -> list[tuple]:
    engine = create_engine(f"sqlite:///{server.folder}/queue.db")
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(
                "SELECT kind, status, attempts, tracking_id FROM outbox_messages"
                " WHERE channel = 'webhook' ORDER BY id"))]
    finally:
        engine.dispose()


def wait_until(condition, timeout_s=20.0):
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_deliveries_queued_before_a_restart_arrive_after_it(tmp_path_factory):
    receiver = WebhookReceiver(SECRET).start()
    receiver.stop()  # the province's system is down; its port is known
    server = start_server(tmp_path_factory, "webhook-restart",
                          QUEUE_WEBHOOK_URL=receiver.url, QUEUE_WEBHOOK_SECRET=SECRET,
                          # the third try waits 5 s: the server stops with the rows queued
                          QUEUE_WEBHOOK_RETRY_DELAYS_S="0.3,5,1,1,1,1")
    try:
        ticket = issue(server)
        act(server, 1, "call-next")
        act(server, 1, "finish")
        status, _rating = server.api("POST", f"/api/v1/tickets/{ticket['code']}/feedback",
                                     {"rating": 5})
        assert status == 201
        wait_until(lambda: [row[1:3] for row in webhook_rows(server)] == [("queued", 2)] * 2)
        server.stop()
        before = webhook_rows(server)
        assert [row[0] for row in before] == ["visit.finished", "rating.received"]
        receiver.start()  # back, on the same port, while the server is down
        server.start()
        wait_until(lambda: [row[1] for row in webhook_rows(server)] == ["sent"] * 2)
        time.sleep(1.5)  # a second send would come within the retry delays
        assert len(receiver.received) == 2  # each once, in this run
        by_event = {delivery.event: delivery for delivery in receiver.received}
        assert all(delivery.is_valid for delivery in receiver.received)
        assert [by_event[kind].delivery for kind, *_rest in before] == [
            tracking_id for *_rest, tracking_id in before]
        assert by_event["visit.finished"].json["visit"]["number"] == ticket["number"]
        assert by_event["rating.received"].json["rating"]["rating"] == 5
    finally:
        server.stop()
        receiver.stop()


def test_the_counter_answers_while_the_receiver_hangs(tmp_path_factory):
    receiver = WebhookReceiver(SECRET).start()
    receiver.hold.clear()  # reads each delivery and answers nothing until released
    server = start_server(tmp_path_factory, "webhook-hang",
                          QUEUE_WEBHOOK_URL=receiver.url, QUEUE_WEBHOOK_SECRET=SECRET)
    try:
        for _ in range(2):
            issue(server)
        act(server, 1, "call-next")
        act(server, 1, "finish")
        assert receiver.arrived.wait(10)  # the push is out, and hangs
        # The counter goes on: the next call and finish answer while the first push waits.
        act(server, 1, "call-next")
        act(server, 1, "finish")
        assert webhook_rows(server)[0][1:3] == ("sending", 1)
        assert receiver.received == []
        receiver.hold.set()
        wait_until(lambda: [row[1] for row in webhook_rows(server)] == ["sent"] * 2)
        assert len({delivery.delivery for delivery in receiver.received}) == 2
    finally:
        receiver.hold.set()
        server.stop()
        receiver.stop()
