"""The procedure lookup on the kiosk, in Chromium against a real server and a real print agent:
a citizen types without diacritics on the screen's keyboard, reads the documents, prints the
checklist, and takes a number for the procedure."""

from __future__ import annotations

import subprocess
import sys

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import Page, expect

from ..printer.conftest import wait_until
from ..support.procedure_files import SMALL, write_csv
from ..support.servers import OFFICE_TOML, ROOT, STAFF_PASSWORD, start_office_server

pytestmark = pytest.mark.browser

BIRTH, MARRIAGE = "1.001193.000.00.00.H37", "1.000894.000.00.00.H37"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """Office thu-nghiem with the small catalogue, a kiosk and an unpaired printer."""
    folder = tmp_path_factory.mktemp("procedures")
    server = start_office_server(folder, OFFICE_TOML, "thu-nghiem", "canbo", STAFF_PASSWORD,
                                 printer=True)
    path = write_csv(folder / "thu-tuc.csv", SMALL)
    assert server.cli("procedures", "import", str(path), "--office", "thu-nghiem") == (
        "3 added, 0 updated, 0 hidden")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def printed(server, tmp_path_factory):
    """The folder where a running queue-printer writes what it prints."""
    folder = tmp_path_factory.mktemp("paper")
    agent = subprocess.Popen(
        [sys.executable, "-m", "printer.agent", "--server", server.url, "--token",
         server.tokens["printer"], "--printer", f"image://{folder / 'out'}", "--state-dir",
         str(folder / "state"), "--heartbeat", "2", "--retry-min", "0.2", "--retry-max", "1"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_until(lambda: server.api("GET", "/api/v1/offices/thu-nghiem/printers",
                                  token=server.tokens["staff"])[1][0]["is_ok"],
               what="the print agent to report")
    yield folder / "out"
    agent.terminate()
    agent.wait(timeout=10)


@pytest.fixture
def kiosk(server, page: Page) -> Page:
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{server.url}/kiosk/thu-nghiem?token={server.tokens['kiosk']}")
    expect(page.locator("#procedures-button")).to_be_enabled()
    return page


def type_on_screen(kiosk: Page, text: str) -> None:
    for letter in text:
        key = "space" if letter == " " else letter
        kiosk.locator(f'#procedures-keyboard [data-key="{key}"]').click()


def open_procedure(kiosk: Page, typed: str, name: str) -> None:
    kiosk.locator("#procedures-button").click()
    expect(kiosk.locator("#screen-procedures")).to_be_visible()
    type_on_screen(kiosk, typed)
    expect(kiosk.locator("#procedures-query")).to_have_value(typed)
    first = kiosk.locator(".procedure-result").first
    expect(first.locator(".result-title")).to_have_text(name)
    first.click()
    expect(kiosk.locator("#procedure-name")).to_have_text(name)


def test_a_citizen_finds_a_procedure_without_diacritics_and_prints_its_checklist(
        server, printed, kiosk):
    open_procedure(kiosk, "khai sinh", "Đăng ký khai sinh")
    items = kiosk.locator(".checklist-item")
    expect(items).to_have_text(["Tờ khai đăng ký khai sinh", "Giấy chứng sinh"])
    expect(kiosk.locator("#procedure-fees")).to_have_text("Miễn lệ phí")
    expect(kiosk.locator("#procedure-time")).to_have_text("Ngay trong ngày")
    expect(kiosk.locator("#procedure-counters")).to_have_text("2")
    expect(kiosk.locator("#procedure-wait")).not_to_be_empty()
    items.first.click()
    expect(items.first).to_have_attribute("aria-pressed", "true")
    kiosk.locator("#procedure-print").click()
    expect(kiosk.locator("#message-text")).to_have_text(
        "Đang in danh sách giấy tờ. Mời ông/bà nhận phiếu.")
    png = wait_until(lambda: next(printed.glob("job-*.png"), None), what="the printed checklist")
    wait_until(lambda: png.with_suffix(".bin").exists(), what="the checklist's ESC/POS bytes")
    with Image.open(png) as image:
        codes = zxingcpp.read_barcodes(image.convert("L"), formats=zxingcpp.BarcodeFormat.QRCode)
    assert [code.text for code in codes] == [f"{server.url}/thu-tuc/thu-nghiem/{BIRTH}"]


def test_a_citizen_takes_a_number_for_the_procedure_found(server, kiosk):
    open_procedure(kiosk, "dang ky ket hon", "Đăng ký kết hôn")
    kiosk.locator("#procedure-take").click()
    expect(kiosk.locator("#ticket-number")).to_be_visible()
    expect(kiosk.locator("#ticket-procedure")).to_have_text("Đăng ký kết hôn")
    expect(kiosk.locator("#ticket-service")).to_have_text("Tư pháp – Hộ tịch")
    code = kiosk.locator("#ticket-qr").get_attribute("src").split("/")[-2]
    status, ticket = server.api("GET", f"/api/v1/tickets/{code}")
    assert status == 200
    assert ticket["procedure"] == {"code": MARRIAGE, "name": "Đăng ký kết hôn"}
    assert ticket["number"] == kiosk.locator("#ticket-number").text_content()


def test_browsing_by_field_and_nothing_found(server, kiosk):
    kiosk.locator("#procedures-button").click()
    fields = kiosk.locator(".field-button")
    expect(fields.locator(".result-title")).to_have_text(["Đất đai", "Hộ tịch"])
    fields.first.click()
    expect(kiosk.locator(".procedure-result .result-title")).to_have_text(
        ["Cấp giấy chứng nhận quyền sử dụng đất lần đầu"])
    type_on_screen(kiosk, "xyz")
    expect(kiosk.locator("#procedures-empty")).to_be_visible()
    kiosk.locator("#procedures-back").click()
    expect(kiosk.locator("#screen-start")).to_be_visible()
