"""The waiting-room display in Chromium against a real server: calls, voice, restarts."""

import re

import pytest
from playwright.sync_api import Page, expect

from queue_server.voice import read_ticket_number

pytestmark = pytest.mark.browser

OFFICE = "/api/v1/offices/thu-nghiem"
DISPLAY = "/display/thu-nghiem"

# Logs every play() and every end of playback, so a test can see announcements never overlap;
# until window.soundAllowed is set by a tap, play() is refused as an autoplay policy would.
AUDIO_PROBE = """
window.audioLog = [];
const realPlay = HTMLMediaElement.prototype.play;
HTMLMediaElement.prototype.play = function () {
  if (window.blockSound && !window.soundAllowed) {
    return Promise.reject(new DOMException("blocked", "NotAllowedError"));
  }
  const address = new URL(this.src);
  window.audioLog.push("play " + address.pathname.split("/").pop() + address.search);
  this.addEventListener("ended", () => window.audioLog.push("ended"), { once: true });
  return realPlay.call(this);
};
document.addEventListener("pointerdown", () => { window.soundAllowed = true; }, true);
"""


def issue(server, service: str = "dat-dai") -> dict:
    status, ticket = server.api("POST", OFFICE + "/tickets", {"service": service},
                                server.tokens["kiosk"])
    assert status == 201
    return ticket


def call_next(server, counter: int) -> dict:
    status, ticket = server.api("POST", f"{OFFICE}/counters/{counter}/call-next",
                                token=server.tokens["staff"])
    assert status == 200
    return ticket


def recall(server, counter: int) -> dict:
    status, ticket = server.api("POST", f"{OFFICE}/counters/{counter}/recall",
                                token=server.tokens["staff"])
    assert status == 200
    return ticket


def empty_the_queue(server) -> None:
    for counter in (1, 2):
        while server.api("POST", f"{OFFICE}/counters/{counter}/call-next",
                         token=server.tokens["staff"])[0] == 200:
            pass


def counter_number(page: Page, counter: int):
    return page.locator(f'.counter[data-counter="{counter}"] .counter-number')


def is_announcement(number: str, counter: int):
    def matches(request) -> bool:
        return (f"{OFFICE}/announcement.wav" in request.url
                and f"number={number}&counter={counter}" in request.url)
    return matches


def open_display(server, page: Page, query: str = "") -> Page:
    page.add_init_script(AUDIO_PROBE)
    page.goto(server.url + DISPLAY + query)
    expect(page.locator('.counter[data-counter="2"]')).to_be_visible()
    expect(page.locator("#offline")).to_be_hidden()
    return page


@pytest.fixture
def display(live_server, page: Page) -> Page:
    """The display of office thu-nghiem with an empty queue, subscribed to its board."""
    empty_the_queue(live_server)
    return open_display(live_server, page)


def test_a_call_shows_on_the_display_and_requests_its_announcement(live_server, display):
    ticket = issue(live_server)
    with display.expect_request(is_announcement(ticket["number"], 1)) as announcement:
        call_next(live_server, 1)
    expect(counter_number(display, 1)).to_have_text(ticket["number"])
    expect(display.locator("#call-banner")).to_be_visible()
    expect(display.locator("#call-number")).to_have_text(ticket["number"])
    expect(display.locator("#call-counter")).to_have_text("đến Quầy 1")
    expect(display.locator(".recent-item").first).to_contain_text(ticket["number"])
    response = announcement.value.response()
    assert response is not None and response.ok
    assert response.header_value("content-type") == "audio/wav"
    expect(display.locator("body")).to_have_attribute("data-announced", "1", timeout=20000)


def test_announcements_queue_up_and_never_overlap(live_server, display):
    first, second = issue(live_server), issue(live_server)
    call_next(live_server, 1)
    call_next(live_server, 2)
    expect(display.locator("body")).to_have_attribute("data-announced", "2", timeout=30000)
    log = display.evaluate("() => window.audioLog")
    # Every play ends (a brief call after the chime starts as the chime ends).
    assert log.count("ended") == len(log) // 2 and log[-1] == "ended"
    spoken = [entry.split("&brief")[0] for entry in log if "announcement.wav" in entry]
    assert spoken == [f"play announcement.wav?number={first['number']}&counter=1",
                      f"play announcement.wav?number={second['number']}&counter=2"]


def test_a_recall_is_announced_again(live_server, display):
    ticket = issue(live_server)
    call_next(live_server, 1)
    expect(display.locator("body")).to_have_attribute("data-announced", "1", timeout=20000)
    recall(live_server, 1)
    expect(display.locator("#call-invite")).to_have_text("Mời lại công dân có số")
    expect(display.locator("body")).to_have_attribute("data-announced", "2", timeout=20000)
    plays = [entry for entry in display.evaluate("() => window.audioLog")
             if entry.startswith("play")]
    assert plays == [f"play announcement.wav?number={ticket['number']}&counter=1"] * 2
    # The recall moves the number to the top instead of listing it twice.
    expect(display.locator(".recent-item", has_text=ticket["number"])).to_have_count(1)


def test_after_a_server_restart_the_display_shows_the_next_call_without_reloading(
        live_server, display):
    display.evaluate("() => { window.sameDocument = true; }")
    live_server.restart()
    ticket = issue(live_server)
    with display.expect_request(is_announcement(ticket["number"], 2), timeout=30000):
        call_next(live_server, 2)
        expect(counter_number(display, 2)).to_have_text(ticket["number"], timeout=30000)
    expect(display.locator("#offline")).to_be_hidden()
    assert display.evaluate("() => window.sameDocument") is True


def test_offline_it_says_mat_ket_noi_and_announces_calls_missed_meanwhile(live_server, display):
    ticket = issue(live_server)
    live_server.stop()
    try:
        expect(display.locator("#offline")).to_have_text("Mất kết nối")
        expect(counter_number(display, 1)).to_have_text("—")
    finally:
        live_server.start()
    # Called before the display is back: the snapshot brings it and it is still announced.
    with display.expect_request(is_announcement(ticket["number"], 1), timeout=30000):
        call_next(live_server, 1)
        expect(counter_number(display, 1)).to_have_text(ticket["number"], timeout=30000)
    expect(display.locator("#offline")).to_be_hidden()


def test_when_the_voice_fails_the_chime_plays_and_the_call_still_shows(live_server, display):
    display.route(re.compile(r".*/announcement\.wav\?.*"), lambda route: route.fulfill(
        status=503, json={"error": {"code": "voice_unavailable", "message": "no voice"}}))
    ticket = issue(live_server)
    with display.expect_request(re.compile(r".*/api/v1/chime\.wav$"), timeout=20000):
        call_next(live_server, 1)
    expect(counter_number(display, 1)).to_have_text(ticket["number"])
    expect(display.locator("body")).to_have_attribute("data-announced", "1", timeout=20000)


def test_when_the_browser_refuses_sound_one_tap_turns_it_on(live_server, page: Page):
    empty_the_queue(live_server)
    page.add_init_script("window.blockSound = true;")
    display = open_display(live_server, page)
    ticket = issue(live_server)
    call_next(live_server, 1)
    prompt = display.get_by_role("button", name=re.compile("Bấm để bật âm thanh"))
    expect(prompt).to_be_visible()
    expect(counter_number(display, 1)).to_have_text(ticket["number"])  # calls still show
    prompt.click()
    expect(prompt).to_be_hidden()
    expect(display.locator("body")).to_have_attribute("data-announced", "1", timeout=20000)


def test_waiting_counts_notice_and_clock_are_shown(live_server, display):
    waiting = display.locator(".waiting-item", has_text="Đất đai").locator(".waiting-count")
    expect(waiting).to_have_text("0")
    issue(live_server)
    issue(live_server)
    expect(waiting).to_have_text("2")
    expect(display.locator("#ticker-text")).to_have_text("Công dân vui lòng giữ trật tự.")
    expect(display.locator("#clock-time")).to_have_text(re.compile(r"^\d\d:\d\d$"))
    expect(display.locator("#office-name")).to_have_text("Bộ phận Một cửa – Xã Thử Nghiệm")


def test_the_list_of_last_calls_stays_short_however_many_calls_come(live_server, page: Page):
    empty_the_queue(live_server)
    display = open_display(live_server, page, "?voice=off")
    tickets = [issue(live_server) for _ in range(9)]
    for index in range(len(tickets)):
        call_next(live_server, 1 + index % 2)
    expect(display.locator(".recent-item").first).to_contain_text(tickets[-1]["number"])
    assert display.locator(".recent-item").count() <= 6
    for item in display.locator(".recent-item").all():
        box = item.bounding_box()
        assert box is None or box["y"] + box["height"] <= 720  # no call is cut off


@pytest.mark.parametrize("width, height", [(1366, 768), (1920, 1080)])
def test_serving_numbers_are_large_enough_to_read_across_a_hall(live_server, page: Page,
                                                               width, height):
    empty_the_queue(live_server)
    page.set_viewport_size({"width": width, "height": height})
    display = open_display(live_server, page, "?voice=off")
    ticket = issue(live_server)
    call_next(live_server, 1)
    number = counter_number(display, 1)
    expect(number).to_have_text(ticket["number"])
    assert number.evaluate("e => parseFloat(getComputedStyle(e).fontSize)") >= height / 6
    box = number.bounding_box()
    assert box["x"] + box["width"] <= width and box["y"] + box["height"] <= height


def test_the_browser_voice_option_speaks_the_servers_sentence_after_the_chime(live_server,
                                                                              page: Page):
    empty_the_queue(live_server)
    page.add_init_script("""
      window.spoken = [];
      Object.defineProperty(window, "speechSynthesis", { value: {
        getVoices: () => [{ lang: "vi-VN", name: "test voice" }],
        speak: (utterance) => {
          window.spoken.push([utterance.lang, utterance.text]);
          setTimeout(() => utterance.onend && utterance.onend(), 10);
        },
      } });
    """)
    display = open_display(live_server, page, "?voice=browser")
    ticket = issue(live_server)
    call_next(live_server, 1)
    expect(display.locator("body")).to_have_attribute("data-announced", "1", timeout=20000)
    spoken = f"Mời công dân có số {read_ticket_number(ticket['number'])} đến quầy số một"
    assert display.evaluate("() => window.spoken") == [["vi-VN", spoken]]
    assert display.evaluate("() => window.audioLog") == ["play chime.wav", "ended"]


def test_a_finish_and_the_waiting_counts_update_in_place_from_the_events(live_server, display):
    first, _second = issue(live_server), issue(live_server)
    waiting = display.locator(".waiting-item", has_text="Đất đai").locator(".waiting-count")
    expect(waiting).to_have_text("2")
    call_next(live_server, 1)
    expect(counter_number(display, 1)).to_have_text(first["number"])
    expect(waiting).to_have_text("1", timeout=1000)
    status, _ = live_server.api("POST", f"{OFFICE}/counters/1/finish",
                                token=live_server.tokens["staff"])
    assert status == 200
    # Applied from the event itself: a snapshot round trip would come 1.5 s or more later.
    expect(counter_number(display, 1)).not_to_have_text(first["number"], timeout=1000)


def test_chromiums_websocket_goes_uncompressed_and_still_carries_calls(live_server, page: Page):
    # Chromium offers permessage-deflate on every WebSocket; the server declines it, so a
    # display costs no zlib compressor on the server (see queue_server/__init__.py).
    empty_the_queue(live_server)
    handshakes: dict[str, list[dict]] = {"request": [], "response": []}
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.on("Network.webSocketWillSendHandshakeRequest",
           lambda event: handshakes["request"].append(event["request"]["headers"]))
    cdp.on("Network.webSocketHandshakeResponseReceived",
           lambda event: handshakes["response"].append(event["response"]))
    open_display(live_server, page)
    for _ in range(100):
        if handshakes["response"]:
            break
        page.wait_for_timeout(100)
    assert handshakes["response"], "the display never opened its WebSocket"
    offered = {key.lower(): value for key, value in handshakes["request"][0].items()}
    assert "permessage-deflate" in offered.get("sec-websocket-extensions", "")
    answer = handshakes["response"][0]
    assert answer["status"] == 101
    assert "sec-websocket-extensions" not in {key.lower() for key in answer["headers"]}
    ticket = issue(live_server)
    call_next(live_server, 1)
    expect(counter_number(page, 1)).to_have_text(ticket["number"])
