"""The citizen's ticket page on a phone-sized Chromium against a real server: it counts down as
counters call, rings at the threshold and when called, recovers by itself, then takes a rating."""

import re
import sqlite3

import pytest
from playwright.sync_api import Page, expect

from ..support.servers import act, empty_the_queue, issue, start_server

pytestmark = pytest.mark.browser


# Records vibrations (a headless browser has no motor) so a test can see them.
VIBRATION_PROBE = """
window.vibrations = [];
Object.defineProperty(Navigator.prototype, "vibrate", { configurable: true,
  value(pattern) { window.vibrations.push(pattern); return true; } });
"""


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """Office thu-nghiem with a kiosk and an officer (see servers.py)."""
    server = start_server(tmp_path_factory, "live-citizen")
    yield server
    server.stop()


@pytest.fixture
def browser_context_args(browser_context_args):
    """A five-year-old Android phone's screen."""
    return {**browser_context_args, "viewport": {"width": 360, "height": 740},
            "device_scale_factor": 2, "is_mobile": True, "has_touch": True}



def open_ticket(server, page: Page, ticket: dict) -> Page:
    page.add_init_script(VIBRATION_PROBE)
    page.goto(f"{server.url}/t/{ticket['code']}")
    expect(page.locator("#number")).to_have_text(ticket["number"])
    expect(page.locator("#connection")).to_be_hidden()
    return page


def status(page: Page):
    return page.locator("#status")


def alerts(page: Page) -> int:
    return int(page.locator("body").get_attribute("data-alerts") or 0)


def test_the_page_counts_down_as_counters_call_and_rings_at_the_threshold(live_server,
                                                                         page: Page):
    empty_the_queue(live_server)
    mine = [issue(live_server) for _ in range(5)][-1]
    phone = open_ticket(live_server, page, mine)
    expect(status(phone)).to_have_text("Còn 4 người trước ông/bà")
    expect(phone.locator("#service")).to_have_text("Đất đai")
    expect(phone.locator("#wait")).to_have_text(re.compile(r"^khoảng \d+ phút$"))
    expect(phone.locator("#near-banner")).to_be_hidden()
    assert alerts(phone) == 0

    act(live_server, 1, "call-next")
    expect(status(phone)).to_have_text("Còn 3 người trước ông/bà")
    banner = phone.get_by_role("alert").filter(has_text="Sắp đến lượt!")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("Còn 3 người trước ông/bà. Mời quay lại phòng chờ.")
    expect(phone.locator("body")).to_have_attribute("data-last-alert", "near")
    assert alerts(phone) == 1
    assert phone.evaluate("window.vibrations") == [[400, 200, 400]]
    expect(phone.locator("body")).to_have_attribute("data-last-alert-sound", "true")

    act(live_server, 2, "call-next")
    expect(status(phone)).to_have_text("Còn 2 người trước ông/bà")
    act(live_server, 1, "call-next")
    act(live_server, 2, "call-next")
    expect(status(phone)).to_have_text("Ông/bà là người tiếp theo")
    assert alerts(phone) == 1  # once per crossing, not at every step
    phone.get_by_role("button", name="Đã hiểu").click()
    expect(banner).to_be_hidden()

    act(live_server, 1, "call-next")
    called = phone.get_by_role("alert").filter(has_text="Mời ông/bà đến")
    expect(called).to_be_visible()
    expect(phone.locator("#called-counter")).to_have_text("Quầy 1")
    expect(status(phone)).to_have_text("Đang được mời đến Quầy 1")
    expect(phone.locator("body")).to_have_attribute("data-last-alert", "called")
    assert alerts(phone) == 2
    act(live_server, 1, "recall")
    expect(phone.locator("body")).to_have_attribute("data-alerts", "3")
    assert phone.evaluate("window.vibrations.length") == 3


def test_after_the_finish_the_page_takes_one_rating_and_a_second_gets_409(live_server,
                                                                         page: Page):
    empty_the_queue(live_server)
    mine = issue(live_server)
    phone = open_ticket(live_server, page, mine)
    act(live_server, 2, "call-next")
    expect(phone.locator("#called-counter")).to_have_text("Quầy 2")
    act(live_server, 2, "finish")
    expect(status(phone)).to_have_text("Đã phục vụ xong. Cảm ơn ông/bà!")
    expect(phone.get_by_role("heading", name="Ông/bà có hài lòng với việc phục vụ không?")
           ).to_be_visible()
    expect(phone.get_by_text("Điều gì chưa tốt?")).to_be_hidden()
    phone.get_by_role("button", name="Không hài lòng", exact=True).click()
    expect(phone.get_by_text("Điều gì chưa tốt? (chọn một hoặc nhiều)")).to_be_visible()
    phone.get_by_label("Thời gian chờ lâu").check()
    phone.get_by_label("Thủ tục chưa rõ ràng").check()
    phone.get_by_label("Góp ý thêm (không bắt buộc)").fill("Phải chờ hơn một tiếng.")
    phone.get_by_role("button", name="Lần thứ hai").click()
    phone.get_by_role("button", name="Gửi đánh giá").click()
    expect(status(phone)).to_have_text("Cảm ơn ông/bà đã đánh giá!")
    expect(phone.locator("#rating")).to_be_hidden()

    with sqlite3.connect(live_server.folder / "queue.db") as database:
        row = database.execute(
            "SELECT f.rating, f.reasons, f.comment, f.visits, f.source, c.number FROM feedback f"
            " JOIN tickets t ON t.id = f.ticket_id JOIN counters c ON c.id = f.counter_id"
            " WHERE t.code = ?", (mine["code"],)).fetchone()
    assert row == (2, '["waiting_time", "procedure_unclear"]', "Phải chờ hơn một tiếng.",
                   "second", "phone", 2)
    again, answer = live_server.api("POST", f"/api/v1/tickets/{mine['code']}/feedback",
                                    {"rating": 5})
    assert again == 409 and answer["error"]["code"] == "already_rated"
    phone.reload()  # a rated ticket does not ask again
    expect(status(phone)).to_have_text("Đã phục vụ xong. Cảm ơn ông/bà!")
    expect(phone.locator("#rating")).to_be_hidden()


def test_a_high_rating_asks_no_reasons_and_the_form_is_large_enough_to_tap(live_server,
                                                                          page: Page):
    empty_the_queue(live_server)
    mine = issue(live_server)
    act(live_server, 1, "call-next")
    act(live_server, 1, "finish")
    phone = open_ticket(live_server, page, mine)
    levels = phone.locator(".level")
    expect(levels).to_have_text(["Rất hài lòng", "Hài lòng", "Bình thường", "Không hài lòng",
                                 "Rất không hài lòng"])
    for index in range(5):
        box = levels.nth(index).bounding_box()
        assert box["height"] >= 48 and box["width"] >= 270  # most of the screen
    phone.get_by_role("button", name="Rất hài lòng").click()
    expect(phone.locator(".reasons")).to_be_hidden()
    expect(phone.locator(".comment")).to_be_hidden()
    phone.get_by_role("button", name="Gửi đánh giá").click()
    expect(status(phone)).to_have_text("Cảm ơn ông/bà đã đánh giá!")


def test_the_number_and_the_status_are_big_on_a_phone(live_server, page: Page):
    empty_the_queue(live_server)
    phone = open_ticket(live_server, page, issue(live_server))
    size = "e => parseFloat(getComputedStyle(e).fontSize)"
    assert phone.locator("#number").evaluate(size) >= 72
    assert phone.locator("#status").evaluate(size) >= 28
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scroll


def test_english_is_one_tap_away_and_remembered(live_server, page: Page):
    empty_the_queue(live_server)
    issue(live_server)
    mine = issue(live_server)
    phone = open_ticket(live_server, page, mine)
    expect(status(phone)).to_have_text("Còn 1 người trước ông/bà")
    phone.get_by_role("button", name="English").click()
    expect(status(phone)).to_have_text("1 person before you")
    expect(phone.get_by_text("Your number")).to_be_visible()
    expect(phone.locator("html")).to_have_attribute("lang", "en")
    phone.reload()
    expect(status(phone)).to_have_text("1 person before you")
    phone.get_by_role("button", name="Tiếng Việt").click()
    expect(status(phone)).to_have_text("Còn 1 người trước ông/bà")


def test_after_the_network_drops_it_resubscribes_and_shows_the_current_state(live_server,
                                                                            page: Page):
    empty_the_queue(live_server)
    mine = [issue(live_server) for _ in range(3)][-1]
    phone = open_ticket(live_server, page, mine)
    phone.evaluate("() => { window.sameDocument = true; }")
    expect(status(phone)).to_have_text("Còn 2 người trước ông/bà")
    live_server.stop()
    try:
        expect(phone.locator("#connection")).to_have_text("Mất kết nối – đang kết nối lại…")
    finally:
        live_server.start()
    # Called while the phone was away: no event reaches it; the snapshot must.
    act(live_server, 1, "call-next")
    act(live_server, 2, "call-next")
    act(live_server, 1, "call-next")
    expect(phone.locator("#called-counter")).to_have_text("Quầy 1", timeout=30000)
    expect(phone.locator("#connection")).to_be_hidden()
    assert phone.evaluate("() => window.sameDocument") is True


def test_after_the_phone_sleeps_the_page_shows_what_happened_meanwhile(live_server,
                                                                      page: Page):
    empty_the_queue(live_server)
    mine = [issue(live_server) for _ in range(4)][-1]
    phone = open_ticket(live_server, page, mine)
    expect(status(phone)).to_have_text("Còn 3 người trước ông/bà")
    sleeper = phone.context.new_cdp_session(phone)
    sleeper.send("Page.setWebLifecycleState", {"state": "frozen"})
    live_server.restart()  # asleep, the phone also lost its connection
    act(live_server, 1, "call-next")
    act(live_server, 2, "call-next")
    sleeper.send("Page.setWebLifecycleState", {"state": "active"})
    expect(status(phone)).to_have_text("Còn 1 người trước ông/bà", timeout=30000)
    expect(phone.locator("#connection")).to_be_hidden()


def test_an_unknown_code_gets_a_plain_page_and_no_ticket(live_server, page: Page):
    response = page.goto(f"{live_server.url}/t/not-a-real-code")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Không tìm thấy phiếu")).to_be_visible()
    expect(page.get_by_text("Please scan the QR code")).to_be_visible()
    assert response.headers["referrer-policy"] == "no-referrer"
