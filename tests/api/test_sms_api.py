"""The kiosk's phone number for "your turn is near": who may give it, what is kept and shown."""

from dataclasses import replace

import pytest
from sqlalchemy import select

from queue_server.models import MessageContact

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
    return replace(settings, sms_gateway_url=gateway.url + "/send")


def issue(client, accounts, service="dat-dai") -> dict:
    response = client.post(OFFICE + "/tickets", json={"service": service},
                           headers=bearer(accounts["kiosk"]))
    assert response.status_code == 201
    return response.get_json()


def far_ticket(client, accounts) -> dict:
    """A ticket with more people ahead than the office's threshold (3)."""
    for _ in range(5):
        issue(client, accounts)
    return issue(client, accounts)


def register(client, code, token, **body):
    return client.post(f"/api/v1/tickets/{code}/sms", json=body,
                       headers=bearer(token) if token else {})


def requests_of(app) -> list[MessageContact]:
    with app.extensions["queue"].sessions() as session:
        return list(session.scalars(select(MessageContact)))


def test_the_office_says_when_the_turn_is_near_and_that_sms_is_offered(client):
    answer = client.get(OFFICE + "/near-turn").get_json()
    assert {key: answer[key] for key in ("near_threshold", "sms_enabled",
                                         "phone_retention_hours", "channels")} == {
        "near_threshold": 3, "sms_enabled": True, "phone_retention_hours": 24,
        "channels": ["sms"]}
    assert "24 giờ" in answer["consent_text"] and answer["consent_version"]
    assert client.get("/api/v1/offices/nowhere/near-turn").status_code == 404


def test_the_kiosk_keeps_a_phone_number_apart_from_the_ticket(app, client, accounts, gateway):
    ticket = far_ticket(client, accounts)
    response = register(client, ticket["code"], accounts["kiosk"], phone="0912 345 678",
                        consent=True)
    assert response.status_code == 201
    answer = response.get_json()
    assert {key: answer[key] for key in ("status", "near_threshold", "phone_retention_hours")} == {
        "status": "pending", "near_threshold": 3, "phone_retention_hours": 24}
    [kept] = requests_of(app)
    assert kept.phone == "84912345678" and kept.channel == "sms"
    assert "24 giờ" in kept.consent_text and kept.consent_version == answer["consent_version"]
    # Nothing public shows it: not the ticket, not the board.
    for path in (f"/api/v1/tickets/{ticket['code']}", OFFICE + "/board", OFFICE + "/services"):
        assert b"912345678" not in client.get(path).data
    assert gateway.received == []  # 5 people ahead: not near yet


def test_staff_may_register_a_number_too(client, accounts):
    ticket = far_ticket(client, accounts)
    assert register(client, ticket["code"], accounts["staff1"], phone="+84 387 654 321",
                    consent=True).status_code == 201


@pytest.mark.parametrize("who, status", [
    (None, 401), ("other_kiosk", 403), ("display", 403), ("otherstaff", 403)])
def test_only_the_offices_kiosk_or_staff_may_give_a_number(app, client, accounts, who, status):
    ticket = far_ticket(client, accounts)
    response = register(client, ticket["code"], accounts.get(who), phone="0912345678",
                        consent=True)
    assert response.status_code == status
    assert requests_of(app) == []


@pytest.mark.parametrize("body, code", [
    ({"phone": "0912345678"}, "invalid_field"),
    ({"phone": "0912345678", "consent": False}, "consent_required"),
    ({"phone": "0912345678", "consent": "yes"}, "invalid_field"),
    ({"phone": "12345", "consent": True}, "invalid_phone"),
    ({"phone": "0212345678", "consent": True}, "invalid_phone"),
    ({"phone": "09123456789", "consent": True}, "invalid_phone"),
    ({"phone": "09123abc78", "consent": True}, "invalid_phone"),
    ({"phone": 912345678, "consent": True}, "invalid_field"),
    ({"phone": "0912345678", "consent": True, "name": "An"}, "unknown_field"),
])
def test_a_bad_number_or_no_consent_is_400_and_nothing_is_kept(app, client, accounts, body,
                                                                code):
    ticket = far_ticket(client, accounts)
    response = client.post(f"/api/v1/tickets/{ticket['code']}/sms", json=body,
                           headers=bearer(accounts["kiosk"]))
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == code
    assert requests_of(app) == []


def test_the_same_number_twice_is_one_request_and_a_correction_replaces_it(app, client, accounts):
    ticket = far_ticket(client, accounts)
    assert register(client, ticket["code"], accounts["kiosk"], phone="0912345678",
                    consent=True).status_code == 201
    assert register(client, ticket["code"], accounts["kiosk"], phone="+84912345678",
                    consent=True).status_code == 200
    assert register(client, ticket["code"], accounts["kiosk"], phone="0387654321",
                    consent=True).status_code == 201
    assert [r.phone for r in requests_of(app)] == ["84387654321"]


def test_a_ticket_no_longer_waiting_takes_no_number(client, accounts):
    ticket = issue(client, accounts)
    client.post(OFFICE + "/counters/1/call-next", headers=bearer(accounts["staff1"]))
    response = register(client, ticket["code"], accounts["kiosk"], phone="0912345678",
                        consent=True)
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "ticket_not_waiting"


def test_an_unknown_code_is_404(client, accounts):
    response = register(client, "nope", accounts["kiosk"], phone="0912345678", consent=True)
    assert response.status_code == 404


def test_without_a_gateway_no_number_is_taken(app, client, accounts):
    from queue_server.realtime.outbox_worker import worker_of

    worker_of(app).channels.clear()
    assert client.get(OFFICE + "/near-turn").get_json()["sms_enabled"] is False
    ticket = far_ticket(client, accounts)
    response = register(client, ticket["code"], accounts["kiosk"], phone="0912345678",
                        consent=True)
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "sms_unavailable"
    assert requests_of(app) == []
