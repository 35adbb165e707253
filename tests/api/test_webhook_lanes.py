"""The webhook has a lane of its own in the outbox worker: a province's receiver that hangs
never holds up "your turn is near" to a citizen."""

from dataclasses import replace

import pytest
from sqlalchemy import select

from queue_server.models import MessageStatus, OutboxMessage

from ..conftest import bearer
from ..support.gateway import FakeGateway
from ..support.receiver import WebhookReceiver

OFFICE = "/api/v1/offices/test-office"
SECRET = "s3cret-of-the-province-42"


@pytest.fixture
def receiver():
    listener = WebhookReceiver(SECRET).start()
    yield listener
    listener.stop()


@pytest.fixture
def gateway():
    listener = FakeGateway().start()
    yield listener
    listener.stop()


@pytest.fixture
def settings(settings, receiver, gateway):
    return replace(settings, webhook_url=receiver.url, webhook_secret=SECRET,
                   sms_gateway_url=gateway.url + "/send")


def issue(client, accounts) -> dict:
    response = client.post(OFFICE + "/tickets", json={"service": "dat-dai"},
                           headers=bearer(accounts["kiosk"]))
    assert response.status_code == 201
    return response.get_json()


def test_a_hanging_receiver_does_not_hold_up_the_citizens_messages(app, client, accounts,
                                                                   receiver, gateway):
    receiver.hold.clear()
    try:
        issue(client, accounts)
        for action in ("call-next", "finish"):
            assert client.post(f"{OFFICE}/counters/1/{action}",
                               headers=bearer(accounts["staff1"])).status_code == 200
        assert receiver.arrived.wait(10)  # the push is out, and hangs
        issue(client, accounts)
        mine = issue(client, accounts)  # one ahead: near at once
        assert client.post(f"/api/v1/tickets/{mine['code']}/sms",
                           json={"phone": "0912345678", "consent": True},
                           headers=bearer(accounts["kiosk"])).status_code == 201
        [sms] = gateway.wait_for(1)
        assert "còn 1 người trước" in sms.body.decode()
        with app.extensions["queue"].sessions() as session:
            push = session.scalar(select(OutboxMessage).where(
                OutboxMessage.channel == "webhook"))
        # Sent while the push was still in its first, unanswered attempt.
        assert (push.status, push.attempts, push.last_error) == (MessageStatus.SENDING, 1, None)
        assert receiver.received == []
    finally:
        receiver.hold.set()
    receiver.wait_for(1)
