"""The procedure everywhere else, in Chromium against a real server: the public phone page
lists, searches and shows each procedure at its own address, the A4 poster's QR code opens it,
the citizen's ticket page shows the documents, and the counter console shows the procedure."""

from __future__ import annotations

import base64
import io
import re

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import Page, expect

from ..support.procedure_files import SMALL, write_csv
from ..support.servers import OFFICE_TOML, STAFF_PASSWORD, start_office_server

pytestmark = pytest.mark.browser

OFFICE = "/api/v1/offices/thu-nghiem"
BIRTH, LAND = "1.001193.000.00.00.H37", "1.012345.000.00.00.H37"
LAND_NAME = "Cấp giấy chứng nhận quyền sử dụng đất lần đầu"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("procedure-pages")
    server = start_office_server(folder, OFFICE_TOML, "thu-nghiem", "canbo", STAFF_PASSWORD)
    server.cli("procedures", "import", str(write_csv(folder / "p.csv", SMALL)), "--office",
               "thu-nghiem")
    yield server
    server.stop()


def test_the_phone_page_searches_without_diacritics_and_opens_a_procedure(server, page: Page):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{server.url}/thu-tuc/thu-nghiem")
    expect(page.locator(".procedure-fields a")).to_have_text(["Đất đai", "Hộ tịch"])
    page.get_by_label("Tìm thủ tục (gõ không dấu cũng được)").fill("KHAI SINH")
    page.get_by_role("button", name="Tìm").click()
    expect(page.locator(".result-name")).to_have_text(["Đăng ký khai sinh"])
    page.locator(".result-name").first.click()
    expect(page).to_have_url(f"{server.url}/thu-tuc/thu-nghiem/{BIRTH}")
    expect(page.locator("#procedure-name")).to_have_text("Đăng ký khai sinh")
    expect(page.locator("#procedure-documents li")).to_have_text(
        ["Tờ khai đăng ký khai sinh", "Giấy chứng sinh"])
    expect(page.locator("#procedure-queue")).to_have_text(re.compile("người đang chờ"))
    page.goto(f"{server.url}/thu-tuc/thu-nghiem/{BIRTH}?lang=en")
    expect(page.locator("h2")).to_have_text("Documents to bring")
    assert page.request.get(f"{server.url}/thu-tuc/thu-nghiem/9.9").status == 404


def test_the_poster_is_a4_with_a_qr_code_to_the_procedure_s_page(server, page: Page):
    page.goto(f"{server.url}/thu-tuc/thu-nghiem/{LAND}/poster?lang=vi")
    expect(page.locator("h1")).to_have_text(LAND_NAME)
    source = page.locator("#poster-qr").get_attribute("src")
    assert source.startswith("data:image/svg+xml;base64,")
    page.set_content(base64.b64decode(source.split(",", 1)[1]).decode())
    picture = Image.open(io.BytesIO(page.screenshot()))
    codes = zxingcpp.read_barcodes(picture.convert("L"), formats=zxingcpp.BarcodeFormat.QRCode)
    assert [code.text for code in codes] == [f"{server.url}/thu-tuc/thu-nghiem/{LAND}"]
    pdf = page.pdf(format="A4")  # the browser lays it out for print without complaint
    assert pdf.startswith(b"%PDF")


def test_the_ticket_page_and_the_counter_console_show_the_procedure_and_documents(
        server, page: Page):
    status, ticket = server.api("POST", f"{OFFICE}/tickets", {"procedure": LAND},
                                server.tokens["kiosk"])
    assert status == 201
    page.goto(ticket["track_url"])
    expect(page.locator("#procedure-name")).to_have_text(LAND_NAME)
    expect(page.locator("#procedure-documents li")).to_have_text(
        ["Đơn đăng ký", "Giấy tờ về quyền sử dụng đất"])

    page.goto(f"{server.url}/counter/thu-nghiem/1")
    page.get_by_label("Tên đăng nhập").fill("canbo")
    page.get_by_label("Mật khẩu").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_test_id("connection")).to_have_text("Đã kết nối")
    expect(page.get_by_test_id("current-procedure")).to_be_hidden()
    page.get_by_test_id("call-next").click()
    expect(page.get_by_test_id("current-number")).to_have_text(ticket["number"])
    expect(page.locator("#current-procedure-name")).to_have_text(LAND_NAME)
    expect(page.locator("#current-procedure-documents li")).to_have_text(
        ["Đơn đăng ký", "Giấy tờ về quyền sử dụng đất"])
