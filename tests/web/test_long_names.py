"""Every screen truncates a name however long it is (older data, other writers): nothing leaves
its box, no button grows past a few lines, and the TV's counter grid keeps equal cells."""

import re
import sqlite3

import pytest
from playwright.sync_api import Page, expect

from ..support.servers import OFFICE_TOML, STAFF_PASSWORD, start_office_server

pytestmark = pytest.mark.browser

OFFICE = "/api/v1/offices/thu-nghiem"
MANAGER_PASSWORD = "mat-khau-lanh-dao-1"
# As seen on a TV: 320 characters with spaces, and one word too long for any line.
LONG_WORDS = "Đất đai " * 40
ONE_WORD = "Quầy" * 80
PRIORITY = "Người cao tuổi " * 21

# Every listed element inside the page's width and at most `lines` lines high.
MEASURE = """([selector, lines]) => [...document.querySelectorAll(selector)]
  .filter((element) => element.getClientRects().length > 0)
  .map((element) => {
    const box = element.getBoundingClientRect();
    const style = getComputedStyle(element);
    const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.3;
    return { text: element.textContent.slice(0, 20), right: box.right, left: box.left,
             width: innerWidth, tooTall: box.height > line * lines + 24 };
  })"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    started = start_office_server(tmp_path_factory.mktemp("long-names"), OFFICE_TOML,
                                  "thu-nghiem", "canbo", STAFF_PASSWORD)
    started.tokens["display"] = started.cli("device", "add", "tv-1", "--kind", "display",
                                            "--office", "thu-nghiem")
    started.cli("user", "add", "lanhdao", "--role", "manager", "--office", "thu-nghiem",
                "--password-stdin", stdin=MANAGER_PASSWORD + "\n")
    with sqlite3.connect(started.folder / "queue.db") as database:
        database.execute("UPDATE offices SET name = ? WHERE slug = 'thu-nghiem'", (LONG_WORDS,))
        database.execute("UPDATE services SET name = ? WHERE code = 'dat-dai'", (LONG_WORDS,))
        database.execute("UPDATE services SET name = ? WHERE code = 'tu-phap'", (ONE_WORD,))
        database.execute("UPDATE counters SET name = ?", (ONE_WORD,))
        database.execute("UPDATE priority_categories SET name = ?", (PRIORITY,))
    started.restart()  # no cached names
    _status, body = started.api("POST", "/api/v1/auth/token",
                                {"username": "canbo", "password": STAFF_PASSWORD})
    started.tokens["staff"] = body["token"]
    yield started
    started.stop()


def take_ticket(server, service="dat-dai") -> dict:
    status, ticket = server.api("POST", OFFICE + "/tickets", {"service": service},
                                server.tokens["kiosk"])
    assert status == 201
    return ticket


def assert_contained(page: Page, selector: str, lines: int) -> None:
    found = page.evaluate(MEASURE, [selector, lines])
    assert found, f"nothing visible matches {selector}"
    for box in found:
        assert box["left"] >= -1 and box["right"] <= box["width"] + 1, (selector, box)
        assert not box["tooTall"], (selector, box)
    offenders = page.evaluate(WIDER_THAN_PAGE)
    assert not offenders, f"{selector}: {offenders}"


# The elements reaching past the page's right edge, by class or id, for the message.
WIDER_THAN_PAGE = """[...document.querySelectorAll("body *")]
  .filter((element) => {
    if (!element.getClientRects().length) return false;
    if (element.getBoundingClientRect().right <= innerWidth + 1) return false;
    for (let box = element.parentElement; box; box = box.parentElement) {
      const clipped = getComputedStyle(box).overflowX !== "visible";
      if (clipped && box.getBoundingClientRect().right <= innerWidth + 1) return false;
    }
    return true;
  })
  .filter((element, _, all) => !all.some((other) => other !== element && element.contains(other)))
  .map((element) => `${element.id || element.className || element.tagName}`
    + ` ${Math.round(element.getBoundingClientRect().right)}`).slice(0, 30)"""


def log_in(page: Page, username: str, password: str) -> None:
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()


@pytest.mark.parametrize("size", [(1080, 1920), (1920, 1080), (800, 1280)])
def test_the_kiosk_clamps_names_in_its_buttons_and_on_the_ticket(server, page: Page, size):
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(f"{server.url}/kiosk/thu-nghiem?token={server.tokens['kiosk']}")
    expect(page.locator(".service-button")).to_have_count(2)
    assert_contained(page, ".service-name", 3)
    assert_contained(page, ".office-name", 2)
    assert_contained(page, ".priority-who", 2)
    page.locator(".priority-button").click()
    assert_contained(page, ".category-name", 3)
    page.locator(".category-button").first.click()
    assert_contained(page, "#priority-chosen", 2)
    page.locator(".service-button").first.click()
    expect(page.locator("#ticket-number")).to_be_visible()
    assert_contained(page, "#ticket-service", 2)
    assert_contained(page, "#ticket-priority", 2)


def test_the_display_keeps_its_grid_and_truncates_names(server, page: Page):
    page.set_viewport_size({"width": 1920, "height": 1080})
    take_ticket(server)
    server.api("POST", f"{OFFICE}/counters/1/call-next", token=server.tokens["staff"])
    page.goto(f"{server.url}/display/thu-nghiem?token={server.tokens['display']}")
    expect(page.locator(".counter")).to_have_count(2)
    widths = page.locator(".counter").evaluate_all(
        "cards => cards.map((card) => Math.round(card.getBoundingClientRect().width))")
    assert max(widths) - min(widths) <= 2, widths
    assert_contained(page, ".counter-name", 1)
    assert_contained(page, ".waiting-name", 1)
    assert_contained(page, "#office-name", 2)


def test_the_counter_console_truncates_names(server, page: Page):
    page.set_viewport_size({"width": 1366, "height": 768})
    take_ticket(server)
    take_ticket(server, "tu-phap")
    page.goto(f"{server.url}/counter/thu-nghiem/2")
    log_in(page, "canbo", STAFF_PASSWORD)
    expect(page.get_by_test_id("connection")).to_have_text("Đã kết nối")
    expect(page.get_by_test_id("waiting-list").locator("li")).not_to_have_count(0)
    assert_contained(page, ".waiting-service", 1)
    assert_contained(page, ".badge-priority", 1)
    page.get_by_test_id("call-next").click()
    expect(page.get_by_test_id("current-number")).not_to_have_text("")
    assert_contained(page, "#current-service", 2)
    assert_contained(page, "header", 3)


def test_the_dashboard_truncates_names(server, page: Page):
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{server.url}/dashboard/thu-nghiem")
    log_in(page, "lanhdao", MANAGER_PASSWORD)
    expect(page.get_by_test_id("connection")).to_have_text("Trực tiếp")
    expect(page.locator("body")).to_have_attribute("data-report-loaded", re.compile(r"\d"))
    offenders = page.evaluate(WIDER_THAN_PAGE)
    assert not offenders, offenders
    assert_contained(page, "header", 3)


def test_the_ticket_page_truncates_names_on_a_phone(server, page: Page):
    page.set_viewport_size({"width": 360, "height": 740})
    ticket = take_ticket(server, "tu-phap")
    page.goto(f"{server.url}/t/{ticket['code']}")
    expect(page.locator("#number")).to_have_text(ticket["number"])
    assert_contained(page, "#service", 3)
    assert_contained(page, ".bar-title", 2)
