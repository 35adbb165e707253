"""The paper rating form screen in Chromium: an officer types in a citizen's paper form,
question by question, by keyboard; the rating is stored as a paper one, with who typed it."""

import re
import sqlite3

import pytest
from playwright.sync_api import Page, expect

from ..support.servers import OFFICE_TOML, STAFF_PASSWORD, act, issue, start_office_server

pytestmark = pytest.mark.browser

FORM = """
  [office.rating]
  levels = 5

    [[office.rating.question]]
    code = "thai-do"
    text = "Thái độ phục vụ của công chức"
    criterion = "cbcc"

    [[office.rating.question]]
    code = "co-so"
    text = "Cơ sở vật chất nơi tiếp đón"
    criterion = "dieu-kien"
"""


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    toml = OFFICE_TOML.replace("\n  [[office.service]]", FORM + "\n  [[office.service]]", 1)
    server = start_office_server(tmp_path_factory.mktemp("paper"), toml, "thu-nghiem", "canbo",
                                 STAFF_PASSWORD)
    yield server
    server.stop()


def serve(server) -> dict:
    ticket = issue(server)
    while act(server, 1, "call-next")["code"] != ticket["code"]:
        pass
    act(server, 1, "finish")
    return ticket


def test_an_officer_types_in_a_paper_form_by_keyboard(live_server, page: Page):
    ticket = serve(live_server)
    page.goto(live_server.url + "/counter/thu-nghiem/paper")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.get_by_label("Tên đăng nhập").fill("canbo")
    page.get_by_label("Mật khẩu").fill(STAFF_PASSWORD)
    page.keyboard.press("Enter")
    number = page.get_by_test_id("paper-number")
    expect(number).to_be_focused()
    number.press_sequentially(ticket["number"])
    page.get_by_role("group", name="Mức độ hài lòng chung").get_by_label("Bình thường").check()
    page.get_by_role("group", name="Thái độ phục vụ của công chức").get_by_label(
        "Rất hài lòng").check()
    page.get_by_label("Thời gian chờ lâu").check()
    page.get_by_label("Lần thứ hai").check()
    page.get_by_test_id("paper-save").press("Enter")
    expect(page.get_by_test_id("paper-message")).to_have_text(
        f"Đã lưu phiếu đánh giá của số {ticket['number']}.")
    expect(number).to_be_focused()
    expect(number).to_have_value("")
    with sqlite3.connect(live_server.folder / "queue.db") as database:
        stored = database.execute(
            "SELECT f.rating, f.source, f.answers, f.reasons, f.visits, u.username"
            " FROM feedback f JOIN tickets t ON t.id = f.ticket_id"
            " JOIN users u ON u.id = f.entered_by_id WHERE t.code = ?",
            (ticket["code"],)).fetchone()
    assert stored[:2] == (3, "paper") and stored[5] == "canbo"
    assert stored[2] in ('{"thai-do": 5}', '{"thai-do":5}')
    assert stored[4] == "second"
    # The same ticket again: already rated, said on the screen.
    number.press_sequentially(ticket["number"])
    page.get_by_role("group", name="Mức độ hài lòng chung").get_by_label("Hài lòng",
                                                                         exact=True).check()
    page.get_by_test_id("paper-save").press("Enter")
    expect(page.get_by_test_id("paper-message")).to_have_text(re.compile("đã được đánh giá"))
    number.fill("9999")
    page.get_by_test_id("paper-save").press("Enter")
    expect(page.get_by_test_id("paper-message")).to_have_text(re.compile("Không có số 9999"))
