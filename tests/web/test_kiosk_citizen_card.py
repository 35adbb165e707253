"""The citizen ID card at the kiosk, in Chromium against a real server: a USB scanner "types"
the card's QR text and Enter; the kiosk greets the holder and the ticket gets the elderly
priority from the card's age. Afterwards neither the database file, nor the server's log, nor
any API answer holds the ID number or the name."""

from __future__ import annotations

import json
import time
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from ..privacy.cards import ID_NUMBER, NAME, card_text
from ..support.servers import OFFICE_TOML, STAFF_PASSWORD, start_office_server

pytestmark = pytest.mark.browser

KIOSK = "/kiosk/thu-nghiem"
# Born 14 March 1956: 70 years old from March 2026 on (the test runs later than that).
SEVENTY = date(1956, 3, 14)
SECRETS = (ID_NUMBER, NAME, "Bình", "Tân Xương")


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """The test office giving its elderly priority from a card's age; the server logs all."""
    toml = OFFICE_TOML.replace('notice = "', 'elderly_priority = "elderly"\nnotice = "', 1)
    server = start_office_server(tmp_path_factory.mktemp("card"), toml, "thu-nghiem", "canbo",
                                 STAFF_PASSWORD, QUEUE_LOG_LEVEL="DEBUG",
                                 GUNICORN_CMD_ARGS="--access-logfile -")
    yield server
    server.stop()


@pytest.fixture
def kiosk(live_server, page: Page) -> Page:
    page.goto(f"{live_server.url}{KIOSK}?token={live_server.tokens['kiosk']}")
    expect(page.locator('.service-button[data-service="dat-dai"]')).to_be_enabled()
    return page


def scanner_types(page: Page, text: str, *, gap_s: float = 0.0) -> None:
    """What a USB 2D scanner does: each character as a key event, then Enter, in a burst.
    (Through the DevTools protocol: Playwright's own typing sends no key event for "ễ". The
    kiosk reads key presses only: key releases are left out to keep the burst fast here.)"""
    keys = page.context.new_cdp_session(page)
    keys.send("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": 1, "y": 1})  # warm up
    for character in text:
        keys.send("Input.dispatchKeyEvent", {"type": "keyDown", "key": character,
                                             "text": character})
        time.sleep(gap_s)
    keys.send("Input.dispatchKeyEvent", {"type": "keyDown", "key": "Enter", "code": "Enter",
                                         "windowsVirtualKeyCode": 13, "text": "\r"})
    keys.send("Input.dispatchKeyEvent", {"type": "keyUp", "key": "Enter", "code": "Enter",
                                         "windowsVirtualKeyCode": 13})
    keys.detach()


def assert_nothing_of_the_card_in(data: bytes, where: str) -> None:
    for secret in SECRETS:
        assert secret.encode() not in data, f"{secret!r} found in {where}"


def test_a_card_of_a_70_year_old_gives_a_priority_ticket_and_leaves_no_trace(
        live_server, kiosk):
    answers: list[bytes] = []
    kiosk.on("response", lambda response: answers.append(
        response.body() if "/api/" in response.url else b""))
    scanner_types(kiosk, card_text(born=SEVENTY))
    greeting = kiosk.locator("#card-greeting")
    expect(greeting).to_have_text("Xin chào ông Bình. Ông/bà được ưu tiên người cao tuổi.")
    # The text itself is nowhere in the page or its storage.
    assert ID_NUMBER not in kiosk.content()
    assert ID_NUMBER not in json.dumps(kiosk.evaluate("({...localStorage, ...sessionStorage})"))

    kiosk.locator('.service-button[data-service="dat-dai"]').click()
    expect(kiosk.locator("#ticket-priority")).to_be_visible()
    expect(kiosk.locator("#card-banner")).to_be_hidden()
    status, board = live_server.api("GET", "/api/v1/offices/thu-nghiem/board")
    assert status == 200
    code = kiosk.locator("#ticket-qr").get_attribute("src").split("/")[-2]
    status, ticket = live_server.api("GET", f"/api/v1/tickets/{code}")
    assert (status, ticket["priority"]) == (200, "elderly")
    assert "Bình" not in kiosk.content() and ID_NUMBER not in kiosk.content()

    # The proof: the database's files, the server's whole log, every API answer.
    live_server.stop()  # the log is complete and the database's write-ahead log folded in
    try:
        for path in sorted(live_server.folder.glob("queue.db*")):
            assert_nothing_of_the_card_in(path.read_bytes(), path.name)
        log = (live_server.folder / "server.log").read_bytes()
        assert b"/tickets" in log  # the log is the real one, requests included
        assert_nothing_of_the_card_in(log, "server.log")
        assert_nothing_of_the_card_in(b"".join(answers) + json.dumps([board, ticket]).encode(),
                                      "the API's answers")
    finally:
        live_server.start()


def test_a_young_womans_card_is_greeted_with_chi_and_gives_no_priority(live_server, kiosk):
    scanner_types(kiosk, card_text(born=date(1998, 5, 2), sex="Nữ", name="Trần Thị Mai"))
    expect(kiosk.locator("#card-greeting")).to_have_text("Xin chào chị Mai")
    kiosk.locator('.service-button[data-service="dat-dai"]').click()
    expect(kiosk.locator("#ticket-number")).to_be_visible()
    expect(kiosk.locator("#ticket-priority")).to_be_hidden()


def test_the_card_can_be_put_aside_and_is_then_not_sent(live_server, kiosk):
    sent: list[str] = []
    kiosk.on("request", lambda request: sent.append(request.post_data or ""))
    scanner_types(kiosk, card_text(born=SEVENTY))
    kiosk.locator("#card-cancel").click()
    expect(kiosk.locator("#card-banner")).to_be_hidden()
    kiosk.locator('.service-button[data-service="dat-dai"]').click()
    expect(kiosk.locator("#ticket-number")).to_be_visible()
    assert not any(ID_NUMBER in body for body in sent)


def test_a_broken_card_says_so(live_server, kiosk):
    scanner_types(kiosk, "079123456789||Nguyễn Văn Bình|31021956|Nam|Khánh Hòa|15082021")
    kiosk.locator('.service-button[data-service="dat-dai"]').click()
    expect(kiosk.locator("#message-text")).to_have_text(
        "Không đọc được thẻ căn cước. Xin quét lại mã QR trên thẻ.")


def test_slow_typing_is_no_card(live_server, kiosk):
    scanner_types(kiosk, card_text(born=SEVENTY), gap_s=0.08)
    kiosk.wait_for_timeout(300)
    expect(kiosk.locator("#card-banner")).to_be_hidden()


def test_the_privacy_notice_names_the_controller(live_server, kiosk):
    notice = kiosk.locator('[data-testid="privacy-notice"]')
    expect(notice).to_contain_text("Bộ phận Một cửa – Xã Thử Nghiệm")
    expect(notice).to_contain_text("không lưu số định danh")
