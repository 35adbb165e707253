"""Booking end to end in Chromium: a citizen books on the phone page with the code the local
SMS gateway received, checks in at the kiosk, and is called before earlier walk-ins."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Page, expect

from ..support.gateway import FakeGateway
from ..support.servers import OFFICE_TOML, start_office_server

pytestmark = pytest.mark.browser

OFFICE = "/api/v1/offices/thu-nghiem"
BOOKABLE_TOML = OFFICE_TOML.replace('''  code = "dat-dai"
  name = "Đất đai"
  prefix = "1"
''', '''  code = "dat-dai"
  name = "Đất đai"
  prefix = "1"
  booking_capacity = 2
''', 1)


@pytest.fixture(scope="module")
def gateway():
    listener = FakeGateway().start()
    yield listener
    listener.stop()


@pytest.fixture(scope="module")
def server(tmp_path_factory, gateway):
    assert BOOKABLE_TOML != OFFICE_TOML
    started = start_office_server(tmp_path_factory.mktemp("live-booking"), BOOKABLE_TOML,
                                  "thu-nghiem", "nhanvien", "Xep-hang-thu-nghiem-42",
                                  QUEUE_SMS_GATEWAY_URL=gateway.url + "/sms")
    yield started
    started.stop()


def test_book_on_the_phone_check_in_at_the_kiosk_and_be_called_first(server, gateway,
                                                                        page: Page):
    walk_ins = [server.api("POST", OFFICE + "/tickets", {"service": "dat-dai"},
                           server.tokens["kiosk"])[1] for _ in range(2)]
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{server.url}/dat-lich/thu-nghiem")
    expect(page.locator("h1")).to_have_text("Đặt lịch hẹn")
    first_slot = page.locator(".booking-slot").first
    expect(first_slot).to_be_visible()
    first_slot.click()
    expect(first_slot).to_have_attribute("aria-checked", "true")
    page.locator("#phone").fill("0912 345 678")
    page.locator("#send-code").click()
    expect(page.locator("#otp")).to_be_visible()
    message = json.loads(gateway.wait_for(1)[0].body)["message"]
    otp = re.search(r"\b(\d{6})\b", message).group(1)
    page.locator("#otp").fill(otp)
    page.locator("#confirm").click()
    expect(page).to_have_url(re.compile(r"/lich-hen/[A-Z0-9]{8}$"))
    expect(page.locator("#booking-status")).to_have_text("Đã xác nhận")
    code = page.locator("#booking-code").inner_text()

    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{server.url}/kiosk/thu-nghiem?token={server.tokens['kiosk']}")
    expect(page.locator("#booking-button")).to_be_visible()
    page.locator("#booking-button").click()
    page.locator("#booking-code").fill(code.lower())
    page.locator("#booking-submit").click()
    expect(page.locator("#ticket-number")).to_be_visible()
    booked_number = page.locator("#ticket-number").inner_text()
    assert booked_number not in {ticket["number"] for ticket in walk_ins}

    status, called = server.api("POST", OFFICE + "/counters/1/call-next",
                                token=server.tokens["staff"])
    assert status == 200
    assert called["number"] == booked_number and called["booking"] == code
    status, after = server.api("POST", OFFICE + "/counters/1/call-next",
                               token=server.tokens["staff"])
    assert after["number"] == walk_ins[0]["number"]
