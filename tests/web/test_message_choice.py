"""Choosing Zalo or SMS when giving a number, in Chromium: at the kiosk (on its keypad) and on
the citizen's ticket page, under the consent the server records; against a real server whose
ZNS and SMS gateway are real listeners on 127.0.0.1."""

import re

import pytest
from playwright.sync_api import Page, Route, expect
from sqlalchemy import create_engine, text

from ..support.gateway import FakeGateway, FakeZns
from ..support.servers import OFFICE_TOML, OFFICER, OFFICER_PASSWORD, start_office_server

pytestmark = pytest.mark.browser

OFFICE = "/api/v1/offices/thu-nghiem"
MESSAGES = '''
  [office.messages]
  channels = ["zalo", "sms"]
    [office.messages.zalo]
    near_turn = "301234"
    called = "301235"
'''
CONSENT = ("Số điện thoại chỉ dùng để nhắn tin qua Zalo hoặc SMS khi sắp đến lượt và khi được"
           " mời đến quầy, và được xóa sau 24 giờ.")


@pytest.fixture(scope="module")
def providers():
    zns, gateway = FakeZns().start(), FakeGateway().start()
    yield zns, gateway
    zns.stop()
    gateway.stop()


@pytest.fixture(scope="module")
def server(tmp_path_factory, providers):
    zns, gateway = providers
    # The first office's table goes before the second [[office]].
    offices = OFFICE_TOML.replace("# Never open", MESSAGES + "\n# Never open", 1)
    server = start_office_server(tmp_path_factory.mktemp("messages"), offices, "thu-nghiem",
                                 OFFICER, OFFICER_PASSWORD,
                                 QUEUE_SMS_GATEWAY_URL=gateway.url + "/sms",
                                 QUEUE_ZALO_ZNS_URL=zns.url, QUEUE_ZALO_ACCESS_TOKEN="token-1")
    yield server
    server.stop()


def issue(server) -> dict:
    status, ticket = server.api("POST", OFFICE + "/tickets", {"service": "dat-dai"},
                                server.tokens["kiosk"])
    assert status == 201
    return ticket


def empty_the_queue(server) -> None:
    for counter in (1, 2):
        while server.api("POST", f"{OFFICE}/counters/{counter}/call-next",
                         token=server.tokens["staff"])[0] == 200:
            pass


def contact_of(server, code) -> tuple:
    engine = create_engine(f"sqlite:///{server.folder}/queue.db")
    try:
        with engine.connect() as connection:
            return tuple(connection.execute(text(
                "SELECT c.phone, c.channel, c.consent_text, c.consent_version"
                " FROM message_contacts c JOIN tickets t ON t.id = c.ticket_id"
                " WHERE t.code = :code"), {"code": code}).one())
    finally:
        engine.dispose()


def test_the_kiosk_offers_zalo_and_sms_and_keeps_the_choice(server, providers, page: Page):
    zns, _gateway = providers
    empty_the_queue(server)
    for _ in range(5):
        issue(server)
    page.goto(f"{server.url}/kiosk/thu-nghiem?token={server.tokens['kiosk']}")
    page.locator('.service-button[data-service="dat-dai"]').click()
    page.locator("#sms-offer").click()
    zalo = page.get_by_role("radio", name="Zalo")
    sms = page.get_by_role("radio", name="Tin nhắn SMS")
    expect(zalo).to_have_attribute("aria-checked", "true")  # the office's first channel
    expect(sms).to_have_attribute("aria-checked", "false")
    expect(page.locator("#sms-consent")).to_have_text(CONSENT)
    sms.click()
    expect(sms).to_have_attribute("aria-checked", "true")
    expect(zalo).to_have_attribute("aria-checked", "false")
    for digit in "0912345678":
        page.locator(f'#keypad [data-key="{digit}"]').click()
    page.get_by_role("button", name="Đồng ý và gửi").click()
    expect(page.locator("#message-text")).to_have_text(
        "Đã đăng ký. Hệ thống sẽ nhắn tin khi còn 3 người trước ông/bà.")
    # The ticket's code is not on the kiosk's screen: the number's row is found by phone.
    engine = create_engine(f"sqlite:///{server.folder}/queue.db")
    try:
        with engine.connect() as connection:
            kept = connection.execute(text(
                "SELECT phone, channel, consent_text, consent_version FROM message_contacts"
                " WHERE phone = '84912345678'")).one()
    finally:
        engine.dispose()
    assert tuple(kept) == ("84912345678", "sms", CONSENT, "2026-12")
    assert zns.received == []


def test_the_phone_page_takes_a_number_for_zalo(server, providers, page: Page):
    zns, _gateway = providers
    empty_the_queue(server)
    for _ in range(4):
        issue(server)
    mine = issue(server)  # 4 ahead
    page.goto(f"{server.url}/t/{mine['code']}")
    card = page.locator("#notify")
    expect(card).to_be_visible()
    expect(card.get_by_role("heading")).to_have_text("Nhận tin báo khi sắp đến lượt")
    expect(page.locator("#notify-consent")).to_have_text(CONSENT)
    send = page.get_by_role("button", name="Đồng ý và gửi")
    expect(send).to_be_disabled()
    page.get_by_label("Số điện thoại di động").fill("0387 654 321")
    expect(page.get_by_role("radio", name="Zalo")).to_have_attribute("aria-checked", "true")
    send.click()
    expect(page.locator("#notify-done")).to_have_text(
        "Đã đăng ký. Ông/bà sẽ nhận tin Zalo khi sắp đến lượt.")
    expect(page.locator("#notify-form")).to_be_hidden()
    assert contact_of(server, mine["code"]) == ("84387654321", "zalo", CONSENT, "2026-12")
    received = len(zns.received)
    assert server.api("POST", f"{OFFICE}/counters/1/call-next",
                      token=server.tokens["staff"])[0] == 200  # 3 ahead: near
    [sent] = zns.wait_for(received + 1)[received:]
    assert (sent["phone"], sent["template_id"]) == ("84387654321", "301234")
    page.reload()
    expect(page.locator("#notify")).to_be_hidden()  # a number is kept: not asked again


def test_a_wrong_number_on_the_phone_page_says_why(server, page: Page):
    mine = issue(server)
    page.goto(f"{server.url}/t/{mine['code']}")
    page.get_by_label("Số điện thoại di động").fill("0992 345 678")
    page.get_by_role("button", name="Đồng ý và gửi").click()
    expect(page.locator("#notify-error")).to_have_text(
        "Số điện thoại di động không đúng (ví dụ 0912 345 678).")
    expect(page.locator("#notify-form")).to_be_visible()


@pytest.mark.parametrize("width, height", [(1920, 1080), (1366, 768), (1280, 1024),
                                           (1080, 1920), (768, 1366)])
def test_the_number_screen_with_two_channels_fits_without_scrolling(server, page: Page, width,
                                                                    height):
    page.set_viewport_size({"width": width, "height": height})
    empty_the_queue(server)
    for _ in range(5):
        issue(server)
    page.goto(f"{server.url}/kiosk/thu-nghiem?token={server.tokens['kiosk']}")
    page.locator('.service-button[data-service="dat-dai"]').click()
    page.locator("#sms-offer").click()
    expect(page.locator("#channel-choice")).to_be_visible()
    for selector in ("#sms-send", "#sms-skip", "#channel-zalo", "#channel-sms",
                     '#keypad [data-key="clear"]', "#sms-consent"):
        box = page.locator(selector).bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= height, (selector, box)
    for selector in ("#sms-send", "#channel-zalo", '#keypad [data-key="5"]'):
        assert page.locator(selector).bounding_box()["height"] >= 64, selector
    sizes = page.locator("main").evaluate(
        "main => [main.scrollHeight, main.clientHeight, main.scrollWidth, main.clientWidth]")
    assert sizes[0] <= sizes[1] + 1, sizes


def test_a_ticket_taken_before_the_channels_are_known_still_offers_them(server, page: Page):
    empty_the_queue(server)
    for _ in range(5):
        issue(server)
    held: list[Route] = []

    def hold(route: Route) -> None:  # Playwright takes Python functions, not built-ins
        held.append(route)

    # A slow network: the office's channels have not come when the citizen taps.
    page.route(re.compile(r".*/near-turn(\?.*)?$"), hold)
    page.goto(f"{server.url}/kiosk/thu-nghiem?token={server.tokens['kiosk']}")
    page.locator('.service-button[data-service="dat-dai"]').click()
    expect(page.locator("#ticket-number")).to_be_visible()
    expect(page.locator("#sms-offer")).to_be_hidden()
    assert held, "the kiosk never asked for the office's channels"
    for route in held:
        route.continue_()
    expect(page.locator("#sms-offer")).to_be_visible()
