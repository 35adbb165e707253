"""The counter's rating tablet in Chromium against a real server: paired like the kiosk, it asks
about the ticket its counter just finished and goes back to idle after about 30 seconds."""

import sqlite3

import pytest
from playwright.sync_api import Page, expect

from ..support.servers import act, empty_the_queue, issue, start_server

pytestmark = pytest.mark.browser

TABLET = "/rate/thu-nghiem/1"


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """Office thu-nghiem with a kiosk and an officer (see servers.py)."""
    server = start_server(tmp_path_factory, "live-citizen")
    yield server
    server.stop()


@pytest.fixture
def browser_context_args(browser_context_args):
    """A ten-inch tablet standing on the counter."""
    return {**browser_context_args, "viewport": {"width": 800, "height": 1280},
            "has_touch": True}


@pytest.fixture(scope="module")
def tablet_token(live_server) -> str:
    return live_server.cli("device", "add", "danh-gia-quay-1", "--kind", "rating",
                           "--office", "thu-nghiem")



def serve(server, counter: int = 1) -> dict:
    """A citizen served at the counter: issued, called, finished."""
    ticket = issue(server)
    assert act(server, counter, "call-next")["code"] == ticket["code"]
    act(server, counter, "finish")
    return ticket


def rate_leftovers(server, token: str) -> None:
    """Rate every finished ticket not yet rated, so no earlier finish is still to be asked."""
    with sqlite3.connect(server.folder / "queue.db") as database:
        codes = database.execute(
            "SELECT t.code FROM tickets t LEFT JOIN feedback f ON f.ticket_id = t.id"
            " WHERE t.status = 'done' AND f.id IS NULL").fetchall()
    for (code,) in codes:
        assert server.api("POST", f"/api/v1/tickets/{code}/feedback", {"rating": 5},
                          token)[0] == 201


@pytest.fixture
def tablet(live_server, tablet_token, page: Page) -> Page:
    """Counter 1's tablet, paired, idle, with an empty queue."""
    empty_the_queue(live_server, finish=True)
    rate_leftovers(live_server, tablet_token)
    page.clock.install()
    page.goto(f"{live_server.url}{TABLET}?token={tablet_token}")
    expect(page.get_by_text("Sau khi được phục vụ, mời ông/bà đánh giá tại đây.")).to_be_visible()
    expect(page.locator("#connection")).to_be_hidden()
    return page


def stored_rating(server, code: str):
    with sqlite3.connect(server.folder / "queue.db") as database:
        return database.execute(
            "SELECT f.rating, f.visits, f.source, c.number FROM feedback f"
            " JOIN tickets t ON t.id = f.ticket_id JOIN counters c ON c.id = f.counter_id"
            " WHERE t.code = ?", (code,)).fetchone()


def test_a_finish_at_its_counter_shows_the_form_and_a_rating_thanks_then_idles(live_server,
                                                                              tablet):
    ticket = serve(live_server)
    expect(tablet.locator("#asking-number")).to_have_text(ticket["number"])
    tablet.get_by_role("button", name="Hài lòng", exact=True).click()
    tablet.get_by_role("button", name="Lần đầu").click()
    tablet.get_by_role("button", name="Gửi đánh giá").click()
    expect(tablet.get_by_role("heading", name="Cảm ơn ông/bà đã đánh giá!")).to_be_visible()
    assert stored_rating(live_server, ticket["code"]) == (4, "first", "tablet", 1)
    tablet.clock.run_for(7000)
    expect(tablet.get_by_text("Sau khi được phục vụ, mời ông/bà đánh giá tại đây.")).to_be_visible()
    status, answer = live_server.api("POST", f"/api/v1/tickets/{ticket['code']}/feedback",
                                     {"rating": 1})
    assert status == 409 and answer["error"]["code"] == "already_rated"


def test_left_alone_the_form_goes_back_to_idle_after_about_30_seconds(live_server, tablet):
    ticket = serve(live_server)
    expect(tablet.locator("#asking-number")).to_have_text(ticket["number"])
    expect(tablet.locator("#countdown")).to_have_text("Tự đóng sau 30 giây")
    tablet.clock.run_for(20000)
    expect(tablet.locator("#countdown")).to_have_text("Tự đóng sau 10 giây")
    tablet.clock.run_for(11000)
    expect(tablet.get_by_text("Sau khi được phục vụ, mời ông/bà đánh giá tại đây.")).to_be_visible()
    expect(tablet.locator("#asking-number")).to_be_hidden()
    assert stored_rating(live_server, ticket["code"]) is None


def test_a_citizen_choosing_gets_the_full_time_again(live_server, tablet):
    serve(live_server)
    tablet.clock.run_for(25000)
    tablet.get_by_role("button", name="Bình thường").click()
    expect(tablet.locator("#countdown")).to_have_text("Đánh giá sẽ tự gửi sau 30 giây")
    expect(tablet.get_by_label("Thời gian chờ lâu")).to_be_visible()


def test_another_counters_finish_does_not_show_here(live_server, tablet):
    serve(live_server, counter=2)
    tablet.wait_for_timeout(1000)
    expect(tablet.locator("#asking-number")).to_be_hidden()
    ticket = serve(live_server, counter=1)
    expect(tablet.locator("#asking-number")).to_have_text(ticket["number"])


def test_the_tablet_speaks_english_for_one_citizen_then_returns_to_vietnamese(live_server,
                                                                              tablet):
    serve(live_server)
    tablet.get_by_role("button", name="English").click()
    expect(tablet.get_by_role("heading", name="How satisfied are you with the service?")
           ).to_be_visible()
    tablet.clock.run_for(31000)
    expect(tablet.get_by_role("button", name="English")).to_be_visible()
    expect(tablet.get_by_text("Sau khi được phục vụ, mời ông/bà đánh giá tại đây.")).to_be_visible()


def test_an_unpaired_tablet_or_a_kiosk_token_says_so(live_server, page: Page):
    page.goto(f"{live_server.url}{TABLET}")
    expect(page.get_by_role("heading", name="Máy đánh giá chưa được kích hoạt")).to_be_visible()
    page.goto(f"{live_server.url}{TABLET}?token={live_server.tokens['kiosk']}")
    expect(page.get_by_role("heading", name="Máy đánh giá chưa được kích hoạt")).to_be_visible()
    expect(page).to_have_url(live_server.url + TABLET)  # the token leaves the address


def test_an_unknown_counter_is_a_plain_404(live_server, page: Page):
    response = page.goto(f"{live_server.url}/rate/thu-nghiem/99")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Không tìm thấy quầy")).to_be_visible()
