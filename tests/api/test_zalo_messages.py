"""Messages on Zalo and SMS end to end, with real listeners on 127.0.0.1 answering like ZNS and
an SMS gateway: the citizen's channel first, a refused number handed to SMS, each message
once, and a kiosk or counter never waiting for a provider."""

import json
import time
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from queue_server.models import MessageContact, MessageStatus, Office, OutboxMessage
from queue_server.realtime.outbox_worker import worker_of

from ..conftest import bearer
from ..support.gateway import FakeGateway, FakeZns

OFFICE = "/api/v1/offices/test-office"
PHONE = "84912345678"
MESSAGES = {"channels": ["zalo", "sms"], "per_minute": 60,
            "zalo": {"near_turn": "301234", "called": "301235", "rating": "301236"},
            "sms": {"called": "Moi so $number den $counter.", "rating": "Danh gia: $url"}}


@pytest.fixture
def gateway():
    listener = FakeGateway().start()
    yield listener
    listener.stop()


@pytest.fixture
def zns():
    listener = FakeZns().start()
    yield listener
    listener.stop()


@pytest.fixture
def settings(settings, gateway, zns):
    return replace(settings, sms_gateway_url=gateway.url + "/send",
                   zalo_zns_url=zns.url, zalo_access_token="zalo-token")


@pytest.fixture
def app(app):
    state = app.extensions["queue"]
    with state.sessions() as session:
        session.scalar(select(Office).where(Office.slug == "test-office")).messages = MESSAGES
        session.commit()
    worker_of(app).retry_delays_s = (0.0, 0.0, 0.0)  # the test clock stands still
    return app


def issue(client, accounts, service="dat-dai") -> dict:
    response = client.post(OFFICE + "/tickets", json={"service": service},
                           headers=bearer(accounts["kiosk"]))
    assert response.status_code == 201
    return response.get_json()


def notify(client, code, **body):
    return client.post(f"/api/v1/tickets/{code}/notify",
                       json={"phone": "0912 345 678", "consent": True, **body})


def counter(client, accounts, action, number=1, **body):
    return client.post(f"{OFFICE}/counters/{number}/{action}", json=body or None,
                       headers=bearer(accounts["staff1"]))


def log_of(app) -> list[OutboxMessage]:
    with app.extensions["queue"].sessions() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def settled(app, count, timeout_s=10.0) -> list[OutboxMessage]:
    """The log once `count` rows are there and none is queued or sending."""
    deadline = time.monotonic() + timeout_s
    while True:
        rows = log_of(app)
        if len(rows) >= count and all(row.status in (MessageStatus.SENT, MessageStatus.FAILED)
                                      for row in rows):
            return rows
        assert time.monotonic() < deadline, [(r.channel, r.status) for r in rows]
        time.sleep(0.02)


def test_the_office_offers_zalo_then_sms_with_the_consent_text(client):
    answer = client.get(OFFICE + "/near-turn").get_json()
    assert answer["channels"] == ["zalo", "sms"] and answer["sms_enabled"] is True
    assert answer["consent_text"] == (
        "Số điện thoại chỉ dùng để nhắn tin qua Zalo hoặc SMS khi sắp đến lượt, khi được mời"
        " đến quầy và để mời đánh giá sau khi làm xong, và được xóa sau 24 giờ.")
    english = client.get(OFFICE + "/near-turn", headers={"Accept-Language": "en"}).get_json()
    assert "deleted after 24 hours" in english["consent_text"]


def test_zalo_sends_the_near_turn_template_to_the_number(app, client, accounts, zns, gateway):
    mine = [issue(client, accounts) for _ in range(5)][-1]  # 4 ahead
    response = notify(client, mine["code"], channel="zalo")
    assert response.status_code == 201
    assert response.get_json()["channels"] == ["zalo", "sms"]
    counter(client, accounts, "call-next")  # 3 ahead: the threshold
    [sent] = zns.wait_for(1)
    assert (sent["phone"], sent["template_id"]) == (PHONE, "301234")
    assert sent["template_data"] == {"number": mine["number"], "ahead": "3",
                                     "office": "Bộ phận Một cửa – Xã Thử", "service": "Đất đai"}
    [message] = settled(app, 1)
    assert (message.channel, message.status, message.provider_id) == (
        "zalo", MessageStatus.SENT, "zns-1")
    assert sent["tracking_id"] == message.tracking_id
    assert gateway.received == []


def test_a_number_zalo_refuses_falls_back_to_sms(app, client, accounts, zns, gateway):
    zns.refused[PHONE] = (-118, "Zalo account not existed")
    issue(client, accounts)
    mine = issue(client, accounts)  # 1 ahead: near already
    assert notify(client, mine["code"]).status_code == 201
    [sms] = gateway.wait_for(1)
    assert json.loads(sms.body)["to"] == "+" + PHONE
    assert "còn 1 người trước" in json.loads(sms.body)["message"]
    zalo, by_sms = settled(app, 2)
    assert (zalo.channel, zalo.status, zalo.error_code) == ("zalo", MessageStatus.FAILED, "-118")
    assert zalo.last_error == "Zalo error -118: Zalo account not existed"
    assert (by_sms.channel, by_sms.status) == ("sms", MessageStatus.SENT)
    assert len(zns.received) == 1


def test_called_and_rating_messages_follow_the_ticket(app, client, accounts, zns):
    mine = issue(client, accounts)
    assert notify(client, mine["code"], channel="zalo").status_code == 201
    zns.wait_for(1)  # near at once: nobody ahead
    assert counter(client, accounts, "call-next").status_code == 200
    called = zns.wait_for(2)[1]
    assert (called["template_id"], called["template_data"]["counter"]) == ("301235", "Quầy 1")
    assert counter(client, accounts, "finish").status_code == 200
    rating = zns.wait_for(3)[2]
    assert rating["template_id"] == "301236"
    assert rating["template_data"]["url"] == f"http://queue.test/t/{mine['code']}"
    assert [m.kind for m in settled(app, 3)] == ["near_turn", "called", "rating"]
    counter(client, accounts, "call-next")
    time.sleep(0.3)
    assert len(zns.received) == 3  # each message once


def test_the_citizens_choice_of_sms_goes_first(app, client, accounts, zns, gateway):
    mine = issue(client, accounts)
    response = notify(client, mine["code"], channel="sms")
    assert response.get_json()["channels"] == ["sms", "zalo"]
    gateway.wait_for(1)
    assert settled(app, 1)[0].channel == "sms" and zns.received == []
    with app.extensions["queue"].sessions() as session:
        contact = session.scalar(select(MessageContact))
        assert (contact.channel, contact.consent_version) == ("sms", "2026-12")


def test_an_expired_token_is_logged_and_sms_takes_over(app, client, accounts, zns, gateway):
    zns.token_expired = True
    mine = issue(client, accounts)
    notify(client, mine["code"], channel="zalo")
    gateway.wait_for(1)
    zalo, by_sms = settled(app, 2)
    assert (zalo.error_code, by_sms.status) == ("-124", MessageStatus.SENT)


def test_zalo_down_for_a_while_delivers_after_and_never_twice(app, client, accounts, zns,
                                                            clock):
    with app.extensions["queue"].sessions() as session:
        office = session.scalar(select(Office).where(Office.slug == "test-office"))
        office.messages = {**MESSAGES, "channels": ["zalo"]}
        session.commit()
    worker = worker_of(app)
    worker.retry_delays_s, worker.poll_s = (5.0,) * 10, 0.05
    zns.is_down = True
    mine = issue(client, accounts)
    started = time.monotonic()
    assert notify(client, mine["code"]).status_code == 201
    assert time.monotonic() - started < 1.0  # the kiosk never waits for Zalo
    for attempts in (1, 2):
        deadline = time.monotonic() + 5
        while log_of(app)[0].attempts < attempts:
            assert time.monotonic() < deadline
            time.sleep(0.02)
        time.sleep(0.2)  # nothing more until the backoff has passed
        [message] = log_of(app)
        assert (message.attempts, message.status) == (attempts, MessageStatus.QUEUED)
        assert message.error_code == "no_answer"
        clock.now += timedelta(seconds=5)
    zns.is_down = False
    [sent] = zns.wait_for(1)
    [message] = settled(app, 1)
    assert (message.status, message.attempts) == (MessageStatus.SENT, 3)
    assert sent["tracking_id"] == message.tracking_id
    time.sleep(0.3)
    assert len(zns.received) == 1


@pytest.mark.parametrize("body, status, code", [
    ({"consent": False}, 400, "consent_required"),
    ({"channel": "viber"}, 400, "unknown_channel"),
    ({"phone": "0212345678"}, 400, "invalid_phone"),
    ({"name": "An"}, 400, "unknown_field"),
    ({"consent_version": "2020-1"}, 409, "consent_outdated"),
])
def test_bad_requests_keep_nothing(app, client, accounts, body, status, code):
    mine = issue(client, accounts)
    response = notify(client, mine["code"], **body)
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == code
    with app.extensions["queue"].sessions() as session:
        assert session.scalar(select(MessageContact)) is None


def test_no_channel_configured_is_409(app, client, accounts):
    worker_of(app).channels.clear()
    mine = issue(client, accounts)
    response = notify(client, mine["code"])
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "messages_unavailable"
    assert notify(client, "nope").status_code == 404
