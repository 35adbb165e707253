"""Hostile names typed by a manager show as text on every screen and never run as code.

The office below names everything with markup and formulas. Chromium opens the kiosk, the
TV, the counter console, the citizen's ticket page, the rating tablet and the ticket image; no
dialog may open, no element may be made from a name, and the Content-Security-Policy must
never have had to block any code.
"""

from __future__ import annotations

import re

import pytest
import socketio as socketio_client
from playwright.sync_api import Page, expect

from printer.profiles import get_profile
from printer.render import render_png
from printer.slip import Slip

from ..support.servers import start_office_server

pytestmark = pytest.mark.browser

OFFICE_NAME = "<svg onload=alert('office')>Xã <b>Độc</b>"
NOTICE = "<img src=x onerror=alert('notice')> =HYPERLINK(\"http://evil.example\",\"bấm\")"
FOOTER = "<script>alert('footer')</script>"
SERVICE = "<img src=x onerror=alert('service')>"
FORMULA_SERVICE = "=HYPERLINK(\"http://evil.example\",\"Đất đai\")"
COUNTER = "<script>alert('counter')</script>"
COUNTER_2 = "\"><img src=x onerror=alert('counter2')>"
PRIORITY = "<iframe src=javascript:alert('priority')></iframe>"
PAUSE_REASON = "<img src=x onerror=alert('pause')>"


def _toml(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


OFFICE_TOML = f"""
[[office]]
slug = "doc-hai"
name = "{_toml(OFFICE_NAME)}"
opening_hours = "24/7"
notice = "{_toml(NOTICE)}"
ticket_footer = "{_toml(FOOTER)}"

  [[office.service]]
  code = "dat-dai"
  name = "{_toml(SERVICE)}"
  prefix = "1"

  [[office.service]]
  code = "cong-thuc"
  name = "{_toml(FORMULA_SERVICE)}"
  prefix = "2"

  [[office.counter]]
  number = 1
  name = "{_toml(COUNTER)}"
  services = ["dat-dai", "cong-thuc"]

  [[office.counter]]
  number = 2
  name = "{_toml(COUNTER_2)}"
  services = ["dat-dai"]

  [[office.priority]]
  code = "elderly"
  name = "{_toml(PRIORITY)}"
"""
PASSWORD = "mat-khau-can-bo-doc-hai"
OFFICE = "/api/v1/offices/doc-hai"
# Elements that only a name turned into markup could create.
# The pages' own drawings (the ticket page's bell) carry the class "bell"; any other svg came in.
INJECTED = ("img[src='x'], svg:not(.bell), iframe, b, "
            "script:not([src]):not([type='application/json'])")


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    """A live server whose office names everything with markup and formulas."""
    server = start_office_server(tmp_path_factory.mktemp("hostile"), OFFICE_TOML, "doc-hai",
                                 "canbo", PASSWORD, printer=True)
    yield server
    server.stop()


class Watch:
    """What a page did that it never should: dialogs, and scripts the CSP had to block."""

    def __init__(self, page: Page) -> None:
        self.dialogs: list[str] = []
        self.blocked: list[str] = []
        page.on("dialog", self._dialog)
        page.on("console", self._console)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _console(self, message) -> None:
        # Chromium's own viewer of a bare image applies inline styles; only code counts here.
        text = message.text
        if "Content Security Policy" in text and not text.startswith("Applying inline style"):
            self.blocked.append(text)

    def assert_clean(self, page: Page) -> None:
        page.wait_for_timeout(300)  # let any onerror/onload fire
        assert self.dialogs == []
        assert self.blocked == []
        assert page.locator(INJECTED).count() == 0


@pytest.fixture
def watched(page: Page) -> tuple[Page, Watch]:
    return page, Watch(page)


def issue(server, service: str = "dat-dai") -> dict:
    status, ticket = server.api("POST", OFFICE + "/tickets", {"service": service},
                                server.tokens["kiosk"])
    assert status == 201
    return ticket


def test_the_kiosk_shows_every_name_as_text(hostile_server, watched):
    page, watch = watched
    page.goto(f"{hostile_server.url}/kiosk/doc-hai?token={hostile_server.tokens['kiosk']}")
    buttons = page.locator(".service-button .service-name")
    expect(buttons).to_have_text([SERVICE, FORMULA_SERVICE])
    expect(page.locator(".office-name")).to_have_text(OFFICE_NAME)
    expect(page.locator("#priority-who")).to_have_text(PRIORITY)
    page.locator("#priority-button").click()
    expect(page.locator(".category-button")).to_have_text([PRIORITY])
    page.locator(".category-button").click()
    expect(page.locator("#priority-chosen")).to_contain_text(PRIORITY)
    page.locator('.service-button[data-service="dat-dai"]').click()
    expect(page.locator("#ticket-service")).to_have_text(SERVICE)
    expect(page.locator("#ticket-priority")).to_contain_text(PRIORITY)
    watch.assert_clean(page)


def test_the_display_shows_every_name_as_text(hostile_server, watched):
    page, watch = watched
    issue(hostile_server, "cong-thuc")
    page.goto(hostile_server.url + "/display/doc-hai")
    expect(page.locator("#office-name")).to_have_text(OFFICE_NAME)
    expect(page.locator("#ticker-text")).to_have_text(NOTICE)
    expect(page.locator(".waiting-name")).to_have_text([SERVICE, FORMULA_SERVICE])
    for number in (1, 2):
        status, _ = hostile_server.api("POST", f"{OFFICE}/counters/{number}/call-next",
                                       token=hostile_server.tokens["staff"])
        assert status in (200, 204)
    expect(page.locator(".counter-name")).to_have_text([COUNTER, COUNTER_2])
    watch.assert_clean(page)


def test_the_counter_console_shows_every_name_as_text(hostile_server, watched):
    page, watch = watched
    # Earlier tests leave tickets of both services waiting; which one Call next takes then
    # depends on how long they waited. Start from an empty queue so it takes this one.
    for number in (1, 2):
        while hostile_server.api("POST", f"{OFFICE}/counters/{number}/call-next",
                                 token=hostile_server.tokens["staff"])[0] == 200:
            pass
    issue(hostile_server)
    page.goto(hostile_server.url + "/counter/doc-hai/1")
    page.get_by_label("Tên đăng nhập").fill("canbo")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_test_id("connection")).to_have_text("Đã kết nối")
    expect(page.locator(".counter-name")).to_have_text(COUNTER)
    expect(page.locator(".topbar-title .muted")).to_have_text(
        f"{SERVICE}, {FORMULA_SERVICE} · {OFFICE_NAME}")
    assert COUNTER in page.title()
    page.get_by_test_id("call-next").click()
    expect(page.locator("#current-service")).to_contain_text(SERVICE)
    page.keyboard.press("c")
    dialog = page.locator("#transfer-dialog")
    expect(dialog.locator("[data-service]")).to_have_text([SERVICE, FORMULA_SERVICE])
    expect(dialog.locator("[data-counter]")).to_have_text([COUNTER_2])
    page.keyboard.press("Escape")
    watch.assert_clean(page)


def test_the_counter_chooser_shows_a_typed_pause_reason_as_text(hostile_server, watched):
    page, watch = watched
    for number in (1, 2):
        while hostile_server.api("POST", f"{OFFICE}/counters/{number}/finish",
                                 token=hostile_server.tokens["staff"])[0] == 200:
            pass
    status, _ = hostile_server.api("POST", f"{OFFICE}/counters/2/pause",
                                   {"reason": PAUSE_REASON}, hostile_server.tokens["staff"])
    assert status == 200
    page.goto(hostile_server.url + "/counter/doc-hai")
    page.get_by_label("Tên đăng nhập").fill("canbo")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    choices = page.locator(".choice-name")
    expect(choices).to_have_text([COUNTER, COUNTER_2])
    expect(page.get_by_test_id("counter-2")).to_contain_text(PAUSE_REASON)
    watch.assert_clean(page)


def test_the_citizens_ticket_page_shows_every_name_as_text(hostile_server, watched):
    page, watch = watched
    ticket = issue(hostile_server)
    page.goto(f"{hostile_server.url}/t/{ticket['code']}")
    expect(page.locator(".bar-title")).to_have_text(OFFICE_NAME)
    expect(page.locator("#service")).to_have_text(SERVICE)
    assert OFFICE_NAME in page.title()
    watch.assert_clean(page)


def test_the_rating_tablet_shows_every_name_as_text(hostile_server, watched):
    page, watch = watched
    page.goto(f"{hostile_server.url}/rate/doc-hai/1")
    expect(page.locator(".bar-counter")).to_have_text(COUNTER)
    expect(page.locator(".bar-title")).to_contain_text(OFFICE_NAME)
    watch.assert_clean(page)


def test_the_printed_ticket_carries_the_names_as_plain_text(hostile_server, watched):
    ticket = issue(hostile_server)
    agent = socketio_client.SimpleClient()
    agent.connect(hostile_server.url, auth={"token": hostile_server.tokens["printer"]},
                  transports=["websocket"])
    try:
        answer = agent.call("subscribe", {"channel": "printer"}, timeout=10)
    finally:
        agent.disconnect()
    job = next(job for job in answer["jobs"] if job["number"] == ticket["number"])
    slip = job["slip"]
    assert (slip["office_name"], slip["service"], slip["footer"]) == (OFFICE_NAME, SERVICE,
                                                                      FOOTER)
    # The printer draws that text as pixels: nothing in it is markup to anyone.
    assert render_png(Slip.from_dict(slip), get_profile("80mm")).startswith(b"\x89PNG")
    page, watch = watched
    response = page.goto(f"{hostile_server.url}/api/v1/tickets/{ticket['code']}/slip.png")
    assert response.headers["content-type"] == "image/png"
    assert response.headers["x-content-type-options"] == "nosniff"
    watch.assert_clean(page)


def test_a_formula_name_is_defused_in_exports(hostile_server):
    from queue_server.reports.safe_cells import csv_text

    status, services = hostile_server.api("GET", OFFICE + "/services")
    assert status == 200
    document = csv_text(["service"], [[service["name"]] for service in services])
    assert re.search(r"^\"?'=HYPERLINK", document, re.MULTILINE)
