"""The manager's dashboard in Chromium against a real server: charts drawn with data, the live
part updated over Socket.IO when a counter calls, the inbox answered, the officer report."""

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

OFFICE = "/api/v1/offices/thu-nghiem"
DASHBOARD = "/dashboard/thu-nghiem"
MANAGER_PASSWORD = "mat-khau-lanh-dao-1"


def staff_post(server, path: str, body: dict | None = None) -> dict | None:
    status, answer = server.api("POST", OFFICE + path, body, server.tokens["staff"])
    assert status in (200, 201, 204), (path, status, answer)
    return answer


def serve_one(server, service: str = "dat-dai", rating: int | None = None, **feedback) -> dict:
    status, ticket = server.api("POST", OFFICE + "/tickets", {"service": service},
                                server.tokens["kiosk"])
    assert status == 201
    while staff_post(server, "/counters/2/call-next")["code"] != ticket["code"]:
        pass
    staff_post(server, "/counters/2/finish")
    if rating is not None:
        status, _ = server.api("POST", f"/api/v1/tickets/{ticket['code']}/feedback",
                               {"rating": rating, **feedback})
        assert status == 201
    return ticket


@pytest.fixture(scope="module")
def manager(live_server):
    live_server.cli("user", "add", "lanhdao", "--role", "manager", "--office", "thu-nghiem",
                    "--password-stdin", stdin=MANAGER_PASSWORD + "\n")
    serve_one(live_server, rating=5, visits="first")
    commented = serve_one(live_server, "tu-phap", rating=2, reasons=["waiting_time"],
                          comment="<b>Chờ lâu</b> quá")
    live_server.tokens["commented_ticket"] = commented["code"]
    return live_server


@pytest.fixture
def dashboard(manager, page: Page) -> Page:
    page.goto(manager.url + DASHBOARD)
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.get_by_label("Tên đăng nhập").fill("lanhdao")
    page.get_by_label("Mật khẩu").fill(MANAGER_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(manager.url + DASHBOARD)
    expect(page.get_by_test_id("connection")).to_have_text("Trực tiếp")
    expect(page.locator("body")).to_have_attribute("data-report-loaded", re.compile(r"\d"))
    return page


def chart_data(page: Page, canvas: str) -> list:
    return page.evaluate(
        "(id) => window.dashboardCharts[id].data.datasets.map((set) => set.data)", canvas)


def test_the_report_draws_its_charts_with_data(dashboard: Page):
    by_service = chart_data(dashboard, "chart-by-service")
    assert sum(by_service[0]) >= 2 and sum(by_service[1]) >= 2  # issued, served
    assert sum(chart_data(dashboard, "chart-satisfaction")[0]) == 2
    reasons = dashboard.evaluate("window.dashboardCharts['chart-reasons'].data")
    assert reasons["datasets"][0]["data"][reasons["labels"].index("Thời gian chờ lâu")] == 1
    assert chart_data(dashboard, "chart-wait-by-hour")[0]
    assert sum(chart_data(dashboard, "chart-officers")[0]) >= 2
    # Each canvas was actually painted.
    for canvas in ("chart-by-service", "chart-wait-by-hour", "chart-officers"):
        assert dashboard.locator(f"#{canvas}").bounding_box()["height"] > 100
    expect(dashboard.get_by_test_id("officers-table")).to_contain_text("canbo")
    expect(dashboard.get_by_test_id("export-xlsx")).to_have_attribute(
        "href", re.compile(r"/stats\.xlsx\?from=\d{4}-\d\d-\d\d&to="))


def test_the_live_part_updates_when_a_ticket_is_called(manager, dashboard: Page):
    served = int(dashboard.get_by_test_id("live-served").inner_text())
    status, ticket = manager.api("POST", OFFICE + "/tickets", {"service": "dat-dai"},
                                 manager.tokens["kiosk"])
    assert status == 201
    expect(dashboard.get_by_test_id("live-waiting")).not_to_have_text("0")
    staff_post(manager, "/counters/1/call-next")
    counter_one = dashboard.locator('#live-counters [data-counter="1"]')
    expect(counter_one).to_contain_text(f"Đang phục vụ {ticket['number']}")
    staff_post(manager, "/counters/1/finish")
    expect(dashboard.get_by_test_id("live-served")).to_have_text(str(served + 1))
    expect(counter_one).to_contain_text("Đang trống")
    staff_post(manager, "/counters/1/pause", {"reason": "Họp giao ban"})
    expect(counter_one).to_contain_text("Tạm dừng: Họp giao ban")
    staff_post(manager, "/counters/1/resume")


def test_a_new_low_rating_reaches_the_open_feedback_tile_at_once(manager, dashboard: Page):
    # Pushed on the manager's own channel; before, it waited for the 30 s refresh.
    tile = dashboard.get_by_test_id("live-feedback")
    served = dashboard.get_by_test_id("live-served")
    open_before = int(re.match(r"\d+", tile.inner_text()).group())
    served_before = int(served.inner_text())
    ticket = serve_one(manager, "tu-phap")
    expect(served).to_have_text(str(served_before + 1))
    dashboard.wait_for_timeout(1000)  # the refresh after the finish has come and gone
    status, _ = manager.api("POST", f"/api/v1/tickets/{ticket['code']}/feedback",
                            {"rating": 1, "reasons": ["waiting_time"]})
    assert status == 201
    expect(tile).to_have_text(re.compile(rf"^{open_before + 1}\b"), timeout=5000)
    # Leave the inbox as the other tests of the module expect it.
    _, login = manager.api("POST", "/api/v1/auth/token",
                           {"username": "lanhdao", "password": MANAGER_PASSWORD})
    _, inbox = manager.api("GET", OFFICE + "/inbox", token=login["token"])
    item = next(i for i in inbox["items"] if i["number"] == ticket["number"])
    status, _ = manager.api("POST", f"{OFFICE}/inbox/{item['id']}/close",
                            {"note": "kiểm thử"}, login["token"])
    assert status == 200


def test_the_inbox_shows_comments_as_text_and_takes_an_answer(manager, dashboard: Page):
    item = dashboard.get_by_test_id("inbox-list").locator("li").first
    expect(item).to_contain_text("<b>Chờ lâu</b> quá")  # shown as typed, never as markup
    assert dashboard.locator("#inbox-list b").count() == 0
    item.get_by_label("Trả lời công dân").fill("Cảm ơn ông/bà, chúng tôi đã mở thêm quầy.")
    item.get_by_role("button", name="Gửi trả lời").click()
    expect(dashboard.locator("#inbox-message")).to_have_text("Đã lưu.")
    expect(dashboard.get_by_test_id("live-feedback")).to_have_text("1")
    # The citizen reads the answer on the ticket page behind the QR.
    dashboard.goto(manager.url + "/t/" + manager.tokens["commented_ticket"])
    expect(dashboard.locator("#office-reply")).to_contain_text(
        "Cảm ơn ông/bà, chúng tôi đã mở thêm quầy.")
    expect(dashboard.locator("#office-reply .label")).to_have_text("Trả lời của cơ quan")


def test_the_projector_mode_enlarges_the_page(dashboard: Page):
    dashboard.get_by_role("button", name="Chế độ trình chiếu").click()
    expect(dashboard.locator("body")).to_have_class(re.compile("projector"))
    assert dashboard.evaluate("Chart.defaults.font.size") == 20


def test_the_monthly_officer_report_is_a_printable_page(dashboard: Page, manager):
    dashboard.goto(manager.url + DASHBOARD + "/officers")
    expect(dashboard.get_by_test_id("officer-report")).to_contain_text("canbo")
    expect(dashboard.get_by_role("button", name="In báo cáo")).to_be_visible()


def test_every_report_table_can_be_downloaded_as_csv(dashboard: Page):
    link = dashboard.locator("#export-csv")
    expect(link).to_have_attribute("href", re.compile(r"/stats\.csv\?.*table=service$"))
    dashboard.get_by_label("Bảng báo cáo (CSV)").select_option("counter")
    expect(link).to_have_attribute("href", re.compile(r"/stats\.csv\?from=.*table=counter$"))
    with dashboard.expect_download() as download:
        link.click()
    body = download.value.path().read_text(encoding="utf-8-sig")
    lines = body.splitlines()
    assert lines[0].startswith("Quầy;Tên quầy") and any(line.startswith("2;") for line in lines)


def test_figures_and_dates_are_written_the_vietnamese_way(dashboard: Page):
    assert dashboard.evaluate("Chart.defaults.locale") == "vi-VN"
    assert dashboard.evaluate(
        "import('/web-static/formats.js').then((f) => f.percentText('vi-VN', 0.783))") == "78,3%"
    tiles = dashboard.locator("#report-tiles").inner_text()
    assert "%" in tiles and not re.search(r"\d\.\d", tiles), tiles
    item = dashboard.get_by_test_id("inbox-list").locator("li").first
    expect(item).to_contain_text(re.compile(r"\d\d/\d\d/\d{4}"))
    assert not re.search(r"\d{4}-\d\d-\d\d", item.inner_text())


def test_the_report_has_a_table_per_procedure_when_tickets_name_one(manager, page: Page,
                                                                     tmp_path):
    from ..support.procedure_files import SMALL, write_csv

    rows = [row[:] for row in SMALL]
    for row in rows[1:]:
        row[2] = "dat-dai"
    manager.cli("procedures", "import", str(write_csv(tmp_path / "p.csv", rows)), "--office",
                "thu-nghiem")
    status, ticket = manager.api("POST", OFFICE + "/tickets",
                                 {"procedure": "1.001193.000.00.00.H37"}, manager.tokens["kiosk"])
    assert status == 201
    while staff_post(manager, "/counters/2/call-next")["code"] != ticket["code"]:
        pass
    staff_post(manager, "/counters/2/finish",
               {"outcome": "supplement", "missing": ["Giấy chứng sinh"]})
    page.goto(manager.url + DASHBOARD)
    page.get_by_label("Tên đăng nhập").fill("lanhdao")
    page.get_by_label("Mật khẩu").fill(MANAGER_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    table = page.get_by_test_id("procedures-table")
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table.locator("tbody td").first).to_have_text("Đăng ký khai sinh")
    expect(table.locator("tbody td").nth(1)).to_have_text("1")
    expect(table.locator("tbody td").nth(2)).to_have_text("1")
    # Sent back to complete: once, every time, for want of the birth certificate.
    expect(table.locator("thead th").nth(4)).to_have_text("Yêu cầu bổ sung")
    expect(table.locator("tbody td").nth(4)).to_have_text("1")
    expect(table.locator("tbody td").nth(5)).to_have_text(re.compile(r"^100\s?%$"))
    expect(table.locator("tbody td").nth(6)).to_have_text("Giấy chứng sinh (1)")
