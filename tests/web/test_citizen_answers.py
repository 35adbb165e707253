"""Citizens' answers are not lost: a tapped rating is sent when left alone (tablet and phone),
and the phone page offers to ring only while the ticket waits, with a drawn bell."""

import sqlite3

import pytest
from playwright.sync_api import Page, expect

from ..support.servers import act, empty_the_queue, issue, start_server

pytestmark = pytest.mark.browser

TABLET = "/rate/thu-nghiem/1"
IDLE_TEXT = "Sau khi được phục vụ, mời ông/bà đánh giá tại đây."
# A phone's browser keeps sound off until a tap (the test browser allows it at once).
SILENT_UNTIL_TAPPED = """
window.AudioContext = class extends window.AudioContext {
  get state() { return this.tapped ? "running" : "suspended"; }
  async resume() { this.tapped = true; }
};
"""


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    server = start_server(tmp_path_factory, "citizen-answers")
    server.tokens["rating"] = server.cli("device", "add", "danh-gia-1", "--kind", "rating",
                                         "--office", "thu-nghiem")
    yield server
    server.stop()


@pytest.fixture
def browser_context_args(browser_context_args):
    """A phone-sized touch screen (the tablet's page works the same at this size)."""
    return {**browser_context_args, "viewport": {"width": 400, "height": 800},
            "has_touch": True}


def serve(server, counter: int = 1) -> dict:
    ticket = issue(server)
    assert act(server, counter, "call-next")["code"] == ticket["code"]
    act(server, counter, "finish")
    return ticket


def stored(server, code: str):
    with sqlite3.connect(server.folder / "queue.db") as database:
        return database.execute(
            "SELECT f.rating, f.source FROM feedback f JOIN tickets t ON t.id = f.ticket_id"
            " WHERE t.code = ?", (code,)).fetchone()


def rate_leftovers(server) -> None:
    """Rate every finished ticket not yet rated, so the tablet has nothing left to ask."""
    with sqlite3.connect(server.folder / "queue.db") as database:
        codes = database.execute(
            "SELECT t.code FROM tickets t LEFT JOIN feedback f ON f.ticket_id = t.id"
            " WHERE t.status = 'done' AND f.id IS NULL").fetchall()
    for (code,) in codes:
        server.api("POST", f"/api/v1/tickets/{code}/feedback", {"rating": 5})


@pytest.fixture
def tablet(live_server, page: Page) -> Page:
    empty_the_queue(live_server, finish=True)
    rate_leftovers(live_server)
    page.clock.install()
    page.goto(f"{live_server.url}{TABLET}?token={live_server.tokens['rating']}")
    expect(page.get_by_text(IDLE_TEXT)).to_be_visible()
    expect(page.locator("#connection")).to_be_hidden()
    return page


def test_a_tap_on_the_tablet_is_sent_when_the_citizen_walks_away(live_server, tablet):
    ticket = serve(live_server)
    expect(tablet.locator("#asking-number")).to_have_text(ticket["number"])
    tablet.get_by_role("button", name="Rất hài lòng").click()
    expect(tablet.locator("#countdown")).to_have_text("Đánh giá sẽ tự gửi sau 30 giây")
    assert stored(live_server, ticket["code"]) is None  # reasons and visits may still come
    tablet.clock.run_for(31000)
    expect(tablet.get_by_role("heading", name="Cảm ơn ông/bà đã đánh giá!")).to_be_visible()
    assert stored(live_server, ticket["code"]) == (5, "tablet")


def test_a_tap_left_unsent_goes_in_when_the_next_citizen_is_asked(live_server, tablet):
    first = serve(live_server)
    expect(tablet.locator("#asking-number")).to_have_text(first["number"])
    tablet.get_by_role("button", name="Không hài lòng", exact=True).click()
    second = serve(live_server)
    expect(tablet.locator("#asking-number")).to_have_text(second["number"])
    expect(tablet.locator("#countdown")).to_have_text("Tự đóng sau 30 giây")
    tablet.wait_for_timeout(500)  # the earlier answer's request
    assert stored(live_server, first["code"]) == (2, "tablet")


def test_without_a_tap_the_tablet_stores_nothing(live_server, tablet):
    ticket = serve(live_server)
    expect(tablet.locator("#asking-number")).to_have_text(ticket["number"])
    tablet.clock.run_for(31000)
    expect(tablet.get_by_text(IDLE_TEXT)).to_be_visible()
    assert stored(live_server, ticket["code"]) is None


def open_ticket(server, page: Page, ticket: dict) -> Page:
    page.goto(f"{server.url}/t/{ticket['code']}")
    expect(page.locator("#number")).to_have_text(ticket["number"])
    expect(page.locator("#connection")).to_be_hidden()
    return page


def test_a_tap_on_the_phone_page_is_sent_after_half_a_minute(live_server, page: Page):
    empty_the_queue(live_server, finish=True)
    ticket = serve(live_server)
    page.clock.install()
    phone = open_ticket(live_server, page, ticket)
    phone.get_by_role("button", name="Hài lòng", exact=True).click()
    phone.clock.run_for(31000)
    expect(phone.locator("#status")).to_have_text("Cảm ơn ông/bà đã đánh giá!")
    assert stored(live_server, ticket["code"]) == (4, "phone")


def test_the_phone_page_offers_to_ring_only_while_waiting_with_a_drawn_bell(live_server,
                                                                           page: Page):
    empty_the_queue(live_server, finish=True)
    ticket = issue(live_server)
    page.add_init_script(SILENT_UNTIL_TAPPED)
    phone = open_ticket(live_server, page, ticket)
    prompt = phone.locator("#sound-prompt")
    expect(prompt).to_be_visible()
    bell = prompt.locator(".bell")
    assert bell.evaluate("element => element.tagName.toLowerCase()") == "svg"
    assert bell.locator("path").count() == 1
    assert bell.evaluate("element => element.textContent.trim()") == ""  # no font glyph
    box = bell.bounding_box()
    assert box and 20 <= box["width"] <= 40 and 20 <= box["height"] <= 40
    act(live_server, 1, "call-next")
    expect(phone.locator("#called-banner")).to_be_visible()
    expect(prompt).to_be_hidden()
    act(live_server, 1, "finish")
    expect(phone.locator("#status")).to_have_text("Đã phục vụ xong. Cảm ơn ông/bà!")
    expect(prompt).to_be_hidden()
    phone.reload()  # a finished ticket opened afresh does not offer it either
    expect(phone.locator("#number")).to_have_text(ticket["number"])
    expect(prompt).to_be_hidden()
