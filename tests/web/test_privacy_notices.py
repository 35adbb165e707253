"""The privacy notice, Vietnamese first, names the office file's controller on the kiosk, the
ticket page and the booking page (which also shows the consent recorded with a booking)."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import update

from queue_server.models import Office, Service

from ..conftest import bearer

CONTROLLER = "UBND xã Thử – Văn phòng HĐND và UBND, ĐT 0258 3861 000"


@pytest.fixture
def controller(app):
    with app.extensions["queue"].sessions() as session:
        session.execute(update(Office).values(privacy_controller=CONTROLLER))
        session.execute(update(Service).values(booking_capacity=1))
        session.commit()


def page_text(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def test_the_kiosk_names_the_controller(client, controller):
    text = page_text(client.get("/kiosk/test-office"))
    assert f"{CONTROLLER} chịu trách nhiệm" in text
    assert "Personal data protection" in text  # the English one, for the language switch


def test_the_ticket_page_names_the_controller(client, accounts, controller):
    ticket = client.post("/api/v1/offices/test-office/tickets", headers=bearer(accounts["kiosk"]),
                         json={"service": "dat-dai"}).get_json()
    text = page_text(client.get(f"/t/{ticket['code']}"))
    assert 'data-testid="privacy-notice"' in text and CONTROLLER in text


def test_the_booking_page_shows_the_consent_and_the_optional_id(client, controller):
    text = page_text(client.get("/dat-lich/test-office"))
    assert f"Tôi đồng ý để {CONTROLLER}" in text
    assert 'id="citizen-id"' in text and "không bắt buộc" in text


def test_without_a_controller_the_office_answers(client):
    text = page_text(client.get("/kiosk/test-office"))
    assert "Bộ phận Một cửa – Xã Thử chịu trách nhiệm" in text
