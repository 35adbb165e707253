"""The kiosk's ticket screen fits the screen it runs on: "Xong" and its countdown are on screen
without scrolling, in landscape as in portrait, with a printer message and the SMS offer too."""

import pytest
from playwright.sync_api import Page, expect

from ..support.servers import OFFICE_TOML, STAFF_PASSWORD, start_office_server

pytestmark = pytest.mark.browser

KIOSK = "/kiosk/thu-nghiem"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The test office with an SMS gateway, so the ticket also offers a text message."""
    started = start_office_server(tmp_path_factory.mktemp("kiosk-fits"), OFFICE_TOML,
                                  "thu-nghiem", "canbo", STAFF_PASSWORD,
                                  QUEUE_SMS_GATEWAY_URL="http://127.0.0.1:9/sms")
    yield started
    started.stop()


def on_screen(page: Page, selector: str) -> dict:
    return page.locator(selector).evaluate("""(element) => {
        const box = element.getBoundingClientRect();
        return { top: box.top, bottom: box.bottom, height: box.height,
                 viewport: innerHeight, text: element.textContent.trim() };
    }""")


# Pairs of the ticket screen's visible parts whose boxes overlap.
OVERLAPS = """(screen) => {
  const parts = [...screen.children].filter((part) => part.getClientRects().length);
  const found = [];
  parts.forEach((one, index) => parts.slice(index + 1).forEach((other) => {
    const a = one.getBoundingClientRect(), b = other.getBoundingClientRect();
    const across = a.left < b.right - 1 && b.left < a.right - 1;
    if (across && a.top < b.bottom - 1 && b.top < a.bottom - 1) {
      found.push(`${one.className} / ${other.className}`);
    }
  }));
  return found;
}"""


@pytest.mark.parametrize("note", ["ticket-printed", "printer-error"])
@pytest.mark.parametrize("width, height", [(1920, 1080), (1366, 768), (1280, 1024),
                                           (1080, 1920), (768, 1366)])
def test_done_and_its_countdown_are_on_screen_without_scrolling(server, page: Page, width,
                                                                height, note):
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{server.url}{KIOSK}?token={server.tokens['kiosk']}")
    page.locator(".service-button").first.click()
    expect(page.locator("#ticket-number")).to_be_visible()
    # The longest the screen gets: a printer note (printed, or its fault) and the SMS offer.
    page.evaluate(f"document.getElementById('{note}').hidden = false")
    page.evaluate("document.getElementById('sms-offer').hidden = false")
    page.wait_for_timeout(300)
    done, countdown = on_screen(page, "#ticket-done"), on_screen(page, "#ticket-countdown")
    assert done["text"] == "Xong" and done["height"] >= 80
    assert done["bottom"] <= height, done
    assert countdown["text"] and countdown["top"] >= 0 and countdown["bottom"] <= height, countdown
    assert page.locator("main").evaluate("main => main.scrollHeight <= main.clientHeight + 1")
    assert page.locator("#screen-ticket").evaluate(OVERLAPS) == []
    qr = on_screen(page, "#ticket-qr")
    assert qr["height"] >= 200 and qr["bottom"] <= height, qr
    number = page.locator("#ticket-number").evaluate(
        "element => parseFloat(getComputedStyle(element).fontSize)")
    assert number >= 100
