"""/province on a phone (Chromium at 390x844) against a real server of a small province, and
the counter console's "shorter wait elsewhere" fed by the same figures."""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Page, expect

from ..support.servers import STAFF_PASSWORD, start_office_server

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
HERE = {"latitude": 12.2487, "longitude": 109.1913}  # the citizen, never sent anywhere
OSM_DAYS = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]
WEEKDAYS_VI = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"]
OFFICE = '''
[[office]]
slug = "{slug}"
name = "{name}"
kind = "{kind}"
address = "{address}"
{location}
opening_hours = "{hours}"
min_seconds_before_no_show = 0
  [[office.service]]
  code = "dat-dai"
  name = "Đất đai"
  prefix = "1"
  booking_capacity = {booking}
  [[office.service]]
  code = "tu-phap"
  name = "Tư pháp – Hộ tịch"
  prefix = "2"
  [[office.counter]]
  number = 1
  services = ["dat-dai", "tu-phap"]
'''


def in_two_days() -> datetime:
    return datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")) + timedelta(days=2)


def province_file() -> str:
    later = OSM_DAYS[in_two_days().weekday()]
    offices = [("thu-nghiem", "Trung tâm xã Thử Nghiệm", "commune", "12 Lê Lợi",
                "location = [12.26, 109.19]", "24/7", 0),
               ("trung-tam", "Trung tâm Phục vụ hành chính công tỉnh", "centre", "1 Trần Phú",
                "location = [12.30, 109.19]", "24/7", 2),
               ("chi-nhanh", "Chi nhánh Cam Ranh", "branch", "5 Hùng Vương",
                "location = [12.25, 109.30]", f"{later} 07:30-11:30", 0),
               ("xa-dong", "Trung tâm xã Đóng", "commune", "", "", "off", 0)]
    return '[province]\nslug = "khanh-hoa"\nname = "Tỉnh Khánh Hòa"\n' + "".join(
        OFFICE.format(slug=slug, name=name, kind=kind, address=address, location=location,
                      hours=hours, booking=booking)
        for slug, name, kind, address, location, hours, booking in offices)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    started = start_office_server(tmp_path_factory.mktemp("live-province"), province_file(),
                                  "thu-nghiem", "canbo", STAFF_PASSWORD)
    for _ in range(4):  # the commune's queue: longer than the centre's empty one
        status, _ticket = started.api("POST", "/api/v1/offices/thu-nghiem/tickets",
                                      {"service": "dat-dai"}, started.tokens["kiosk"])
        assert status == 201
    yield started
    started.stop()


@pytest.fixture
def phone(browser: Browser):
    """A phone-sized page that may read its position, and every request it sends."""
    context = browser.new_context(viewport=PHONE, geolocation=HERE,
                                  permissions=["geolocation"], is_mobile=True, has_touch=True)
    page = context.new_page()
    page.sent = []
    page.on("request", lambda request: page.sent.append(
        f"{request.url} {request.post_data or ''} {request.headers}"))
    yield page
    context.close()


def km(to: tuple[float, float]) -> str:
    """The distance as the page words it, computed here independently."""
    lat1, lon1, lat2, lon2 = map(math.radians, (HERE["latitude"], HERE["longitude"], *to))
    a = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    distance = 2 * 6371 * math.asin(math.sqrt(a))
    return f"{distance:.{1 if distance < 10 else 0}f}".replace(".", ",") + " km"


def cards(page: Page):
    return page.locator("#waits .wait-card")


def test_a_citizen_picks_a_service_and_sees_where_to_go_open_offices_first(server, phone):
    phone.goto(server.url + "/province")
    expect(phone.locator("h1")).to_have_text("Nên đến đâu lúc này?")
    expect(phone.locator(".province-name")).to_have_text("Tỉnh Khánh Hòa")
    phone.get_by_role("link", name="Đất đai").click()
    expect(phone).to_have_url(re.compile(r"/province\?service=dat-dai$"))
    expect(phone.locator("#chosen-name")).to_have_text("Đất đai")
    expect(cards(phone)).to_have_count(4)
    assert [cards(phone).nth(i).get_attribute("data-office") for i in range(4)] == [
        "trung-tam", "thu-nghiem", "chi-nhanh", "xa-dong"]
    best, busy, later, shut = (cards(phone).nth(i) for i in range(4))
    expect(best.locator(".wait-best")).to_have_text("Chờ ít nhất lúc này")
    expect(best.locator(".wait-state")).to_have_text(
        "Đang tiếp nhận · 0 người đang chờ · gần như không phải chờ")
    expect(best.get_by_role("link", name="Đặt lịch hẹn")).to_have_attribute(
        "href", re.compile(r"/dat-lich/trung-tam$"))
    expect(best.locator(".wait-kind")).to_have_text("Trung tâm Phục vụ hành chính công tỉnh")
    expect(busy.locator(".wait-state")).to_have_text(
        re.compile(r"^Đang tiếp nhận · 4 người đang chờ · chờ khoảng \d+ phút$"))
    expect(busy.locator(".wait-address")).to_have_text("12 Lê Lợi")
    expect(busy.get_by_role("link", name="Xem nơi này")).to_have_attribute(
        "href", re.compile(r"/province/thu-nghiem$"))
    day = in_two_days()
    expect(later.locator(".wait-state")).to_have_text(
        f"Đang nghỉ · mở lại lúc 07:30 {WEEKDAYS_VI[day.weekday()]} {day:%d/%m}")
    expect(shut.locator(".wait-state")).to_have_text("Hiện không tiếp nhận việc này")
    # Large enough for a thumb, and nothing wider than the phone.
    assert best.get_by_role("link", name="Đặt lịch hẹn").bounding_box()["height"] >= 48
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_distances_are_measured_on_the_phone_and_the_position_never_leaves_it(server, phone):
    phone.goto(server.url + "/province?service=dat-dai")
    expect(cards(phone)).to_have_count(4)
    expect(phone.locator(".wait-distance")).to_have_count(0)
    phone.get_by_role("button", name="Tính khoảng cách từ chỗ tôi").click()
    expect(phone.locator("#order-distance")).to_have_attribute("aria-pressed", "true")
    expect(cards(phone).first).to_have_attribute("data-office", "thu-nghiem")
    assert [cards(phone).nth(i).get_attribute("data-office") for i in range(4)] == [
        "thu-nghiem", "trung-tam", "chi-nhanh", "xa-dong"]  # no location: last
    expect(cards(phone).nth(0).locator(".wait-distance")).to_have_text(
        f"Cách bạn khoảng {km((12.26, 109.19))}")
    expect(cards(phone).nth(1).locator(".wait-distance")).to_have_text(
        f"Cách bạn khoảng {km((12.30, 109.19))}")
    expect(cards(phone).nth(2).locator(".wait-distance")).to_have_text(
        f"Cách bạn khoảng {km((12.25, 109.30))}")
    expect(cards(phone).nth(3).locator(".wait-distance")).to_have_count(0)
    # The badge stays with the shortest wait whatever the order.
    expect(cards(phone).nth(1).locator(".wait-best")).to_be_visible()
    phone.get_by_role("button", name="Chờ ít nhất", exact=True).click()
    expect(cards(phone).first).to_have_attribute("data-office", "trung-tam")
    phone.wait_for_timeout(200)
    sent = "\n".join(phone.sent)
    assert "/api/v1/waits?service=dat-dai" in sent
    for secret in ("12.2487", "109.1913", "12,2487", "109,1913"):
        assert secret not in sent


def test_the_page_switches_to_english_keeping_the_choice(server, phone):
    phone.goto(server.url + "/province?service=dat-dai")
    expect(cards(phone)).to_have_count(4)
    phone.get_by_role("link", name="English").click()
    expect(phone).to_have_url(re.compile(r"service=dat-dai&lang=en$"))
    expect(phone.locator("h1")).to_have_text("Where to go now?")
    expect(cards(phone).first.locator(".wait-state")).to_have_text(
        "Open now · 0 waiting · almost no wait")
    expect(cards(phone).first.locator(".wait-kind")).to_have_text(
        "Provincial Public Administration Service Centre")
    phone.goto(server.url + "/province?lang=vi")


def test_an_unknown_service_says_so_in_words(server, phone):
    phone.goto(server.url + "/province?service=khong-co")
    expect(phone.locator("#waits-error")).to_have_text(
        "Không nơi nào trong tỉnh tiếp nhận lĩnh vực “khong-co”.")
    expect(cards(phone)).to_have_count(0)


def test_an_office_page_shows_where_it_is_and_its_queues(server, phone):
    phone.goto(server.url + "/province/thu-nghiem")
    expect(phone.locator("#office-name")).to_have_text("Trung tâm xã Thử Nghiệm")
    expect(phone.locator("#office-address")).to_have_text("12 Lê Lợi")
    expect(phone.locator("#office-queues li").first).to_contain_text("4 người đang chờ")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_the_counter_shows_a_shorter_wait_elsewhere_for_the_current_ticket(server, page: Page):
    page.goto(server.url + "/counter/thu-nghiem/1")
    page.get_by_label("Tên đăng nhập").fill("canbo")
    page.get_by_label("Mật khẩu").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_test_id("connection")).to_have_text("Đã kết nối")
    expect(page.get_by_test_id("referral")).to_be_hidden()  # no current ticket
    page.get_by_test_id("call-next").click()
    expect(page.get_by_test_id("current-number")).to_have_text("1001")
    referral = page.get_by_test_id("referral")
    expect(referral).to_be_visible()
    expect(referral).to_contain_text("Nơi khác chờ ít hơn")
    offices = page.get_by_test_id("referral-list").locator("li")
    expect(offices).to_have_count(1)  # the closed ones are no help now
    expect(offices.first).to_have_attribute("data-office", "trung-tam")
    expect(offices.first).to_contain_text("Trung tâm Phục vụ hành chính công tỉnh")
    expect(offices.first).to_contain_text("0 người chờ · khoảng 0 phút · cách đây 4,4 km")
    expect(offices.first).to_contain_text("1 Trần Phú")


def test_the_referral_keeps_open_shorter_waits_within_reach_nearest_first(server, page: Page):
    page.goto(server.url + "/province")  # any page of the server: the module's origin
    here = {"office": "here", "open_now": True, "estimated_wait_s": 1800,
            "location": [12.0, 109.0]}
    offices = [here,
               {"office": "far", "open_now": True, "estimated_wait_s": 60,
                "location": [12.5, 109.0]},          # 55 km: too far to send anyone
               {"office": "closed", "open_now": False, "estimated_wait_s": None,
                "location": [12.0, 109.01]},
               {"office": "longer", "open_now": True, "estimated_wait_s": 2400,
                "location": [12.0, 109.02]},
               {"office": "unplaced", "open_now": True, "estimated_wait_s": 300,
                "location": None},
               {"office": "near", "open_now": True, "estimated_wait_s": 900,
                "location": [12.01, 109.0]},
               {"office": "nearer-but-slow", "open_now": True, "estimated_wait_s": 1700,
                "location": [12.001, 109.0]}]
    kept = page.evaluate("""async (offices) => {
        const module = await import("/web-static/counter-referral.js");
        return module.shorterElsewhere(offices, "here").map((office) => office.office);
    }""", offices)
    assert kept == ["nearer-but-slow", "near", "unplaced"]
