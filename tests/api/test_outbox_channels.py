"""The outbox takes a new kind of channel as one class, a renderer and an enqueue call: here a
signed JSON POST like the webhooks to come, sent by the same worker with the same retries."""

import hashlib
import hmac
import json
import time
from dataclasses import dataclass

import pytest
import requests
from sqlalchemy import select

from queue_server.models import MessageStatus, OutboxMessage
from queue_server.notify import outbox
from queue_server.notify.channels import RENDERERS, Delivered, Outgoing, SendFailure
from queue_server.realtime.outbox_worker import worker_of
from queue_server.tickets.queue_state import find_office

from ..support.gateway import FakeGateway

SECRET = b"webhook-secret"


@dataclass(frozen=True)
class SignedPost:
    """A JSON POST signed with HMAC-SHA256, delivered at least once (the test's channel)."""

    name: str = "signed"

    def send(self, outgoing: Outgoing) -> Delivered:
        body = json.dumps(outgoing.content["body"], ensure_ascii=False).encode()
        signature = hmac.new(SECRET, body, hashlib.sha256).hexdigest()
        try:
            response = requests.post(outgoing.destination, data=body, timeout=5, headers={
                "Content-Type": "application/json", "X-Queue-Event": outgoing.kind,
                "X-Queue-Delivery": outgoing.tracking_id,
                "X-Queue-Signature": f"sha256={signature}"})
        except requests.RequestException as error:
            raise SendFailure(f"no answer ({type(error).__name__})", code="no_answer") from None
        if not 200 <= response.status_code < 300:
            raise SendFailure(f"HTTP {response.status_code}", code=f"http_{response.status_code}")
        return Delivered()


@pytest.fixture
def receiver():
    listener = FakeGateway(statuses=[503, 200]).start()
    yield listener
    listener.stop()


@pytest.fixture
def signed_channel(app, monkeypatch):
    monkeypatch.setitem(RENDERERS, "signed",
                        lambda kind, data, _messages, _text: {"body": {"event": kind, **data}})
    worker = worker_of(app)
    monkeypatch.setitem(worker.channels, "signed", SignedPost())
    worker.retry_delays_s = (0.0,)  # the test clock stands still
    return worker


def test_a_new_channel_reuses_the_table_the_worker_the_retries_and_the_log(app, clock,
                                                                           receiver,
                                                                           signed_channel):
    state = app.extensions["queue"]
    with state.sessions() as session:
        office = find_office(session, "test-office")
        outbox.enqueue(session, office_id=office.id, kind="visit.finished", channels=["signed"],
                       destination=receiver.url + "/hook", payload={"number": "1005"},
                       now=clock(), dedupe_key="visit.finished:1")
        session.commit()
    signed_channel.wake()
    first, second = receiver.wait_for(2)
    assert first.headers["X-Queue-Delivery"] == second.headers["X-Queue-Delivery"]
    body = second.body
    assert json.loads(body) == {"event": "visit.finished", "number": "1005"}
    expected = hmac.new(SECRET, body, hashlib.sha256).hexdigest()
    assert second.headers["X-Queue-Signature"] == f"sha256={expected}"
    deadline = time.monotonic() + 5
    while True:
        with state.sessions() as session:
            message = session.scalar(select(OutboxMessage))
        if message.status is MessageStatus.SENT:
            break
        assert time.monotonic() < deadline
        time.sleep(0.02)
    assert (message.attempts, message.tracking_id) == (2, first.headers["X-Queue-Delivery"])
