"""The first address `make run` prints leads somewhere: a start page, and HTML error pages."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_the_start_page_leads_to_each_screen_and_a_wrong_address_leads_back(live_server,
                                                                             page: Page):
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Các màn hình của điểm tiếp nhận")
    office = page.get_by_test_id("office-thu-nghiem")
    expect(office.get_by_role("heading")).to_have_text("Bộ phận Một cửa – Xã Thử Nghiệm")
    office.get_by_role("link", name="Màn hình phòng chờ").click()
    expect(page).to_have_url(live_server.url + "/display/thu-nghiem")
    page.go_back()
    office.get_by_role("link", name="Quầy (cán bộ)").click()
    expect(page.get_by_label("Tên đăng nhập")).to_be_visible()  # officers log in first
    answer = page.goto(live_server.url + "/t/")
    assert answer.status == 404 and answer.headers["content-type"].startswith("text/html")
    expect(page.get_by_role("heading", level=1)).to_have_text("Không tìm thấy trang")
    page.get_by_role("link", name="Về trang đầu").click()
    expect(page).to_have_url(live_server.url + "/")
    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The screens of each office")
