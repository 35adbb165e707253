"""The TV when six counters call at once: the banner shows the number being spoken, every
call stays on screen until spoken, and the sentence gets shorter while calls queue up."""

import threading
import time

import pytest
from playwright.sync_api import Page, expect

from .conftest import STAFF_PASSWORD, start_office_server

pytestmark = pytest.mark.browser

COUNTERS = 6
OFFICE = "/api/v1/offices/sau-quay"
# Measured on the test machine with the voice pack built by espeak-ng: six full sentences
# took about 45 s; six brief ones, each kept on screen at least 3 s, about 20 s.
ALL_SPOKEN_WITHIN_S = 30

OFFICE_TOML = "\n".join([
    '[[office]]\nslug = "sau-quay"\nname = "Sáu quầy"\nopening_hours = "24/7"\n',
    '  [[office.service]]\n  code = "dat-dai"\n  name = "Đất đai"\n  prefix = "1"\n',
    *(f'  [[office.counter]]\n  number = {number}\n  name = "Quầy {number}"\n'
      f'  services = ["dat-dai"]\n' for number in range(1, COUNTERS + 1)),
])

# Logs every announcement played with the number the banner shows at that instant.
PROBE = """
window.plays = [];
const realPlay = HTMLMediaElement.prototype.play;
HTMLMediaElement.prototype.play = function () {
  const address = new URL(this.src);
  const banner = document.getElementById("call-banner");
  window.plays.push([address.pathname.split("/").pop() + address.search,
                     banner.hidden ? null : document.getElementById("call-number").textContent]);
  return realPlay.call(this);
};
"""


@pytest.fixture(scope="module")
def six_counters(tmp_path_factory):
    server = start_office_server(tmp_path_factory.mktemp("burst"), OFFICE_TOML, "sau-quay",
                                 "canbo", STAFF_PASSWORD)
    yield server
    server.stop()


def visible_calls(page: Page) -> list[str]:
    """The number on the banner, then those queued under it."""
    return page.evaluate("""() => [document.getElementById("call-number").textContent,
        ...[...document.querySelectorAll("#call-queue .call-next-number")].map(
            (item) => item.textContent)]""")


def test_six_calls_at_once_are_each_shown_while_spoken_and_all_spoken_soon(six_counters,
                                                                           page: Page):
    server = six_counters
    page.add_init_script(PROBE)
    page.goto(server.url + "/display/sau-quay")
    expect(page.locator(f'.counter[data-counter="{COUNTERS}"]')).to_be_visible()
    expect(page.locator("#offline")).to_be_hidden()
    for _ in range(COUNTERS):
        assert server.api("POST", OFFICE + "/tickets", {"service": "dat-dai"},
                          server.tokens["kiosk"])[0] == 201
    called: dict[int, str] = {}

    def press(counter: int) -> None:
        status, ticket = server.api("POST", f"{OFFICE}/counters/{counter}/call-next",
                                    token=server.tokens["staff"])
        assert status == 200
        called[counter] = ticket["number"]

    started = time.monotonic()
    presses = [threading.Thread(target=press, args=(n,)) for n in range(1, COUNTERS + 1)]
    for thread in presses:
        thread.start()
    for thread in presses:
        thread.join()
    # Once all have arrived, every call not yet spoken is on screen: banner or queue. The
    # answers can come back before the last events reach the page, so wait for them to land.
    expect(page.locator("#call-queue .call-next")).not_to_have_count(0)
    deadline = time.monotonic() + 5
    while True:
        shown = [number for number in visible_calls(page) if number]
        announced = int(page.locator("body").get_attribute("data-announced") or 0)
        if len(shown) + announced >= COUNTERS - 1 or time.monotonic() > deadline:
            break
        page.wait_for_timeout(50)
    assert len(shown) + announced >= COUNTERS - 1  # the first may have ended meanwhile
    expect(page.locator("body")).to_have_attribute("data-announced", str(COUNTERS),
                                                   timeout=120000)
    elapsed = time.monotonic() - started
    print(f"\n{COUNTERS} calls at once: all spoken within {elapsed:.1f} s")
    plays = [(what, shown) for what, shown in page.evaluate("() => window.plays")
             if what.startswith("announcement.wav")]
    assert len(plays) == COUNTERS
    # The banner shows each number while its announcement plays.
    for what, shown in plays:
        assert shown == what.split("number=")[1].split("&")[0], (what, shown)
    # While calls queue up the sentence is the brief one.
    assert sum("brief=1" in what for what, _shown in plays) >= COUNTERS - 1
    assert sorted(what.split("number=")[1].split("&")[0] for what, _shown in plays) == sorted(
        called.values())
    assert elapsed <= ALL_SPOKEN_WITHIN_S
    expect(page.locator("#call-banner")).to_be_hidden(timeout=15000)
