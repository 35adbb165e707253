"""The kiosk in Chromium against a real server: pairing, one tap makes one ticket, the QR code."""

import json
import re

import pytest
from playwright.sync_api import Page, Route, expect

pytestmark = pytest.mark.browser

OFFICE = "/api/v1/offices/thu-nghiem"
KIOSK = "/kiosk/thu-nghiem"
TICKETS = re.compile(r".*/api/v1/offices/thu-nghiem/tickets$")


def waiting(server, service: str = "dat-dai") -> int:
    status, services = server.api("GET", OFFICE + "/services")
    assert status == 200
    return next(item["waiting"] for item in services if item["code"] == service)


def service_button(page: Page, code: str = "dat-dai"):
    return page.locator(f'.service-button[data-service="{code}"]')


def shown_ticket_code(page: Page) -> str:
    expect(page.locator("#ticket-qr")).to_have_attribute("src", re.compile(r"/qr\.svg$"))
    source = page.locator("#ticket-qr").get_attribute("src")
    return re.search(r"/api/v1/tickets/([^/]+)/qr\.svg$", source).group(1)


@pytest.fixture
def kiosk(live_server, page: Page) -> Page:
    """The paired kiosk of office thu-nghiem, loaded and ready for a tap."""
    page.goto(f"{live_server.url}{KIOSK}?token={live_server.tokens['kiosk']}")
    expect(service_button(page)).to_be_enabled()
    return page


@pytest.fixture(scope="module")
def closed_office_kiosk_token(live_server) -> str:
    return live_server.cli("device", "add", "kiosk-dong-cua", "--kind", "kiosk",
                           "--office", "dong-cua")


def test_tapping_a_service_shows_the_ticket_and_its_qr_code_at_once(live_server, kiosk):
    before = waiting(live_server)
    service_button(kiosk).click()
    number = kiosk.locator("#ticket-number")
    expect(number).to_be_visible()
    status, ticket = live_server.api("GET", f"/api/v1/tickets/{shown_ticket_code(kiosk)}")
    assert status == 200
    expect(number).to_have_text(ticket["number"])
    expect(kiosk.locator("#ticket-service")).to_have_text("Đất đai")
    expect(kiosk.locator("#ticket-counters")).to_have_text("1, 2")
    expect(kiosk.locator("#ticket-issued")).to_have_text(re.compile(r"^\d\d:\d\d \d\d/\d\d/\d{4}$"))
    expect(kiosk.locator("#ticket-ahead")).not_to_be_empty()
    expect(kiosk.locator("#ticket-wait")).not_to_be_empty()
    expect(kiosk.locator("#printer-error")).to_be_hidden()
    assert kiosk.locator("#ticket-qr").evaluate("img => img.complete && img.naturalWidth > 0")
    svg = kiosk.request.get(kiosk.locator("#ticket-qr").evaluate("img => img.src"))
    assert svg.ok and svg.headers["content-type"].startswith("image/svg+xml")
    assert svg.text().startswith("<svg")
    assert waiting(live_server) == before + 1


def test_the_pairing_token_leaves_the_address_and_the_kiosk_keeps_working_without_it(
        live_server, kiosk):
    expect(kiosk).to_have_url(live_server.url + KIOSK)
    kiosk.goto(live_server.url + KIOSK)
    expect(service_button(kiosk)).to_be_enabled()
    expect(kiosk.locator("#screen-unpaired")).to_be_hidden()


def test_a_double_tap_makes_one_ticket(live_server, kiosk):
    before = waiting(live_server)
    service_button(kiosk).dblclick()
    expect(kiosk.locator("#ticket-number")).to_be_visible()
    assert waiting(live_server) == before + 1


def test_a_retry_after_a_lost_answer_reuses_the_key_and_makes_one_ticket(live_server, kiosk):
    before = waiting(live_server)
    keys: list[str] = []
    first_answer: dict = {}

    def lose_the_first_answer(route: Route) -> None:
        keys.append(route.request.headers["idempotency-key"])
        if len(keys) == 1:
            first_answer.update(route.fetch().json())  # the server issues the ticket...
            route.abort("connectionreset")  # ...but the kiosk never hears back
        else:
            route.continue_()

    kiosk.route(TICKETS, lose_the_first_answer)
    service_button(kiosk).click()
    expect(kiosk.locator("#ticket-number")).to_be_visible(timeout=15000)
    expect(kiosk.locator("#ticket-number")).to_have_text(first_answer["number"])
    assert len(keys) == 2 and keys[0] == keys[1]
    assert waiting(live_server) == before + 1


def test_each_tap_intent_gets_its_own_key(live_server, kiosk):
    keys: list[str] = []
    # Only ticket requests: Socket.IO's long-polling POSTs carry no key and come and go.
    kiosk.on("request", lambda request: keys.append(request.headers.get("idempotency-key"))
             if request.method == "POST" and TICKETS.match(request.url) else None)
    for _ in range(2):
        service_button(kiosk).click()
        expect(kiosk.locator("#ticket-number")).to_be_visible()
        kiosk.get_by_role("button", name="Xong").click()
        expect(service_button(kiosk)).to_be_enabled()
    assert len(keys) == 2 and keys[0] != keys[1]


def test_an_unpaired_kiosk_says_so_and_issues_nothing(live_server, page: Page):
    before = waiting(live_server)
    posts = []
    page.on("request", lambda request: posts.append(request) if request.method == "POST" else None)
    page.goto(live_server.url + KIOSK)
    expect(page.get_by_role("heading", name="Ki-ốt chưa được kích hoạt")).to_be_visible()
    expect(page.locator(".service-button")).to_have_count(0)
    page.goto(f"{live_server.url}{KIOSK}?token=d_not-a-real-token")
    expect(page.get_by_role("heading", name="Ki-ốt chưa được kích hoạt")).to_be_visible()
    expect(page.locator(".service-button")).to_have_count(0)
    assert posts == [] and waiting(live_server) == before


def test_a_kiosk_of_another_office_is_not_paired_here(live_server, page: Page,
                                                      closed_office_kiosk_token):
    page.goto(f"{live_server.url}{KIOSK}?token={closed_office_kiosk_token}")
    expect(page.get_by_role("heading", name="Ki-ốt chưa được kích hoạt")).to_be_visible()


def test_a_closed_office_says_so_plainly_and_offers_no_buttons(live_server, page: Page,
                                                              closed_office_kiosk_token):
    page.goto(f"{live_server.url}/kiosk/dong-cua?token={closed_office_kiosk_token}")
    expect(page.locator("#closed-text")).to_have_text(
        re.compile(r"^Hiện ngoài giờ tiếp nhận\. Mời quay lại"))
    expect(page.locator(".service-button")).to_have_count(0)
    expect(page.locator("#priority-button")).to_be_hidden()


def test_a_refusal_shows_the_servers_message_in_large_text(live_server, kiosk):
    refusal = "Lĩnh vực Đất đai đã hết số hôm nay. Mời quay lại lúc 07:30 thứ Sáu, 27/11/2026."
    kiosk.route(TICKETS, lambda route: route.fulfill(status=409, json={
        "error": {"code": "daily_capacity_reached", "message": refusal}}))
    service_button(kiosk).click()
    message = kiosk.locator("#message-text")
    expect(message).to_have_text(refusal)
    assert message.evaluate("e => parseFloat(getComputedStyle(e).fontSize)") >= 32
    kiosk.get_by_role("button", name="Quay lại").click()
    expect(service_button(kiosk)).to_be_enabled()


def answer_with_print(kiosk: Page, print_field: object) -> None:
    """Make the issue answer carry this "print" field (what the printing side reports)."""
    def rewrite(route: Route) -> None:
        answer = route.fetch()
        route.fulfill(response=answer, body=json.dumps({**answer.json(), "print": print_field}))

    kiosk.route(TICKETS, rewrite)


def test_a_printer_fault_asks_to_photograph_the_qr_code(live_server, kiosk):
    answer_with_print(kiosk, {"status": "printer_error", "reason": "offline"})
    service_button(kiosk).click()
    expect(kiosk.locator("#printer-error")).to_have_text(
        "Máy in đang gặp sự cố — vui lòng chụp ảnh mã QR")
    expect(kiosk.locator("#ticket-qr")).to_be_visible()
    expect(kiosk.locator("#ticket-printed")).to_be_hidden()


@pytest.mark.parametrize("print_field, printed_line_shown", [
    ({"status": "queued", "printer": "may-in-1"}, True),
    ({"status": "no_printer"}, False),
    ("unexpected", False),
    (None, False),
])
def test_other_print_outcomes_never_claim_a_fault(live_server, kiosk, print_field,
                                                  printed_line_shown):
    answer_with_print(kiosk, print_field)
    service_button(kiosk).click()
    expect(kiosk.locator("#ticket-number")).to_be_visible()
    expect(kiosk.locator("#printer-error")).to_be_hidden()
    expect(kiosk.locator("#ticket-printed")).to_be_visible(visible=printed_line_shown)


def test_the_priority_path_asks_for_the_category_first(live_server, kiosk):
    kiosk.get_by_role("button", name=re.compile("^Ưu tiên")).click()
    kiosk.get_by_role("button", name="Người cao tuổi (từ 60 tuổi)").click()
    expect(kiosk.locator("#priority-banner")).to_contain_text("Người cao tuổi")
    service_button(kiosk, "tu-phap").click()
    expect(kiosk.locator("#ticket-priority")).to_be_visible()
    _status, ticket = live_server.api("GET", f"/api/v1/tickets/{shown_ticket_code(kiosk)}")
    assert ticket["priority"] == "elderly" and ticket["service"] == "tu-phap"


def test_english_is_one_tap_away_and_the_next_person_starts_in_vietnamese(live_server, kiosk):
    kiosk.get_by_role("button", name="English").click()
    expect(kiosk.locator("#prompt")).to_have_text("Please choose the service you need")
    service_button(kiosk).click()
    expect(kiosk.get_by_text("Your number", exact=True)).to_be_visible()
    kiosk.get_by_role("button", name="Done").click()
    expect(kiosk.locator("#prompt")).to_have_text("Mời chọn lĩnh vực cần giải quyết")


def test_the_ticket_screen_returns_to_the_start_by_itself(live_server, page: Page):
    page.clock.install()
    page.goto(f"{live_server.url}{KIOSK}?token={live_server.tokens['kiosk']}")
    expect(service_button(page)).to_be_enabled()
    service_button(page).click()
    expect(page.locator("#ticket-number")).to_be_visible()
    page.clock.run_for(16000)
    expect(page.locator("#screen-start")).to_be_visible()
    expect(page.locator("#ticket-number")).to_be_hidden()


@pytest.mark.parametrize("width, height", [(1080, 1920), (1920, 1080)])
def test_service_buttons_are_big_on_portrait_and_landscape_screens(live_server, page: Page,
                                                                   width, height):
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{live_server.url}{KIOSK}?token={live_server.tokens['kiosk']}")
    expect(service_button(page)).to_be_enabled()
    for button in page.locator(".service-button, .priority-button").all():
        box = button.bounding_box()
        assert box["height"] >= 96 and box["y"] + box["height"] <= height
    name_size = service_button(page).locator(".service-name").evaluate(
        "e => parseFloat(getComputedStyle(e).fontSize)")
    assert name_size >= 40


def test_the_kiosk_shows_it_is_reconnecting_and_recovers_by_itself(live_server, kiosk):
    live_server.stop()
    try:
        expect(kiosk.locator("#connection")).to_contain_text("Đang kết nối lại…")
        expect(service_button(kiosk)).to_be_disabled()
    finally:
        live_server.start()
    expect(kiosk.locator("#connection")).to_be_hidden(timeout=30000)
    service_button(kiosk).click()
    expect(kiosk.locator("#ticket-number")).to_be_visible()
