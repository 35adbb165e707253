"""/admin in Chromium against a real server: changes reach live kiosks and displays without a
reload, a revoked kiosk is refused at once, and hostile names stay text."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from ..support.servers import start_server

pytestmark = pytest.mark.browser

ADMIN_USER, ADMIN_PASSWORD = "quantri", "Quan-tri-he-thong-7"
OFFICE = "/admin/offices/thu-nghiem"
HOSTILE = "<img src=x onerror=alert('admin')>"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """Office thu-nghiem (open 24/7) with a kiosk, an officer and an administrator."""
    live = start_server(tmp_path_factory, "admin")
    live.cli("user", "add", ADMIN_USER, "--role", "admin", "--password-stdin",
             stdin=ADMIN_PASSWORD + "\n")
    yield live
    live.stop()


def log_in(page: Page, server, target: str) -> None:
    page.goto(server.url + target)
    page.get_by_label("Tên đăng nhập").fill(ADMIN_USER)
    page.get_by_label("Mật khẩu").fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(server.url + target)


def open_kiosk(page: Page, server, token: str) -> Page:
    kiosk = page.context.new_page()
    kiosk.goto(f"{server.url}/kiosk/thu-nghiem?token={token}")
    expect(kiosk.locator('.service-button[data-service="dat-dai"]')).to_be_enabled()
    kiosk.evaluate("window.loadedOnce = true")  # gone if the page ever reloads
    return kiosk


def new_device(page: Page, server, name: str, kind: str = "kiosk") -> str:
    """Add a device on the devices page; returns the token it shows once."""
    page.goto(server.url + OFFICE + "/devices")
    form = page.get_by_test_id("add-device")
    form.locator("#name").fill(name)
    form.locator("#kind").select_option(kind)
    form.get_by_role("button").click()
    return page.get_by_test_id("device-token").inner_text()


def test_a_service_created_in_admin_appears_on_a_live_kiosk_without_reload(server, page: Page):
    kiosk = open_kiosk(page, server, server.tokens["kiosk"])
    log_in(page, server, OFFICE + "/services")
    form = page.get_by_test_id("add-service")
    form.locator("#code").fill("chung-thuc")
    form.locator("#name").fill("Chứng thực bản sao")
    form.locator("#prefix").fill("5")
    form.get_by_role("button").click()
    expect(page.get_by_test_id("notice")).to_be_visible()
    expect(page.get_by_test_id("service-chung-thuc")).to_contain_text("Chứng thực bản sao")
    # A service shows on the kiosk once a counter serves it.
    page.goto(server.url + OFFICE + "/counters")
    form = page.get_by_test_id("add-counter")
    form.locator("#number").fill("3")
    form.get_by_label("Chứng thực bản sao").check()
    form.get_by_role("button").click()
    expect(page.get_by_test_id("counter-3")).to_contain_text("Chứng thực bản sao")
    button = kiosk.locator('.service-button[data-service="chung-thuc"]')
    expect(button).to_be_visible(timeout=5000)
    expect(button.locator(".service-name")).to_have_text("Chứng thực bản sao")
    assert kiosk.evaluate("window.loadedOnce") is True


def test_a_new_kiosk_s_token_page_offers_copy_buttons_in_words(server, page: Page):
    log_in(page, server, OFFICE + "/devices")
    token = new_device(page, server, "kiosk-chep")
    buttons = page.locator("button[data-copy]")
    expect(buttons).to_have_count(2)
    expect(buttons).to_have_text(["Chép", "Chép"])
    expect(page.locator("main")).not_to_contain_text("built-in method")
    buttons.first.click()
    expect(buttons.first).to_have_text("Đã chép")
    assert page.evaluate("window.getSelection().toString()") == token


def test_revoking_a_kiosk_in_admin_refuses_it_at_once(server, page: Page):
    log_in(page, server, OFFICE + "/devices")
    token = new_device(page, server, "kiosk-tam")
    kiosk = open_kiosk(page, server, token)
    page.get_by_test_id("token-done").click()
    row = page.locator("tr", has=page.locator(".device-name", has_text="kiosk-tam"))
    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button").click()
    expect(page.get_by_test_id("notice")).to_be_visible()
    expect(row).to_contain_text("Đã thu hồi")
    expect(kiosk.locator("#screen-unpaired")).to_be_visible(timeout=5000)
    assert kiosk.evaluate("window.loadedOnce") is True
    status, body = server.api("POST", "/api/v1/offices/thu-nghiem/tickets",
                              {"service": "dat-dai"}, token)
    assert (status, body["error"]["code"]) == (401, "bad_token")


def test_hostile_names_typed_in_admin_stay_text_in_admin_and_on_the_display(server, page: Page):
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    display = page.context.new_page()
    display.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    display.goto(server.url + "/display/thu-nghiem")
    expect(display.locator("#ticker-text")).to_have_text("Công dân vui lòng giữ trật tự.")
    log_in(page, server, OFFICE)
    page.locator("#notice").fill(HOSTILE)
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("notice")).to_be_visible()
    expect(page.locator("#notice")).to_have_value(HOSTILE)
    # The TV takes the new notice from the live event, as text.
    expect(display.locator("#ticker-text")).to_have_text(HOSTILE, timeout=5000)
    page.goto(server.url + OFFICE + "/priorities")
    form = page.get_by_test_id("add-priority")
    form.locator("#code").fill("doc-hai")
    form.locator("#name").fill(HOSTILE)
    form.get_by_role("button").click()
    expect(page.get_by_test_id("priority-doc-hai").locator(".priority-name")).to_have_text(HOSTILE)
    new_device(page, server, HOSTILE, kind="display")
    expect(page.get_by_test_id("device-token")).to_be_visible()
    page.get_by_test_id("token-done").click()
    expect(page.locator(".device-name", has_text="onerror")).to_have_text(HOSTILE)
    page.goto(server.url + "/admin/audit")
    expect(page.get_by_test_id("audit-table")).to_contain_text(HOSTILE)
    page.wait_for_timeout(300)  # let any onerror fire
    assert dialogs == []
    for screen in (page, display):
        assert screen.locator("img[src='x']").count() == 0
