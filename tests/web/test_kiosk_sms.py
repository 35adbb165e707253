"""The kiosk's "text me when my turn is near" in Chromium, against a real server whose SMS
gateway is a real HTTP listener on 127.0.0.1."""

import json
import re

import pytest
from playwright.sync_api import Page, expect

from ..support.gateway import FakeGateway
from ..support.servers import start_server

pytestmark = pytest.mark.browser

OFFICE = "/api/v1/offices/thu-nghiem"
KIOSK = "/kiosk/thu-nghiem"


@pytest.fixture(scope="module")
def gateway():
    listener = FakeGateway().start()
    yield listener
    listener.stop()


@pytest.fixture(scope="module")
def sms_server(tmp_path_factory, gateway):
    """The test office with an SMS gateway configured, a kiosk and an officer."""
    server = start_server(tmp_path_factory, "live-sms",
                          QUEUE_SMS_GATEWAY_URL=gateway.url + "/sms",
                          QUEUE_SMS_GATEWAY_HEADERS='{"Authorization": "Bearer khoa-sms"}')
    yield server
    server.stop()


@pytest.fixture(scope="module")
def plain_server(tmp_path_factory):
    """The same office without an SMS gateway."""
    server = start_server(tmp_path_factory, "live-no-sms")
    yield server
    server.stop()


def issue(server) -> dict:
    status, ticket = server.api("POST", OFFICE + "/tickets", {"service": "dat-dai"},
                                server.tokens["kiosk"])
    assert status == 201
    return ticket


def call_next(server, counter: int) -> None:
    assert server.api("POST", f"{OFFICE}/counters/{counter}/call-next",
                      token=server.tokens["staff"])[0] == 200


def empty_the_queue(server) -> None:
    for counter in (1, 2):
        while server.api("POST", f"{OFFICE}/counters/{counter}/call-next",
                         token=server.tokens["staff"])[0] == 200:
            pass


@pytest.fixture
def kiosk(sms_server, page: Page) -> Page:
    empty_the_queue(sms_server)
    page.goto(f"{sms_server.url}{KIOSK}?token={sms_server.tokens['kiosk']}")
    expect(page.locator('.service-button[data-service="dat-dai"]')).to_be_enabled()
    return page


def type_number(kiosk: Page, digits: str) -> None:
    for digit in digits:
        kiosk.locator(f'#keypad [data-key="{digit}"]').click()


def test_the_kiosk_takes_a_number_with_consent_and_the_sms_comes_at_the_threshold(
        sms_server, gateway, kiosk):
    for _ in range(5):
        issue(sms_server)
    kiosk.locator('.service-button[data-service="dat-dai"]').click()
    offer = kiosk.get_by_role("button", name=re.compile("Nhắn tin cho tôi khi sắp đến lượt"))
    expect(offer).to_be_visible()
    offer.click()
    expect(kiosk.get_by_role("heading", name="Nhập số điện thoại di động")).to_be_visible()
    expect(kiosk.locator("#sms-consent")).to_have_text(
        "Số điện thoại chỉ dùng để nhắn tin qua SMS khi sắp đến lượt, và được xóa sau 24 giờ.")
    send = kiosk.get_by_role("button", name="Đồng ý và gửi")
    type_number(kiosk, "091234567")
    expect(send).to_be_disabled()  # nine digits are not a mobile number
    type_number(kiosk, "8")
    expect(kiosk.locator("#sms-phone")).to_have_text("0912 345 678")
    send.click()
    expect(kiosk.locator("#message-text")).to_have_text(
        "Đã đăng ký. Hệ thống sẽ nhắn tin khi còn 3 người trước ông/bà.")
    expect(kiosk.get_by_text("0912 345 678")).to_have_count(0)  # gone from the screen
    assert gateway.received == []
    call_next(sms_server, 1)
    call_next(sms_server, 2)  # 5 ahead → 3 ahead
    [sent] = gateway.wait_for(1)
    assert sent.headers["Authorization"] == "Bearer khoa-sms"
    message = json.loads(sent.body)
    assert message["to"] == "+84912345678"
    assert "sắp đến lượt (còn 3 người trước)" in message["message"]


def test_no_sms_is_offered_when_the_turn_is_already_near(sms_server, kiosk):
    issue(sms_server)
    kiosk.locator('.service-button[data-service="dat-dai"]').click()
    expect(kiosk.locator("#ticket-number")).to_be_visible()
    expect(kiosk.locator("#sms-offer")).to_be_hidden()


def test_skipping_or_leaving_the_keypad_forgets_the_digits(sms_server, kiosk):
    for _ in range(5):
        issue(sms_server)
    kiosk.locator('.service-button[data-service="dat-dai"]').click()
    kiosk.locator("#sms-offer").click()
    type_number(kiosk, "0987")
    kiosk.get_by_role("button", name="Bỏ qua").click()
    expect(kiosk.locator('.service-button[data-service="dat-dai"]')).to_be_visible()
    assert kiosk.evaluate("document.getElementById('sms-phone').textContent") in ("", "—")


def test_the_kiosk_without_a_gateway_offers_no_sms(plain_server, page: Page):
    for _ in range(5):
        issue(plain_server)
    page.goto(f"{plain_server.url}{KIOSK}?token={plain_server.tokens['kiosk']}")
    page.locator('.service-button[data-service="dat-dai"]').click()
    expect(page.locator("#ticket-number")).to_be_visible()
    expect(page.locator("#sms-offer")).to_be_hidden()
