"""/admin as a new manager meets it: a service no counter serves says why it is not on the kiosk,
opening hours are set in a Vietnamese weekly table, and the audit reads in people's words."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from ..support.servers import start_server

pytestmark = pytest.mark.browser

ADMIN_USER, ADMIN_PASSWORD = "quantri", "Quan-tri-he-thong-7"
OFFICE = "/admin/offices/thu-nghiem"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    live = start_server(tmp_path_factory, "admin-first-use")
    live.cli("user", "add", ADMIN_USER, "--role", "admin", "--password-stdin",
             stdin=ADMIN_PASSWORD + "\n")
    yield live
    live.stop()


@pytest.fixture
def admin(server, page: Page) -> Page:
    page.goto(server.url + OFFICE)
    page.get_by_label("Tên đăng nhập").fill(ADMIN_USER)
    page.get_by_label("Mật khẩu").fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(server.url + OFFICE)
    return page


def test_a_service_no_counter_serves_says_it_is_not_on_the_kiosk(server, admin):
    admin.goto(server.url + OFFICE + "/services")
    form = admin.get_by_test_id("add-service")
    form.locator("#code").fill("chung-thuc")
    form.locator("#name").fill("Chứng thực")
    form.locator("#prefix").fill("5")
    form.get_by_role("button").click()
    row = admin.get_by_test_id("service-chung-thuc")
    expect(row.get_by_test_id("not-on-kiosk")).to_have_text(
        "Không hiện trên ki-ốt: chưa có quầy phục vụ")
    expect(row).not_to_contain_text("Đang cấp số")
    expect(admin.get_by_test_id("service-dat-dai")).to_contain_text("Đang cấp số")
    services = server.api("GET", "/api/v1/offices/thu-nghiem/services")[1]
    assert {s["code"]: s["is_open"] for s in services}["chung-thuc"] is False
    row.get_by_role("link", name="Quầy").click()
    expect(admin).to_have_url(server.url + OFFICE + "/counters")
    admin.goto(server.url + OFFICE + "/services/chung-thuc")
    expect(admin.get_by_test_id("not-on-kiosk")).to_contain_text("chưa có quầy phục vụ")


def test_opening_hours_are_chosen_in_a_weekly_table_that_writes_the_text(server, admin):
    editor = admin.get_by_test_id("hours-editor")
    field = admin.locator("#opening_hours")
    expect(editor).to_be_visible()
    expect(field).to_have_value("24/7")
    expect(editor.locator(".hours-status")).to_contain_text("cách nâng cao")
    field.fill("")
    expect(editor.locator(".hours-status")).to_have_text("")
    monday = editor.locator('tr[data-day="Mo"]')
    expect(monday).to_contain_text("Thứ Hai")
    for day in ("Mo", "Tu", "We", "Th", "Fr"):
        editor.locator(f'tr[data-day="{day}"] .day-open').check()
    expect(field).to_have_value("Mo-Fr 07:30-11:30,13:30-17:00")
    saturday = editor.locator('tr[data-day="Sa"]')
    saturday.locator(".day-open").check()
    saturday.locator(".from-2").fill("")
    saturday.locator(".to-2").fill("")
    expect(field).to_have_value("Mo-Fr 07:30-11:30,13:30-17:00; Sa 07:30-11:30")
    editor.locator('tr[data-day="We"] .to-2').fill("16:30")
    expect(field).to_have_value(
        "Mo-Tu 07:30-11:30,13:30-17:00; We 07:30-11:30,13:30-16:30; "
        "Th-Fr 07:30-11:30,13:30-17:00; Sa 07:30-11:30")
    admin.get_by_test_id("save").click()
    expect(admin.get_by_test_id("notice")).to_be_visible()
    admin.goto(server.url + OFFICE)
    expect(field).to_have_value(re.compile(r"^Mo-Tu 07:30-11:30,13:30-17:00; We "))
    expect(editor.locator('tr[data-day="We"] .to-2')).to_have_value("16:30")
    expect(editor.locator('tr[data-day="Su"] .day-open')).not_to_be_checked()
    field.fill("24/7")  # as the other tests expect it
    admin.get_by_test_id("save").click()
    expect(admin.get_by_test_id("notice")).to_be_visible()


def test_the_audit_page_reads_in_people_s_words(server, admin):
    admin.goto(server.url + OFFICE + "/counters")
    form = admin.get_by_test_id("add-counter")
    form.locator("#number").fill("8")
    form.get_by_label("Tư pháp – Hộ tịch").check()
    form.get_by_role("button").click()
    admin.goto(server.url + "/admin/audit")
    table = admin.get_by_test_id("audit-table")
    row = table.locator("tr", has_text="Quầy: tạo mới").first
    expect(row).to_contain_text("Lĩnh vực phục vụ: — → Tư pháp – Hộ tịch")
    expect(row).to_contain_text("Đang sử dụng: — → có")
    expect(row.locator(".where")).to_contain_text(re.compile(r"Chrome \d+ · Linux"))
    text = table.inner_text()
    for raw in ("is_active", '["tu-phap"]', "Mozilla/5.0", "True", "False"):
        assert raw not in text
