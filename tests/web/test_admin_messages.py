"""/admin/messages: the delivery log (waiting, sent, failed with the provider's reason),
filtered and exported, and Zalo's refused access token, as a manager sees them."""

import csv
import io
import time
from dataclasses import replace

import pytest
from sqlalchemy import select

from queue_server.models import MessageStatus, Office, OutboxMessage
from queue_server.realtime.outbox_worker import worker_of

from ..conftest import bearer
from ..support.browsing import Browser
from ..support.gateway import FakeGateway, FakeZns

OFFICE = "/api/v1/offices/test-office"
MESSAGES = {"channels": ["zalo", "sms"], "per_minute": 60, "zalo": {"near_turn": "301234"},
            "sms": {}}


@pytest.fixture
def gateway():
    listener = FakeGateway().start()
    yield listener
    listener.stop()


@pytest.fixture
def zns():
    listener = FakeZns(token_expired=True).start()
    yield listener
    listener.stop()


@pytest.fixture
def settings(settings, gateway, zns):
    return replace(settings, sms_gateway_url=gateway.url, zalo_zns_url=zns.url,
                   zalo_access_token="expired-token")


@pytest.fixture
def app(app):
    with app.extensions["queue"].sessions() as session:
        session.scalar(select(Office).where(Office.slug == "test-office")).messages = MESSAGES
        session.commit()
    return app


def message_for_a_new_ticket(app, client, accounts, count) -> dict:
    ticket = client.post(OFFICE + "/tickets", json={"service": "tu-phap"},
                         headers=bearer(accounts["kiosk"])).get_json()
    assert client.post(f"/api/v1/tickets/{ticket['code']}/notify",
                       json={"phone": "0912345678", "consent": True}).status_code == 201
    deadline = time.monotonic() + 10
    while True:
        with app.extensions["queue"].sessions() as session:
            rows = list(session.scalars(select(OutboxMessage)))
        if len(rows) >= count and all(row.status in (MessageStatus.SENT, MessageStatus.FAILED)
                                      for row in rows):
            return ticket
        assert time.monotonic() < deadline
        time.sleep(0.02)


def test_the_log_shows_each_attempt_with_its_reason_and_the_expired_token(app, client,
                                                                         accounts):
    ticket = message_for_a_new_ticket(app, client, accounts, 2)
    page = Browser(app, "manager1").get("/admin/messages").get_data(as_text=True)
    assert 'data-testid="zalo-token-problem"' in page
    assert "mã lỗi -124" in page and "QUEUE_ZALO_ACCESS_TOKEN" in page
    assert page.count('data-testid="message-row"') == 2
    assert "Zalo error -124: Access token is invalid" in page
    assert 'data-status="failed"' in page and 'data-status="sent"' in page
    assert ticket["number"] in page and "••••••••678" in page and "912345678" not in page
    office_page = Browser(app, "manager1").get("/admin/offices/test-office")
    assert 'data-testid="zalo-token-alert"' in office_page.get_data(as_text=True)


def test_the_warning_goes_once_zalo_takes_the_token_again(app, client, accounts, zns):
    message_for_a_new_ticket(app, client, accounts, 2)
    zns.token_expired = False
    message_for_a_new_ticket(app, client, accounts, 3)
    page = Browser(app, "manager1").get("/admin/messages").get_data(as_text=True)
    assert 'data-testid="zalo-token-problem"' not in page
    assert page.count('data-testid="message-row"') == 3


def test_the_log_filters_and_exports_csv(app, client, accounts):
    message_for_a_new_ticket(app, client, accounts, 2)
    manager = Browser(app, "manager1")
    failed = manager.get("/admin/messages?status=failed").get_data(as_text=True)
    assert failed.count('data-testid="message-row"') == 1 and 'data-status="sent"' not in failed
    by_sms = manager.get("/admin/messages?channel=sms").get_data(as_text=True)
    assert by_sms.count('data-testid="message-row"') == 1 and 'data-status="sent"' in by_sms
    answer = manager.get("/admin/messages.csv?status=failed")
    assert answer.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(answer.get_data(as_text=True).lstrip("\ufeff")),
                           delimiter=";"))
    assert rows[0][:3] == ["created_at", "office", "number"]
    [row] = rows[1:]
    assert row[3:7] == ["near_turn", "zalo", "••••••••678", "failed"]
    assert row[9] == "'-124"  # never read as a formula


def test_another_offices_manager_sees_nothing_and_staff_is_refused(app, client, accounts):
    message_for_a_new_ticket(app, client, accounts, 2)
    with app.extensions["queue"].sessions() as session:
        from queue_server.models import Role
        from queue_server.security.tokens import add_user
        from queue_server.tickets.queue_state import find_office

        add_user(session, "manager2", "correct-horse-battery", Role.MANAGER,
                 find_office(session, "other-office"), now=app.extensions["queue"].clock())
        session.commit()
    other = Browser(app, "manager2").get("/admin/messages?office=test-office")
    assert 'data-testid="message-row"' not in other.get_data(as_text=True)
    assert Browser(app, "staff1").get("/admin/messages").status_code == 403
    worker_of(app).stop()
