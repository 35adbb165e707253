"""The counter console records the visit by keyboard and scanner alone, in Chromium: one key
per outcome, a scanned code and its Enter added (never a call), a repeat dossier's history at
once, and finish refused without an outcome where the office requires one."""

import re

import pytest
from playwright.sync_api import Page, expect

from ..support.servers import OFFICE_TOML, STAFF_PASSWORD, start_office_server

pytestmark = pytest.mark.browser

OFFICE = "/api/v1/offices/thu-nghiem"
CONSOLE = "/counter/thu-nghiem/1"
SCANNED = "000.00.31.H57-241203-0001"


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """The test office, requiring an outcome before a finish."""
    toml = OFFICE_TOML.replace("min_seconds_before_no_show = 0",
                               "min_seconds_before_no_show = 0\nrequire_outcome = true", 1)
    server = start_office_server(tmp_path_factory.mktemp("visits"), toml, "thu-nghiem",
                                 "canbo", STAFF_PASSWORD)
    yield server
    server.stop()


def api(server, method, path, body=None):
    return server.api(method, path, body, server.tokens["staff"])


def issue(server) -> dict:
    status, ticket = server.api("POST", OFFICE + "/tickets", {"service": "dat-dai"},
                                server.tokens["kiosk"])
    assert status == 201
    return ticket


def empty_the_queue(server) -> None:
    for counter in (1, 2):
        while True:
            _status, ticket = api(server, "GET", f"{OFFICE}/counters/{counter}")
            if ticket["current"]:
                api(server, "PUT", f"/api/v1/tickets/{ticket['current']['code']}/visit",
                    {"outcome": "other"})
            if api(server, "POST", f"{OFFICE}/counters/{counter}/call-next")[0] != 200:
                break


@pytest.fixture
def console(live_server, page: Page) -> Page:
    """Counter 1's console, logged in by keyboard, connected, with an empty queue."""
    empty_the_queue(live_server)
    page.goto(live_server.url + CONSOLE)
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.get_by_label("Tên đăng nhập").fill("canbo")
    page.get_by_label("Mật khẩu").fill(STAFF_PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(live_server.url + CONSOLE)
    expect(page.get_by_test_id("connection")).to_have_text("Đã kết nối")
    return page


def ready(page: Page) -> None:
    expect(page.get_by_test_id("call-next")).to_be_enabled()


def scan(page: Page, code: str) -> None:
    """What a USB scanner does: the code's keys in a burst, then Enter, into the page."""
    page.keyboard.type(code)
    page.keyboard.press("Enter")


def chips(page: Page):
    return page.get_by_test_id("dossier-list").locator(".dossier-code")


def served_earlier_at_counter_2(server, code: str) -> dict:
    """A visit of this dossier yesterday's way: sent back to complete the file, at counter 2."""
    issue(server)
    status, _called = api(server, "POST", f"{OFFICE}/counters/2/call-next")
    assert status == 200
    status, done = api(server, "POST", f"{OFFICE}/counters/2/finish",
                       {"outcome": "supplement", "dossiers": [code]})
    assert status == 200
    return done


def test_outcome_and_codes_by_keyboard_and_scanner_with_the_repeat_history(live_server,
                                                                           console):
    earlier = served_earlier_at_counter_2(live_server, SCANNED)
    day = f"{earlier['finished_at'][8:10]}/{earlier['finished_at'][5:7]}"
    ticket, other = issue(live_server), issue(live_server)
    console.keyboard.press("Enter")
    expect(console.get_by_test_id("current-number")).to_have_text(ticket["number"])
    expect(console.get_by_test_id("visit-panel")).to_be_visible()
    ready(console)
    # No outcome yet: this office refuses the finish, and the ticket stays at the counter.
    console.keyboard.press("F3")
    expect(console.get_by_test_id("message")).to_have_text(
        f"Xin chọn kết quả tiếp nhận của số {ticket['number']} trước khi hoàn thành.")
    ready(console)
    # The scanner's Enter adds the code (lower case on the receipt or not); it calls nobody.
    scan(console, SCANNED.lower())
    expect(chips(console)).to_have_text([SCANNED])
    expect(console.get_by_test_id("dossier-history")).to_have_text(
        f"Hồ sơ này đến lần thứ 2 — lần trước {day}, yêu cầu bổ sung, hoàn thiện tại Quầy 2")
    expect(console.get_by_test_id("current-number")).to_have_text(ticket["number"])
    # A code of digits: its first key is no outcome key inside a scan.
    scan(console, "1234-5678")
    expect(chips(console)).to_have_text([SCANNED, "1234-5678"])
    expect(console.get_by_test_id("dossier-history")).to_have_text(
        "Hồ sơ 1234-5678: lần đầu đến.")
    expect(console.get_by_test_id("outcome-received")).to_have_attribute("aria-pressed", "false")
    # One key per outcome.
    console.keyboard.press("2")
    expect(console.get_by_test_id("outcome-supplement")).to_have_attribute("aria-pressed", "true")
    console.keyboard.press("1")
    expect(console.get_by_test_id("outcome-received")).to_have_attribute("aria-pressed", "true")
    expect(console.get_by_test_id("outcome-supplement")).to_have_attribute("aria-pressed",
                                                                           "false")
    console.keyboard.press("F3")
    expect(console.get_by_test_id("message")).to_have_text(
        f"Đã hoàn thành số {ticket['number']}.")
    _status, done = live_server.api("GET", f"/api/v1/tickets/{ticket['code']}")
    assert done["status"] == "done" and done["outcome"] == "received"
    assert done["dossiers"] == [SCANNED, "1234-5678"]
    assert live_server.api("GET", f"/api/v1/tickets/{other['code']}")[1]["status"] == "waiting"
    expect(console.get_by_test_id("visit-panel")).to_be_hidden()
    _status, history = api(live_server, "GET", f"/api/v1/dossiers/{SCANNED}")
    assert history["contacts"] == 2


def test_the_dossier_field_takes_typed_codes_and_enter_there_still_calls_next(live_server,
                                                                             console):
    first, second = issue(live_server), issue(live_server)
    console.keyboard.press("F1")
    expect(console.get_by_test_id("current-number")).to_have_text(first["number"])
    ready(console)
    console.keyboard.press("m")
    field = console.get_by_test_id("dossier-input")
    expect(field).to_be_focused()
    field.press_sequentially("HS 1")  # a space is not in any dossier code
    console.keyboard.press("Enter")
    expect(console.get_by_test_id("message")).to_have_text(
        "Mã hồ sơ “HS 1” không đúng mẫu của điểm tiếp nhận.")
    expect(chips(console)).to_have_count(0)
    field.press_sequentially("hs-0042")
    console.keyboard.press("Enter")
    expect(chips(console)).to_have_text(["HS-0042"])
    # Backspace on the page takes the last code off again; Escape leaves the field first.
    console.keyboard.press("Escape")
    expect(field).not_to_be_focused()
    console.keyboard.press("Backspace")
    expect(chips(console)).to_have_count(0)
    console.keyboard.press("m")
    field.press_sequentially("HS-0043")
    console.keyboard.press("Enter")
    expect(chips(console)).to_have_text(["HS-0043"])
    console.keyboard.press("4")  # still in the field: a 4 is typed, not an outcome
    expect(field).to_have_value("4")
    expect(console.get_by_test_id("outcome-guided")).to_have_attribute("aria-pressed", "false")
    console.keyboard.press("Backspace")
    console.keyboard.press("Escape")
    console.keyboard.press("4")
    expect(console.get_by_test_id("outcome-guided")).to_have_attribute("aria-pressed", "true")
    # Enter on the empty field is Call next, as everywhere on the console; the next
    # citizen starts with a clean visit.
    console.keyboard.press("m")
    console.keyboard.press("Enter")
    expect(console.get_by_test_id("current-number")).to_have_text(second["number"])
    expect(chips(console)).to_have_count(0)
    expect(console.get_by_test_id("outcome-guided")).to_have_attribute("aria-pressed", "false")
    done = live_server.api("GET", f"/api/v1/tickets/{first['code']}")[1]
    assert done["outcome"] == "guided" and done["dossiers"] == ["HS-0043"]
