"""The console's no-show (F4) is hard to press by mistake: Cancel has the focus, and the office's
minimum wait after the latest call is shown and enforced."""

import re

import pytest
from playwright.sync_api import Page, expect

from ..support.servers import OFFICE_TOML, STAFF_PASSWORD, start_office_server

pytestmark = pytest.mark.browser

OFFICE = "/api/v1/offices/thu-nghiem"
CONSOLE = "/counter/thu-nghiem/1"
WAIT_S = 60


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The test office with no recall needed and the default 60 s before a no-show."""
    toml = OFFICE_TOML.replace("min_seconds_before_no_show = 0",
                               f"min_seconds_before_no_show = {WAIT_S}"
                               "\nmin_recalls_before_no_show = 0")
    started = start_office_server(tmp_path_factory.mktemp("no-show"), toml, "thu-nghiem",
                                  "canbo", STAFF_PASSWORD)
    yield started
    started.stop()


def issue(server) -> dict:
    status, ticket = server.api("POST", OFFICE + "/tickets", {"service": "dat-dai"},
                                server.tokens["kiosk"])
    assert status == 201
    return ticket


def status_of(server, code) -> str:
    return server.api("GET", f"/api/v1/tickets/{code}")[1]["status"]


@pytest.fixture
def console(server, page: Page) -> Page:
    """Counter 1's console, logged in, with a clock that can be moved on."""
    page.clock.install()
    page.goto(server.url + CONSOLE)
    page.get_by_label("Tên đăng nhập").fill("canbo")
    page.get_by_label("Mật khẩu").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_test_id("connection")).to_have_text("Đã kết nối")
    return page


def test_f4_then_enter_cancels_and_the_wait_is_shown_and_enforced(server, console):
    ticket = issue(server)
    console.get_by_test_id("call-next").click()
    expect(console.get_by_test_id("current-number")).to_have_text(ticket["number"])
    no_show = console.get_by_role("button", name=re.compile("Vắng mặt"))
    # Straight after the call: refused in the console, with the seconds left.
    expect(no_show).to_have_attribute("aria-disabled", "true")
    expect(console.get_by_test_id("no-show-hint")).to_have_text(re.compile(r"^Chờ thêm \d+ giây$"))
    expect(console.get_by_test_id("call-next")).to_be_enabled()  # the press's busy time is over
    console.keyboard.press("F4")
    expect(console.get_by_test_id("message")).to_contain_text("Vắng mặt: chờ công dân thêm")
    expect(console.locator("#no-show-dialog")).not_to_be_visible()

    # Past the wait, F4 opens the question with the focus on Cancel: Enter takes nothing.
    console.clock.fast_forward(WAIT_S * 1000 + 1000)
    expect(no_show).to_have_attribute("aria-disabled", "false")
    expect(console.get_by_test_id("no-show-hint")).to_have_text("")
    console.keyboard.press("F4")
    expect(console.locator("#no-show-dialog")).to_be_visible()
    expect(console.get_by_test_id("cancel-no-show")).to_be_focused()
    console.keyboard.press("Enter")
    expect(console.locator("#no-show-dialog")).not_to_be_visible()
    assert status_of(server, ticket["code"]) == "called"


def test_the_server_refuses_a_no_show_inside_the_wait_with_its_code(server):
    ticket = issue(server)
    staff = server.tokens["staff"]
    status, _body = server.api("POST", f"{OFFICE}/counters/2/call-next", token=staff)
    assert status == 200
    status, body = server.api("POST", f"{OFFICE}/counters/2/no-show", token=staff)
    assert status == 409 and body["error"]["code"] == "no_show_too_soon"
    assert status_of(server, ticket["code"]) in ("called", "waiting")
