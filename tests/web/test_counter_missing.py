"""Sent back to complete, in Chromium against a real server and a real print agent: the
officer ticks the procedure's missing documents by keyboard alone, the citizen's ticket page
shows them at once in large type, and the slip of what is missing comes out of the printer."""

from __future__ import annotations

import re
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

OFFICE = "/api/v1/offices/thu-nghiem"
LAND = "1.012345.000.00.00.H37"
APPLICATION, TITLE = "Đơn đăng ký", "Giấy tờ về quyền sử dụng đất"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """Office thu-nghiem with the small catalogue, a kiosk and an unpaired printer."""
    folder = tmp_path_factory.mktemp("missing")
    server = start_office_server(folder, OFFICE_TOML, "thu-nghiem", "canbo", STAFF_PASSWORD,
                                 printer=True)
    server.cli("procedures", "import", str(write_csv(folder / "p.csv", SMALL)), "--office",
               "thu-nghiem")
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
    wait_until(lambda: server.api("GET", f"{OFFICE}/printers",
                                  token=server.tokens["staff"])[1][0]["is_ok"],
               what="the print agent to report")
    yield folder / "out"
    agent.terminate()
    agent.wait(timeout=10)


def issue(server, body) -> dict:
    status, ticket = server.api("POST", f"{OFFICE}/tickets", body, server.tokens["kiosk"])
    assert status == 201
    return ticket


def log_in(page: Page, server) -> None:
    page.goto(f"{server.url}/counter/thu-nghiem/1")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.get_by_label("Tên đăng nhập").fill("canbo")
    page.get_by_label("Mật khẩu").fill(STAFF_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("connection")).to_have_text("Đã kết nối")


def ready(page: Page) -> None:
    expect(page.get_by_test_id("call-next")).to_be_enabled()


def test_the_officer_ticks_missing_documents_by_keyboard_and_the_citizen_reads_them(
        server, printed, page: Page):
    ticket, after = issue(server, {"procedure": LAND}), issue(server, {"service": "dat-dai"})
    phone = page.context.new_page()
    phone.goto(ticket["track_url"])
    expect(phone.get_by_test_id("missing")).to_be_hidden()

    log_in(page, server)
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("current-number")).to_have_text(ticket["number"])
    expect(page.locator("#current-procedure-documents li")).to_have_text([APPLICATION, TITLE])
    ready(page)
    # 2 is "sent back to complete": the procedure's documents open, numbered, to tick by key.
    page.keyboard.press("2")
    expect(page.get_by_test_id("outcome-supplement")).to_have_attribute("aria-pressed", "true")
    dialog = page.get_by_test_id("missing-dialog")
    expect(dialog).to_be_visible()
    boxes = page.get_by_test_id("missing-choices").locator("input")
    expect(page.get_by_test_id("missing-choices").locator("label")).to_have_text(
        [f"1{APPLICATION}", f"2{TITLE}"])
    page.keyboard.press("1")
    page.keyboard.press("2")
    page.keyboard.press("1")  # a second press unticks
    expect(boxes.nth(0)).not_to_be_checked()
    expect(boxes.nth(1)).to_be_checked()
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    expect(page.get_by_test_id("missing-list").locator("li")).to_have_text([TITLE])
    expect(page.get_by_test_id("message")).to_have_text(
        f"Đã ghi 1 giấy tờ cần bổ sung cho số {ticket['number']}.")
    expect(page.get_by_test_id("current-number")).to_have_text(ticket["number"])  # no call

    # The citizen's phone follows at once.
    expect(phone.get_by_test_id("missing")).to_be_visible()
    expect(phone.locator(".missing-title")).to_have_text("Giấy tờ cần bổ sung")
    expect(phone.locator("#missing-documents li")).to_have_text([TITLE])
    size = phone.locator("#missing-documents li").evaluate(
        "item => parseFloat(getComputedStyle(item).fontSize)")
    assert size >= 22  # large type

    # G opens the list again; Esc leaves it as it was.
    page.keyboard.press("g")
    expect(dialog).to_be_visible()
    expect(boxes.nth(1)).to_be_checked()
    page.keyboard.press("1")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(page.get_by_test_id("missing-list").locator("li")).to_have_text([TITLE])

    # P prints the slip of what is missing on the office's printer.
    before = set(printed.glob("job-*.png")) if printed.exists() else set()
    page.keyboard.press("p")
    expect(page.get_by_test_id("message")).to_have_text(
        re.compile("Đã gửi phiếu giấy tờ cần bổ sung tới máy in"))
    png = wait_until(lambda: next(iter(set(printed.glob("job-*.png")) - before), None),
                     what="the printed list of missing documents")
    wait_until(lambda: png.with_suffix(".bin").exists(), what="the slip's ESC/POS bytes")
    with Image.open(png) as image:
        codes = zxingcpp.read_barcodes(image.convert("L"), formats=zxingcpp.BarcodeFormat.QRCode)
        assert image.height > 400
    assert [code.text for code in codes] == [f"{server.url}/thu-tuc/thu-nghiem/{LAND}"]

    # Every other key works as before: F3 finishes, Enter calls the next citizen.
    ready(page)
    page.keyboard.press("F3")
    expect(page.get_by_test_id("current-number")).to_have_text("")
    ready(page)
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("current-number")).to_have_text(after["number"])
    expect(page.get_by_test_id("missing-box")).to_be_hidden()

    # The finished ticket keeps the list, on a fresh load too.
    phone.reload()
    expect(phone.locator("#missing-documents li")).to_have_text([TITLE])
    status, done = server.api("GET", f"/api/v1/tickets/{ticket['code']}")
    assert status == 200 and done["status"] == "done" and done["missing"] == [TITLE]
