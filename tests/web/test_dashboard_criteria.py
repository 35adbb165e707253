"""The dashboard shows each criterion of the rating form against the office's targets, by
month and by officer, and which services send most files back (Chromium, real server)."""

import re

import pytest
from playwright.sync_api import Page, expect

from ..support.servers import OFFICE_TOML, STAFF_PASSWORD, start_office_server

pytestmark = pytest.mark.browser

OFFICE = "/api/v1/offices/thu-nghiem"
MANAGER_PASSWORD = "mat-khau-lanh-dao-1"
FORM = """
  [office.rating]
  levels = 5

    [[office.rating.question]]
    code = "thai-do"
    text = "Thái độ phục vụ của công chức"
    criterion = "cbcc"

    [[office.rating.question]]
    code = "thu-tuc"
    text = "Thủ tục được hướng dẫn rõ ràng"
    criterion = "thu-tuc"
"""


def serve(server, service, outcome, dossiers, rating, answers):
    status, ticket = server.api("POST", OFFICE + "/tickets", {"service": service},
                                server.tokens["kiosk"])
    assert status == 201
    while server.api("POST", OFFICE + "/counters/2/call-next",
                     token=server.tokens["staff"])[1]["code"] != ticket["code"]:
        pass
    status, _ = server.api("POST", OFFICE + "/counters/2/finish",
                           {"outcome": outcome, "dossiers": dossiers}, server.tokens["staff"])
    assert status == 200
    status, _ = server.api("POST", f"/api/v1/tickets/{ticket['code']}/feedback",
                           {"rating": rating, "answers": answers})
    assert status == 201


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    toml = OFFICE_TOML.replace("\n  [[office.service]]", FORM + "\n  [[office.service]]", 1)
    server = start_office_server(tmp_path_factory.mktemp("criteria"), toml, "thu-nghiem",
                                 "canbo", STAFF_PASSWORD)
    server.cli("user", "add", "lanhdao", "--role", "manager", "--office", "thu-nghiem",
               "--password-stdin", stdin=MANAGER_PASSWORD + "\n")
    # Đất đai: two of three files sent back; officers kind (cbcc 3/3), procedures weak (1/3).
    serve(server, "dat-dai", "supplement", ["HS-1"], 4, {"thai-do": 5, "thu-tuc": 2})
    serve(server, "dat-dai", "supplement", ["HS-2"], 3, {"thai-do": 4, "thu-tuc": 3})
    serve(server, "dat-dai", "received", ["HS-1"], 5, {"thai-do": 5, "thu-tuc": 5})
    serve(server, "tu-phap", "received", ["HS-3"], 5, {"thu-tuc": 4})
    yield server
    server.stop()


@pytest.fixture
def dashboard(live_server, page: Page) -> Page:
    page.goto(live_server.url + "/dashboard/thu-nghiem")
    page.get_by_label("Tên đăng nhập").fill("lanhdao")
    page.get_by_label("Mật khẩu").fill(MANAGER_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator("body")).to_have_attribute("data-report-loaded", re.compile(r"\d"))
    return page


def test_each_criterion_against_the_targets_by_month_and_by_officer(dashboard: Page):
    expect(dashboard.get_by_test_id("criteria-targets")).to_contain_text("85")
    table = dashboard.get_by_test_id("criteria-table")
    officers = table.locator('tr[data-criterion="cbcc"]')
    expect(officers.locator("th")).to_have_text("Sự phục vụ của công chức")
    expect(officers.locator("td").nth(0)).to_have_text("3")
    expect(officers.locator("td").nth(1)).to_have_class(re.compile("at-goal"))
    procedures = table.locator('tr[data-criterion="thu-tuc"]')
    expect(procedures.locator("td").nth(0)).to_have_text("4")
    expect(procedures.locator("td").nth(1)).to_have_text(re.compile(r"^50"))
    expect(procedures.locator("td").nth(1)).to_have_class(re.compile("below-minimum"))
    expect(procedures.locator("td").nth(1)).to_have_attribute("title", "Dưới mục tiêu tối thiểu")
    expect(procedures.locator("td")).to_have_count(3)  # answers, the period, this month
    staff = dashboard.get_by_test_id("criteria-staff-table").locator('tr[data-staff="canbo"]')
    expect(staff.locator("td").nth(1)).to_have_class(re.compile("below-minimum"))


def test_the_services_that_send_most_files_back_and_the_dossier_tiles(dashboard: Page):
    rows = dashboard.get_by_test_id("sent-back-table").locator("tbody tr")
    expect(rows.first.locator("td")).to_have_text(["Đất đai", "3", "2", re.compile(r"^66")])
    tiles = dashboard.get_by_test_id("dossier-tiles")
    expect(tiles).to_contain_text("Hồ sơ đã ghi mã")
    expect(tiles.locator(".tile").first.locator(".tile-value")).to_have_text("3")
    # HS-3 at its first visit; HS-1 only at its second.
    expect(tiles.locator(".tile").nth(1).locator(".tile-value")).to_have_text(re.compile(r"^50"))
