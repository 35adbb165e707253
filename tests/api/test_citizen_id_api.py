"""The citizen ID card over HTTP: a kiosk's ticket with the scanned text gets the elderly
priority from its age, malformed texts are refused, and no answer carries the card; bookings
made with the ID number are checked in with the card."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select, update

from queue_server.models import AdminAuditEntry, Booking, Office, Service, Ticket

from ..conftest import THURSDAY_9AM, bearer
from ..privacy.cards import ID_NUMBER, NAME, card_text
from ..support.gateway import FakeGateway
from .test_bookings_api import code_sent

OFFICE = "/api/v1/offices/test-office"
SEVENTY = date(1956, 3, 14)
FIFTY_NINE = date(1967, 3, 14)


@pytest.fixture
def elderly_office(app):
    with app.extensions["queue"].sessions() as session:
        session.execute(update(Office).where(Office.slug == "test-office")
                        .values(elderly_priority="elderly"))
        session.commit()


def issue(client, token, text, **body):
    return client.post(OFFICE + "/tickets", headers=bearer(token),
                       json={"service": "dat-dai", "citizen_id_qr": text, **body})


def assert_no_card_in(response) -> None:
    text = response.get_data(as_text=True)
    assert ID_NUMBER not in text and NAME not in text and "Bình" not in text


def test_a_card_of_70_gets_the_elderly_priority_without_asking(client, accounts,
                                                                elderly_office):
    response = issue(client, accounts["kiosk"], card_text(born=SEVENTY))
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["priority"] == "elderly"
    assert_no_card_in(response)
    assert_no_card_in(client.get(f"/api/v1/tickets/{response.get_json()['code']}"))


def test_a_card_of_59_is_an_ordinary_ticket(client, accounts, elderly_office):
    response = issue(client, accounts["kiosk"], card_text(born=FIFTY_NINE))
    assert response.status_code == 201
    assert response.get_json()["priority"] is None


def test_a_priority_the_citizen_chose_stands(client, accounts, elderly_office):
    response = issue(client, accounts["kiosk"], card_text(born=SEVENTY), priority="disability")
    assert response.get_json()["priority"] == "disability"


def test_the_ticket_keeps_a_keyed_hash_and_an_age_band_only(app, client, accounts,
                                                            elderly_office):
    issue(client, accounts["kiosk"], card_text(born=SEVENTY))
    with app.extensions["queue"].sessions() as session:
        ticket = session.scalar(select(Ticket))
        assert ticket.age_band == "60-74"
        assert len(ticket.citizen_hash) == 64 and ID_NUMBER not in ticket.citizen_hash


@pytest.mark.parametrize("text", [
    "079123456789|Nguyễn Văn Bình",
    card_text(id_number="79123456789"),
    "079123456789||Nguyễn Văn Bình|31021956|Nam|Khánh Hòa|15082021",
    "",
])
def test_a_text_that_is_not_a_card_is_400_invalid_citizen_id(client, accounts, text):
    response = issue(client, accounts["kiosk"], text)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_citizen_id"
    assert_no_card_in(response)


def test_only_kiosks_send_a_card(client, accounts):
    assert issue(client, accounts["staff1"], card_text()).status_code == 403


@pytest.fixture
def gateway():
    listener = FakeGateway().start()
    yield listener
    listener.stop()


@pytest.fixture
def settings(settings, gateway):
    return replace(settings, sms_gateway_url=gateway.url + "/send")


@pytest.fixture
def bookable(app):
    with app.extensions["queue"].sessions() as session:
        session.execute(update(Service).where(Service.code == "dat-dai")
                        .values(booking_capacity=1))
        session.commit()


def book_with_id(client, gateway, citizen_id=ID_NUMBER):
    held = client.post(OFFICE + "/bookings", json={
        "service": "dat-dai", "start": "2026-11-26T09:15:00+07:00", "phone": "0912345678",
        "citizen_id": citizen_id})
    assert held.status_code == 202, held.get_json()
    answer = client.post(f"/api/v1/bookings/{held.get_json()['booking']}/confirm",
                         json={"otp": code_sent(gateway, 1)})
    assert answer.status_code == 201
    return answer.get_json()


def test_a_booking_keeps_the_ids_hash_and_the_consent_shown(app, client, gateway, bookable):
    book_with_id(client, gateway)
    with app.extensions["queue"].sessions() as session:
        booking = session.scalar(select(Booking))
        assert len(booking.citizen_hash) == 64
        assert booking.consent_version and "Tôi đồng ý" in booking.consent_text
        assert booking.consent_at == THURSDAY_9AM


def test_a_booking_refuses_an_id_that_is_not_12_digits(client, bookable):
    response = client.post(OFFICE + "/bookings", json={
        "service": "dat-dai", "start": "2026-11-26T09:15:00+07:00", "phone": "0912345678",
        "citizen_id": "12345"})
    assert response.get_json()["error"]["code"] == "invalid_citizen_id"


def test_the_kiosk_checks_the_booking_in_with_the_card(client, accounts, gateway, bookable):
    booking = book_with_id(client, gateway)
    response = client.post(OFFICE + "/check-ins", headers=bearer(accounts["kiosk"]),
                           json={"citizen_id_qr": card_text()})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["booking"] == booking["code"]
    assert_no_card_in(response)


def test_a_card_without_a_booking_is_404(client, accounts):
    response = client.post(OFFICE + "/check-ins", headers=bearer(accounts["kiosk"]),
                           json={"citizen_id_qr": card_text()})
    assert response.status_code == 404


def test_the_audit_log_never_names_the_card(app, client, accounts, elderly_office):
    issue(client, accounts["kiosk"], card_text(born=SEVENTY))
    with app.extensions["queue"].sessions() as session:
        texts = [str(entry.changes) + entry.object_key
                 for entry in session.scalars(select(AdminAuditEntry))]
    assert not any(ID_NUMBER in text for text in texts)


def test_the_stats_count_people_by_card_and_who_came_again(client, accounts, elderly_office):
    for _ in range(2):
        issue(client, accounts["kiosk"], card_text())
    issue(client, accounts["kiosk"], card_text(id_number="001099000111"))
    client.post(OFFICE + "/tickets", headers=bearer(accounts["kiosk"]), json={"service": "dat-dai"})
    stats = client.get(OFFICE + "/stats?from=2026-11-26&to=2026-11-26",
                       headers=bearer(accounts["manager1"])).get_json()
    assert stats["citizens"] == {"tickets": 3, "people": 2, "returning": 1}
