"""/admin/messages shows the webhook's deliveries beside the citizens' messages: pending,
sent or failed with the receiver's answer, filterable by channel, event and state, and never
the secret or a key in the receiver's URL."""

import csv
import io
import time
from dataclasses import replace

import pytest
from sqlalchemy import select

from queue_server.models import MessageStatus, OutboxMessage
from queue_server.realtime.outbox_worker import worker_of

from ..conftest import bearer
from ..support.browsing import Browser
from ..support.receiver import WebhookReceiver

OFFICE = "/api/v1/offices/test-office"
SECRET = "s3cret-of-the-province-42"
KEY = "query-key-9f8e7d"


@pytest.fixture
def receiver():
    listener = WebhookReceiver(SECRET, statuses=[200, 500]).start()
    yield listener
    listener.stop()


@pytest.fixture
def settings(settings, receiver):
    return replace(settings, webhook_url=f"http://robot:{KEY}@127.0.0.1:{receiver.port}/hook"
                                         f"?key={KEY}", webhook_secret=SECRET)


def serve_one(client, accounts) -> dict:
    ticket = client.post(OFFICE + "/tickets", json={"service": "dat-dai"},
                         headers=bearer(accounts["kiosk"])).get_json()
    for action in ("call-next", "finish"):
        assert client.post(f"{OFFICE}/counters/1/{action}",
                           headers=bearer(accounts["staff1"])).status_code == 200
    return ticket


@pytest.fixture
def two_deliveries(app, client, accounts, receiver):
    """One visit delivered; one refused with HTTP 500 and waiting for its next attempt."""
    worker_of(app).channel_retry_delays_s["webhook"] = (3600.0,)
    tickets = [serve_one(client, accounts) for _ in range(2)]
    deadline = time.monotonic() + 10
    while True:
        with app.extensions["queue"].sessions() as session:
            states = sorted(row.status.value for row in session.scalars(select(OutboxMessage)))
        if states == ["queued", "sent"] and len(receiver.received) == 2:
            return tickets
        assert time.monotonic() < deadline, states
        time.sleep(0.02)


def test_the_log_shows_webhook_deliveries_without_the_secret(app, receiver, two_deliveries):
    page = Browser(app, "manager1").get("/admin/messages").get_data(as_text=True)
    assert page.count('data-testid="message-row"') == 2
    assert page.count("Webhook (hệ thống của tỉnh)") >= 2
    assert page.count("Lượt tiếp nhận kết thúc") >= 2
    assert 'data-status="queued"' in page and 'data-status="sent"' in page
    assert "<code>http_500</code> the receiver answered HTTP 500" in page
    assert page.count(f">http://127.0.0.1:{receiver.port}/hook<") == 2
    assert SECRET not in page and KEY not in page and "robot" not in page
    for ticket in two_deliveries:
        assert ticket["number"] in page and ticket["code"] not in page
    # What is pending or failed, at a glance, with a link to those rows.
    assert 'data-testid="webhook-backlog"' in page
    assert "1 đang chờ gửi" in page and "0 không gửi được" in page
    assert "channel=webhook" in page and "status=queued" in page


def test_the_log_filters_webhook_deliveries_and_exports_them(app, receiver, two_deliveries):
    manager = Browser(app, "manager1")
    by_channel = manager.get("/admin/messages?channel=webhook").get_data(as_text=True)
    assert by_channel.count('data-testid="message-row"') == 2
    assert '<option value="webhook" selected>' in by_channel
    assert manager.get("/admin/messages?channel=sms").get_data(as_text=True).count(
        'data-testid="message-row"') == 0
    pending = manager.get("/admin/messages?channel=webhook&status=queued").get_data(as_text=True)
    assert pending.count('data-testid="message-row"') == 1 and "http_500" in pending
    by_kind = manager.get("/admin/messages?kind=visit.finished").get_data(as_text=True)
    assert by_kind.count('data-testid="message-row"') == 2
    assert '<option value="visit.finished" selected>' in by_kind
    assert manager.get("/admin/messages?kind=rating.received").get_data(as_text=True).count(
        'data-testid="message-row"') == 0
    answer = manager.get("/admin/messages.csv?channel=webhook")
    text = answer.get_data(as_text=True)
    assert SECRET not in text and KEY not in text
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert sorted(row[6] for row in rows[1:]) == ["queued", "sent"]
    assert {tuple(row[3:6]) for row in rows[1:]} == {
        ("visit.finished", "webhook", receiver.url)}


def test_a_failed_delivery_shows_as_failed(app, client, accounts, receiver):
    receiver.statuses = [500]
    worker_of(app).channel_retry_delays_s["webhook"] = (0.0,)  # one retry, then it has failed
    serve_one(client, accounts)
    deadline = time.monotonic() + 10
    while True:
        with app.extensions["queue"].sessions() as session:
            row = session.scalar(select(OutboxMessage))
        if row is not None and row.status is MessageStatus.FAILED:
            break
        assert time.monotonic() < deadline
        time.sleep(0.02)
    page = Browser(app, "manager1").get("/admin/messages?status=failed").get_data(as_text=True)
    assert page.count('data-testid="message-row"') == 1 and 'data-status="failed"' in page
    assert "http_500" in page and row.attempts == 2
    assert "0 đang chờ gửi" in page and "1 không gửi được" in page
    english = Browser(app, "manager1").get("/admin/messages?lang=en").get_data(as_text=True)
    assert "Webhook to the province" in english and "1 failed" in english
    assert "Webhook (province" in english and "Visit finished" in english
