"""Booking over HTTP: the slots, the code sent through a local SMS gateway, every refusal, the
cancellation and the check-in at the kiosk."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import update

from queue_server.models import Service

from ..conftest import bearer, local
from ..support.gateway import FakeGateway

OFFICE = "/api/v1/offices/test-office"
START = "2026-11-26T10:00:00+07:00"


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
        session.execute(update(Service).where(Service.code.in_(("dat-dai", "tra-ket-qua")))
                        .values(booking_capacity=1))
        session.commit()


def book(client, phone="0912345678", start=START, service="dat-dai"):
    return client.post(OFFICE + "/bookings",
                       json={"service": service, "start": start, "phone": phone})


def code_sent(gateway, count: int) -> str:
    message = json.loads(gateway.wait_for(count)[count - 1].body)["message"]
    found = re.search(r"\b(\d{6})\b", message)
    assert found is not None, message
    return found.group(1)


def confirmed(client, gateway, phone="0912345678", start=START, count=1, service="dat-dai"):
    held = book(client, phone, start, service)
    assert held.status_code == 202, held.get_json()
    answer = client.post(f"/api/v1/bookings/{held.get_json()['booking']}/confirm",
                         json={"otp": code_sent(gateway, count)})
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def error_of(response) -> tuple[int, str]:
    return response.status_code, response.get_json()["error"]["code"]


def test_slots_list_capacity_and_free_places(client, bookable, gateway):
    slots = client.get(OFFICE + "/slots?service=dat-dai&date=2026-11-26").get_json()
    assert slots[0] == {"start": "2026-11-26T09:15:00+07:00",
                        "end": "2026-11-26T09:30:00+07:00", "capacity": 1, "free": 1}
    confirmed(client, gateway)
    slots = client.get(OFFICE + "/slots?service=dat-dai&date=2026-11-26").get_json()
    assert [slot["free"] for slot in slots if slot["start"] == START] == [0]
    assert client.get(OFFICE + "/slots?service=tu-phap&date=2026-11-26").get_json() == []
    assert error_of(client.get(OFFICE + "/slots?service=dat-dai&date=soon")) == (
        400, "invalid_field")


def test_a_code_sent_to_the_phone_confirms_the_booking(client, bookable, gateway):
    held = book(client, "+84 912 345 678")
    assert held.status_code == 202
    assert held.get_json()["expires_at"] == "2026-11-26T09:05:00+07:00"
    sent = json.loads(gateway.wait_for(1)[0].body)
    assert sent["to"].endswith("84912345678") and "Xã Thử" in sent["message"]
    booking = client.post(f"/api/v1/bookings/{held.get_json()['booking']}/confirm",
                          json={"otp": code_sent(gateway, 1)}).get_json()
    assert booking["status"] == "confirmed" and booking["start"] == START
    assert booking["end"] == "2026-11-26T10:15:00+07:00" and booking["service"] == "dat-dai"
    assert booking["manage_url"] == f"http://queue.test/lich-hen/{booking['code']}"
    confirmation = json.loads(gateway.wait_for(2)[1].body)["message"]
    assert booking["code"] in confirmation and "10:00 26/11/2026" in confirmation
    assert client.get(f"/api/v1/bookings/{booking['code']}").get_json() == booking


def test_every_refusal_of_a_booking(client, bookable, gateway):
    assert error_of(book(client, "0212345678")) == (400, "invalid_phone")
    assert error_of(book(client, start="2026-11-26T10:05:00+07:00")) == (
        400, "slot_not_offered")
    assert error_of(book(client, service="tu-phap")) == (400, "slot_not_offered")
    assert error_of(book(client, start="2026-11-26T10:00:00")) == (400, "slot_not_offered")
    confirmed(client, gateway)
    assert error_of(book(client, "0987654321")) == (409, "slot_full")
    assert error_of(book(client, start="2026-11-26T14:00:00+07:00")) == (409, "limit_reached")
    confirmed(client, gateway, start="2026-11-26T14:00:00+07:00", count=3,
              service="tra-ket-qua")
    assert error_of(book(client, start="2026-11-26T15:00:00+07:00",
                         service="tra-ket-qua")) == (409, "limit_reached")


def test_wrong_codes_then_the_fifth_ends_the_hold(client, bookable, gateway):
    hold_id = book(client).get_json()["booking"]
    right = code_sent(gateway, 1)
    wrong = "000000" if right != "000000" else "111111"
    url = f"/api/v1/bookings/{hold_id}/confirm"
    for _ in range(4):
        answer = client.post(url, json={"otp": wrong})
        assert error_of(answer) == (400, "wrong_otp")
    assert "1" in answer.get_json()["error"]["message"]
    assert error_of(client.post(url, json={"otp": wrong})) == (409, "otp_expired")
    assert error_of(client.post(url, json={"otp": right})) == (409, "otp_expired")
    assert book(client, "0987654321").status_code == 202  # the place is free again


def test_a_code_expires_after_five_minutes(app, client, clock, bookable, gateway):
    hold_id = book(client).get_json()["booking"]
    otp = code_sent(gateway, 1)
    clock.now += timedelta(minutes=5)
    assert error_of(client.post(f"/api/v1/bookings/{hold_id}/confirm",
                                json={"otp": otp})) == (409, "otp_expired")


def test_too_many_codes_to_one_phone_then_from_one_address(client, bookable, gateway):
    starts = [f"2026-11-{day}T{hour}:00:00+07:00" for day in (26, 30)
              for hour in (10, 14, 15)]
    for start in starts[:5]:
        assert book(client, start=start).status_code == 202
    answer = book(client, start=starts[5])
    assert error_of(answer) == (429, "too_many_codes")
    assert answer.headers["Retry-After"] == "3600"
    days, hours = ("2026-11-27", "2026-12-01", "2026-12-02"), (8, 9, 10, 14, 15)
    for index in range(15):
        start = f"{days[index % 3]}T{hours[index // 3]:02d}:00:00+07:00"
        assert book(client, f"09870000{index:02d}", start=start).status_code == 202
    assert error_of(book(client, "0987000099", start="2026-12-02T14:00:00+07:00")) == (
        429, "too_many_codes")


def test_cancel_frees_the_place_and_a_cancelled_code_is_unknown(client, bookable, gateway):
    booking = confirmed(client, gateway)
    answer = client.delete(f"/api/v1/bookings/{booking['code']}")
    assert answer.status_code == 200 and answer.get_json()["status"] == "cancelled"
    assert error_of(client.delete(f"/api/v1/bookings/{booking['code']}")) == (
        404, "booking_not_found")
    assert book(client, "0987654321").status_code == 202


def test_check_in_at_the_kiosk(client, clock, accounts, bookable, gateway):
    booking = confirmed(client, gateway)
    kiosk = bearer(accounts["kiosk"])

    def check_in(code):
        return client.post(OFFICE + "/check-ins", json={"booking": code}, headers=kiosk)

    clock.now = local(2026, 11, 26, 9, 40)
    too_early = check_in(booking["code"])
    assert error_of(too_early) == (409, "too_early")
    assert "09:45" in too_early.get_json()["error"]["message"]
    assert error_of(check_in("ACDE3467")) == (404, "booking_not_found")
    assert error_of(client.post("/api/v1/offices/other-office/check-ins",
                                json={"booking": booking["code"]},
                                headers=bearer(accounts["staff1"]))) in (
        (403, "forbidden"), (403, "wrong_office"))
    clock.now = local(2026, 11, 26, 9, 50)
    ticket = check_in(booking["code"].lower())
    assert ticket.status_code == 201
    assert ticket.get_json()["booking"] == booking["code"]
    assert ticket.get_json()["booking_late"] is False
    assert error_of(check_in(booking["code"])) == (409, "booking_checked_in")
    counter = client.get(OFFICE + "/counters/1", headers=bearer(accounts["staff1"])).get_json()
    assert [(row["number"], row["booked"]) for row in counter["waiting"]] == [
        (ticket.get_json()["number"], True)]


def test_the_confirmation_tells_where_the_office_is(app, client, bookable, gateway):
    from icalendar import Calendar

    from queue_server.tickets.queue_state import find_office

    with app.extensions["queue"].sessions() as session:
        office = find_office(session, "test-office")
        office.address, office.latitude, office.longitude = "12 Lê Lợi, Cam Lâm", 12.1, 109.1
        session.commit()
    booking = confirmed(client, gateway)
    assert booking["office_address"] == "12 Lê Lợi, Cam Lâm"
    confirmation = json.loads(gateway.wait_for(2)[1].body)["message"]
    assert "tai Bộ phận Một cửa – Xã Thử, 12 Lê Lợi, Cam Lâm luc 10:00" in confirmation
    page = client.get(f"/lich-hen/{booking['code']}").get_data(as_text=True)
    assert '<span id="booking-address">12 Lê Lợi, Cam Lâm</span>' in page
    event = Calendar.from_ical(client.get(f"/lich-hen/{booking['code']}/lich-hen.ics").data
                               ).walk("VEVENT")[0]
    assert str(event["location"]) == "Bộ phận Một cửa – Xã Thử, 12 Lê Lợi, Cam Lâm"
    assert (event["geo"].latitude, event["geo"].longitude) == (12.1, 109.1)


def test_without_an_address_the_confirmation_names_the_office_alone(client, bookable, gateway):
    confirmed(client, gateway)
    confirmation = json.loads(gateway.wait_for(2)[1].body)["message"]
    assert "tai Bộ phận Một cửa – Xã Thử luc 10:00" in confirmation
