"""The kiosk, the TV and the counter console with the server stopped and started again: they
open from the service worker's copy, say "tạm ngừng cấp số / mất kết nối" instead of a browser
error, and come back by themselves."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from ..support.servers import OFFICE_TOML, STAFF_PASSWORD, LiveServer, start_office_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]

KIOSK, DISPLAY, CONSOLE = "/kiosk/thu-nghiem", "/display/thu-nghiem", "/counter/thu-nghiem/1"
NOTICED_WITHIN_MS = 30000  # a check every 10 s while all is well, then one more
BACK_WITHIN_MS = 30000


@pytest.fixture
def server(tmp_path):
    live = start_office_server(tmp_path, OFFICE_TOML, "thu-nghiem", "canbo", STAFF_PASSWORD)
    yield live
    live.stop()


def kept_by_the_worker(page: Page, *paths: str) -> None:
    """Wait until the service worker holds these paths (the page's own load included)."""
    page.wait_for_function(
        """async (paths) => {
            await navigator.serviceWorker.ready;
            const cache = await caches.open("queue-screens-v1");
            const kept = (await cache.keys()).map((request) => new URL(request.url).pathname);
            return paths.every((path) => kept.includes(path));
        }""", arg=list(paths), timeout=20000)


def open_kiosk(page: Page, server: LiveServer) -> None:
    page.goto(f"{server.url}{KIOSK}?token={server.tokens['kiosk']}")
    expect(page.locator(".service-button").first).to_be_enabled()
    kept_by_the_worker(page, KIOSK, "/assets/kiosk/kiosk.js", "/assets/kiosk/kiosk.css")


def offline_state(page: Page):
    return page.locator("#offline-state")


def test_a_kiosk_opened_while_the_server_is_down_says_so_and_recovers(server, page: Page):
    open_kiosk(page, server)
    server.stop()
    page.reload()
    expect(page).to_have_title(re.compile(r"^Lấy số thứ tự – "))
    expect(offline_state(page)).to_be_visible()
    expect(offline_state(page).locator(".offline-title")).to_have_text("Tạm ngừng cấp số")
    expect(offline_state(page).locator(".offline-text")).to_contain_text(
        "Mất kết nối với máy chủ")
    server.start()
    expect(offline_state(page)).to_be_hidden(timeout=BACK_WITHIN_MS)
    page.locator(".service-button").first.click()
    expect(page.locator("#ticket-number")).to_have_text(re.compile(r"^\d{4}$"))


def test_a_kiosk_that_loses_the_server_covers_its_buttons_then_goes_on(server, page: Page):
    open_kiosk(page, server)
    page.evaluate("window.loadedOnce = true")  # gone if the page reloads
    server.stop()
    expect(offline_state(page)).to_be_visible(timeout=NOTICED_WITHIN_MS)
    expect(offline_state(page)).to_contain_text("(mất kết nối từ ")
    server.start()
    expect(offline_state(page)).to_be_hidden(timeout=BACK_WITHIN_MS)
    assert page.evaluate("window.loadedOnce") is True  # came back without a reload
    expect(page.locator(".service-button").first).to_be_enabled(timeout=BACK_WITHIN_MS)
    page.locator(".service-button").first.click()
    expect(page.locator("#ticket-number")).to_have_text(re.compile(r"^\d{4}$"))


def test_the_tv_opened_while_the_server_is_down_says_so_and_recovers(server, page: Page):
    page.goto(server.url + DISPLAY)
    expect(page.locator("main.board")).to_be_visible()
    kept_by_the_worker(page, DISPLAY, "/assets/display/display.js")
    server.stop()
    page.reload()
    expect(offline_state(page).locator(".offline-title")).to_have_text("Mất kết nối")
    server.start()
    expect(offline_state(page)).to_be_hidden(timeout=BACK_WITHIN_MS)
    status, _ticket = server.api("POST", "/api/v1/offices/thu-nghiem/tickets",
                                 {"service": "dat-dai"}, server.tokens["kiosk"])
    assert status == 201
    status, called = server.api("POST", "/api/v1/offices/thu-nghiem/counters/1/call-next",
                                None, server.tokens["staff"])
    assert status == 200 and called is not None
    expect(page.locator("main.board")).to_contain_text(called["number"], timeout=BACK_WITHIN_MS)


def test_the_console_opened_while_the_server_is_down_says_so_and_recovers(server,
                                                                           page: Page):
    page.goto(server.url + CONSOLE)
    page.get_by_label("Tên đăng nhập").fill("canbo")
    page.get_by_label("Mật khẩu").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(server.url + CONSOLE)
    expect(page.get_by_test_id("connection")).to_have_text("Đã kết nối")
    kept_by_the_worker(page, CONSOLE)
    server.stop()
    page.reload()
    expect(offline_state(page).locator(".offline-title")).to_have_text(
        "Mất kết nối với máy chủ")
    server.start()
    expect(offline_state(page)).to_be_hidden(timeout=BACK_WITHIN_MS)
    expect(page.get_by_test_id("connection")).to_have_text("Đã kết nối",
                                                          timeout=BACK_WITHIN_MS)
    expect(page.get_by_test_id("call-next")).to_be_enabled()
