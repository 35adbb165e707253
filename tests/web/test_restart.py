"""`make run` stopped and started again (the demo set-up, then the server) breaks no open screen:
officers stay logged in, the kiosk stays paired; a kiosk whose token was replaced says so as
soon as it reconnects, before anyone taps."""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import Page, expect

from ..support.servers import LiveServer, _free_port, demo_office_file

pytestmark = pytest.mark.browser

CONSOLE = "/counter/cam-lam/1"
KIOSK = "/kiosk/cam-lam"
RECONNECTED_WITHIN_MS = 30000  # the Socket.IO client retries at most every 10 s


def demo(server: LiveServer, *flags: str) -> dict:
    """Run the demo set-up; the logins it printed."""
    output = server.cli("demo", *flags)
    return {"canbo1": re.search(r"^  canbo1 +(\S+)$", output, re.MULTILINE).group(1),
            "kiosk": re.search(r"/kiosk/cam-lam\?token=(\S+)", output).group(1)}


def make_run_again(server: LiveServer, *flags: str) -> dict:
    """Stop the server, run the demo set-up, start the server: what `make run` does."""
    server.stop()
    logins = demo(server, *flags)
    server.start()
    return logins


@pytest.fixture
def server(tmp_path):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("QUEUE_")}
    environment.update({"QUEUE_DATABASE_URL": f"sqlite:///{tmp_path}/queue.db",
                        "QUEUE_VAR_DIR": str(tmp_path),
                        "QUEUE_OFFICE_FILE": str(demo_office_file(tmp_path))})
    live = LiveServer(tmp_path, _free_port(), environment)
    live.tokens.update(demo(live))
    live.start()
    yield live
    live.stop()


def open_console(page: Page, server: LiveServer) -> Page:
    console = page.context.new_page()
    console.goto(server.url + CONSOLE)
    console.get_by_label("Tên đăng nhập").fill("canbo1")
    console.get_by_label("Mật khẩu").fill(server.tokens["canbo1"])
    console.get_by_role("button", name="Đăng nhập").click()
    expect(console).to_have_url(server.url + CONSOLE)
    expect(console.get_by_test_id("connection")).to_have_text("Đã kết nối")
    return console


def open_kiosk(page: Page, server: LiveServer) -> Page:
    page.goto(f"{server.url}{KIOSK}?token={server.tokens['kiosk']}")
    expect(page.locator(".service-button").first).to_be_enabled()
    page.evaluate("window.loadedOnce = true")  # gone if the page ever reloads
    return page


def test_make_run_again_keeps_officers_logged_in_and_the_kiosk_paired(server, page: Page):
    console, kiosk = open_console(page, server), open_kiosk(page, server)
    make_run_again(server)
    expect(console.get_by_test_id("connection")).to_have_text("Đã kết nối",
                                                             timeout=RECONNECTED_WITHIN_MS)
    console.reload()
    expect(console).to_have_url(server.url + CONSOLE)
    expect(console.get_by_test_id("call-next")).to_be_enabled()
    expect(kiosk.locator("#connection")).to_be_hidden(timeout=RECONNECTED_WITHIN_MS)
    kiosk.locator(".service-button").first.click()
    expect(kiosk.locator("#ticket-number")).to_be_visible()
    assert kiosk.evaluate("window.loadedOnce") is True


def test_a_kiosk_whose_token_was_replaced_says_so_as_soon_as_it_reconnects(server, page: Page):
    kiosk = open_kiosk(page, server)
    taps = []
    kiosk.on("request", lambda request: taps.append(request.url)
             if request.method == "POST" and "/api/" in request.url else None)
    make_run_again(server, "--rotate-tokens")
    expect(kiosk.get_by_role("heading", name="Mã ki-ốt không còn hiệu lực")).to_be_visible(
        timeout=RECONNECTED_WITHIN_MS)
    expect(kiosk.locator(".service-button").first).to_be_hidden()
    expect(kiosk.locator("#connection")).to_be_hidden()
    assert taps == [] and kiosk.evaluate("window.loadedOnce") is True
