"""The office's rating form in Chromium: the phone page and the counter's tablet render its
levels, labels and questions, and the rating stores the answers and the form's version."""

import sqlite3

import pytest
from playwright.sync_api import Page, expect

from ..support.servers import OFFICE_TOML, STAFF_PASSWORD, act, issue, start_office_server

pytestmark = pytest.mark.browser

FORM = """
  [office.rating]
  levels = 3
  labels = ["Chưa hài lòng", "Tạm được", "Hài lòng"]

    [[office.rating.question]]
    code = "thai-do"
    text = "Công chức có tận tình hướng dẫn không?"
    criterion = "cbcc"

    [[office.rating.question]]
    code = "thu-tuc"
    text = "Thủ tục có được hướng dẫn một lần là đủ không?"
    criterion = "thu-tuc"
"""


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """The test office asking a three-level form with two questions."""
    toml = OFFICE_TOML.replace("\n  [[office.service]]", FORM + "\n  [[office.service]]", 1)
    server = start_office_server(tmp_path_factory.mktemp("form"), toml, "thu-nghiem", "canbo",
                                 STAFF_PASSWORD)
    yield server
    server.stop()


def serve(server) -> dict:
    ticket = issue(server)
    while act(server, 1, "call-next")["code"] != ticket["code"]:
        pass
    act(server, 1, "finish")
    return ticket


def stored(server, code: str):
    with sqlite3.connect(server.folder / "queue.db") as database:
        return database.execute(
            "SELECT f.rating, f.levels, f.form_version, f.answers, f.source FROM feedback f"
            " JOIN tickets t ON t.id = f.ticket_id WHERE t.code = ?", (code,)).fetchone()


def test_the_phone_page_asks_the_offices_form(live_server, page: Page):
    ticket = serve(live_server)
    page.goto(f"{live_server.url}/t/{ticket['code']}")
    levels = page.locator("#rating-form .level")
    expect(levels).to_have_text(["Hài lòng", "Tạm được", "Chưa hài lòng"])
    page.get_by_role("button", name="Tạm được", exact=True).click()
    # Below the satisfied level of a three-level form: the reasons are asked.
    expect(page.get_by_label("Thời gian chờ lâu")).to_be_visible()
    question = page.get_by_role("group", name="Thủ tục có được hướng dẫn một lần là đủ không?")
    question.get_by_role("button", name="Chưa hài lòng").click()
    expect(question.get_by_role("button", name="Chưa hài lòng")).to_have_attribute(
        "aria-pressed", "true")
    page.get_by_role("group", name="Công chức có tận tình hướng dẫn không?").get_by_role(
        "button", name="Hài lòng", exact=True).click()
    page.get_by_role("button", name="Gửi đánh giá").click()
    expect(page.get_by_text("Cảm ơn ông/bà đã đánh giá!").first).to_be_visible()
    rating, levels_count, version, answers, source = stored(live_server, ticket["code"])
    assert (rating, levels_count, version, source) == (2, 3, 2, "phone")
    assert answers in ('{"thai-do": 3, "thu-tuc": 1}', '{"thai-do":3,"thu-tuc":1}')


def test_the_tablet_asks_the_offices_form(live_server, page: Page):
    token = live_server.cli("device", "add", "danh-gia-1", "--kind", "rating", "--office",
                            "thu-nghiem")
    page.goto(f"{live_server.url}/rate/thu-nghiem/1?token={token}")
    expect(page.get_by_text("Sau khi được phục vụ, mời ông/bà đánh giá tại đây.")).to_be_visible()
    ticket = serve(live_server)
    expect(page.locator("#asking-number")).to_have_text(ticket["number"])
    expect(page.locator("#rating-form .level")).to_have_text(
        ["Hài lòng", "Tạm được", "Chưa hài lòng"])
    page.get_by_role("button", name="Hài lòng", exact=True).first.click()
    expect(page.get_by_label("Thời gian chờ lâu")).to_be_hidden()
    page.get_by_role("group", name="Công chức có tận tình hướng dẫn không?").get_by_role(
        "button", name="Tạm được").click()
    page.get_by_role("button", name="Gửi đánh giá").click()
    expect(page.get_by_role("heading", name="Cảm ơn ông/bà đã đánh giá!")).to_be_visible()
    rating, _levels, _version, answers, source = stored(live_server, ticket["code"])
    assert (rating, source) == (3, "tablet")
    assert answers in ('{"thai-do": 2}', '{"thai-do":2}')
