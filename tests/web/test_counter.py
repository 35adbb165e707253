"""The counter console in Chromium against a real server: log in, call, recall, transfer, pause."""

import re
import sqlite3
import time

import pytest
from playwright.sync_api import Page, expect

from queue_server.security.tokens import hash_token

from ..support.servers import STAFF_PASSWORD

pytestmark = pytest.mark.browser

OFFICE = "/api/v1/offices/thu-nghiem"
CONSOLE = "/counter/thu-nghiem/1"


def issue(server, service="dat-dai") -> dict:
    status, ticket = server.api("POST", OFFICE + "/tickets", {"service": service},
                                server.tokens["kiosk"])
    assert status == 201
    return ticket


def counter_state(server, number=1) -> dict:
    status, snapshot = server.api("GET", f"{OFFICE}/counters/{number}",
                                  token=server.tokens["staff"])
    assert status == 200
    return snapshot


def ticket_state(server, code) -> dict:
    return server.api("GET", f"/api/v1/tickets/{code}")[1]


def empty_the_queue(server) -> None:
    """Call every waiting ticket away (call next also finishes the last one and resumes)."""
    for counter in (1, 2):
        while server.api("POST", f"{OFFICE}/counters/{counter}/call-next",
                         token=server.tokens["staff"])[0] == 200:
            pass


@pytest.fixture
def console(live_server, page: Page) -> Page:
    """Counter 1's console, logged in as the officer, connected, with an empty queue."""
    empty_the_queue(live_server)
    page.goto(live_server.url + CONSOLE)
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.get_by_label("Tên đăng nhập").fill("canbo")
    page.get_by_label("Mật khẩu").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(live_server.url + CONSOLE)
    expect(page.get_by_test_id("connection")).to_have_text("Đã kết nối")
    return page


def ready(page: Page) -> None:
    """Wait out the console's short busy time after a press (it swallows double clicks)."""
    expect(page.get_by_test_id("call-next")).to_be_enabled()


def waiting_numbers(page: Page):
    return page.get_by_test_id("waiting-list").locator(".waiting-number")


def test_a_wrong_password_keeps_the_officer_on_the_login_page(live_server, page: Page):
    page.goto(live_server.url + CONSOLE)
    page.get_by_label("Tên đăng nhập").fill("canbo")
    page.get_by_label("Mật khẩu").fill("not-the-password")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_test_id("login-error")).to_have_text("Sai tên đăng nhập hoặc mật khẩu.")
    expect(page).to_have_url(re.compile(r"/login"))


def test_call_next_shows_the_ticket_and_the_waiting_list_follows_live(live_server, console):
    first, second = issue(live_server), issue(live_server)
    expect(waiting_numbers(console)).to_have_text([first["number"], second["number"]])
    console.get_by_test_id("call-next").click()
    expect(console.get_by_test_id("current-number")).to_have_text(first["number"])
    expect(console.get_by_test_id("timer")).to_have_text(re.compile(r"^00:0\d$"))
    expect(waiting_numbers(console)).to_have_text([second["number"]])
    third = issue(live_server, "tu-phap")
    fourth = issue(live_server)
    # Counter 1 serves land matters only: the justice ticket never shows here.
    expect(waiting_numbers(console)).to_have_text([second["number"], fourth["number"]])
    assert third["number"] not in console.get_by_test_id("waiting-list").inner_text()
    expect(console.get_by_test_id("waiting-count")).to_have_text("2")


def test_a_fast_double_click_calls_only_one_ticket(live_server, console):
    first, second, third = issue(live_server), issue(live_server), issue(live_server)
    expect(waiting_numbers(console)).to_have_count(3)
    console.get_by_test_id("call-next").dblclick()
    expect(console.get_by_test_id("current-number")).to_have_text(first["number"])
    ready(console)
    assert counter_state(live_server)["current"]["number"] == first["number"]
    assert [row["number"] for row in counter_state(live_server)["waiting"]] == [
        second["number"], third["number"]]
    assert ticket_state(live_server, second["code"])["status"] == "waiting"


def test_call_next_on_an_empty_queue_says_nobody_waits(console):
    console.get_by_test_id("call-next").click()
    expect(console.get_by_test_id("message")).to_have_text("Không còn ai chờ.")


def test_no_show_is_refused_before_a_recall_and_allowed_after(live_server, console):
    ticket = issue(live_server)
    console.get_by_test_id("call-next").click()
    expect(console.get_by_test_id("current-number")).to_have_text(ticket["number"])
    no_show = console.get_by_role("button", name=re.compile("Vắng mặt"))
    expect(no_show).to_have_attribute("aria-disabled", "true")
    expect(console.get_by_test_id("no-show-hint")).to_have_text(
        "Cần gọi lại ít nhất 1 lần (đã gọi lại 0)")
    ready(console)
    no_show.click(force=True)
    expect(console.get_by_test_id("message")).to_have_text(
        "Vắng mặt: cần gọi lại ít nhất 1 lần (đã gọi lại 0).")
    expect(console.locator("#no-show-dialog")).not_to_be_visible()
    assert ticket_state(live_server, ticket["code"])["status"] == "called"

    console.get_by_role("button", name=re.compile("Gọi lại")).click()
    expect(console.get_by_test_id("current-recalls")).to_have_text("Đã gọi lại: 1 lần")
    expect(no_show).to_have_attribute("aria-disabled", "false")
    ready(console)
    no_show.click()
    console.get_by_test_id("confirm-no-show").click()
    expect(console.get_by_test_id("message")).to_have_text(f"Số {ticket['number']}: vắng mặt.")
    assert ticket_state(live_server, ticket["code"])["status"] == "no_show"


def test_transfer_sends_the_ticket_to_another_service(live_server, console):
    ticket = issue(live_server)
    console.get_by_test_id("call-next").click()
    expect(console.get_by_test_id("current-number")).to_have_text(ticket["number"])
    ready(console)
    console.get_by_role("button", name=re.compile("^Chuyển")).click()
    dialog = console.locator("#transfer-dialog")
    expect(dialog.get_by_role("button", name="Đất đai")).to_be_disabled()
    dialog.get_by_role("button", name="Tư pháp – Hộ tịch").click()
    expect(console.get_by_test_id("message")).to_have_text(
        f"Đã chuyển số {ticket['number']} sang Tư pháp – Hộ tịch.")
    expect(console.get_by_test_id("current-number")).to_have_text("")
    moved = ticket_state(live_server, ticket["code"])
    assert (moved["status"], moved["service"]) == ("waiting", "tu-phap")
    waiting_at_2 = counter_state(live_server, 2)["waiting"]
    assert {"number": ticket["number"], "transferred": True}.items() <= waiting_at_2[0].items()


def test_transfer_to_a_counter_puts_the_ticket_in_that_counters_queue(live_server, console):
    ticket = issue(live_server)
    console.get_by_test_id("call-next").click()
    expect(console.get_by_test_id("current-number")).to_have_text(ticket["number"])
    ready(console)
    console.keyboard.press("c")
    console.locator("#transfer-dialog").get_by_role("button", name="Quầy 2").click()
    expect(console.get_by_test_id("message")).to_have_text(
        f"Đã chuyển số {ticket['number']} sang Quầy 2.")
    assert ticket["number"] not in [row["number"] for row in counter_state(live_server)["waiting"]]
    assert counter_state(live_server, 2)["waiting"][0]["number"] == ticket["number"]


def test_pause_with_a_reason_then_resume(live_server, console):
    console.get_by_role("button", name=re.compile("Tạm dừng")).click()
    console.get_by_label("Họp").check()
    console.get_by_label("Ghi chú (không bắt buộc)").fill("giao ban sáng")
    console.get_by_test_id("confirm-pause").click()
    expect(console.get_by_test_id("paused-banner")).to_contain_text("Họp: giao ban sáng")
    counter = counter_state(live_server)["counter"]
    assert counter["is_paused"] and counter["pause_reason"] == "Họp: giao ban sáng"
    ready(console)
    console.get_by_role("button", name=re.compile("Tiếp tục")).click()
    expect(console.get_by_test_id("paused-banner")).to_be_hidden()
    assert not counter_state(live_server)["counter"]["is_paused"]


def test_pausing_while_serving_says_to_finish_first(live_server, console):
    issue(live_server)
    console.get_by_test_id("call-next").click()
    expect(console.get_by_test_id("current-number")).not_to_have_text("")
    ready(console)
    console.keyboard.press("t")
    expect(console.get_by_test_id("message")).to_have_text(
        "Hãy hoàn thành hoặc chuyển số đang phục vụ trước khi tạm dừng.")
    assert not counter_state(live_server)["counter"]["is_paused"]


def test_keyboard_shortcuts_work_but_not_while_typing_a_number(live_server, console):
    first, second, third = issue(live_server), issue(live_server), issue(live_server)
    expect(waiting_numbers(console)).to_have_count(3)
    console.keyboard.press("F1")
    expect(console.get_by_test_id("current-number")).to_have_text(first["number"])
    ready(console)
    console.keyboard.press("F2")
    expect(console.get_by_test_id("current-recalls")).to_have_text("Đã gọi lại: 1 lần")
    ready(console)
    # S opens "call a specific number"; typing digits, S, T or Enter there calls nothing else.
    console.keyboard.press("s")
    field = console.get_by_test_id("call-number-input")
    expect(field).to_be_focused()
    field.type(third["number"])
    console.keyboard.press("Enter")
    expect(console.get_by_test_id("current-number")).to_have_text(third["number"])
    assert ticket_state(live_server, second["code"])["status"] == "waiting"
    assert ticket_state(live_server, first["code"])["status"] == "done"
    ready(console)
    console.keyboard.press("F3")
    expect(console.get_by_test_id("message")).to_have_text(f"Đã hoàn thành số {third['number']}.")
    ready(console)
    console.keyboard.press("Enter")
    expect(console.get_by_test_id("current-number")).to_have_text(second["number"])


def expire_browser_sessions(server, username: str) -> None:
    """Let every token of the user's browser logins run out (the API token stays valid)."""
    with sqlite3.connect(server.folder / "queue.db", timeout=10) as database:
        changed = database.execute(
            "UPDATE api_tokens SET expires_at = created_at WHERE token_hash != ? AND user_id ="
            " (SELECT id FROM users WHERE username = ?)",
            (hash_token(server.tokens["staff"]), username)).rowcount
    assert changed >= 1


def test_an_expired_session_sends_the_officer_back_to_the_login_page(live_server, console):
    # Expired on the server: clearing the browser's cookies would race the console's own
    # requests, whose answers renew the session cookie.
    expire_browser_sessions(live_server, "canbo")
    # A process trusts a token it checked within the last 10 s: wait until it asks again.
    deadline = time.monotonic() + 20
    while console.request.get(live_server.url + OFFICE + "/counters/1").status != 401:
        assert time.monotonic() < deadline, "the expired session is still accepted"
        time.sleep(0.5)
    console.keyboard.press("F1")
    expect(console).to_have_url(re.compile(r"/login\?next=(/|%2F)counter(/|%2F)thu-nghiem"))


def test_the_console_resyncs_after_the_server_restarts(live_server, console):
    ticket = issue(live_server)
    expect(waiting_numbers(console)).to_have_text([ticket["number"]])
    live_server.stop()
    expect(console.get_by_test_id("connection")).to_have_text(
        "Mất kết nối – đang kết nối lại…", timeout=10_000)
    live_server.start()
    # A change the page missed while it was cut off shows once it has resubscribed.
    status, called = live_server.api("POST", OFFICE + "/counters/1/call-next",
                                     token=live_server.tokens["staff"])
    assert status == 200 and called["number"] == ticket["number"]
    expect(console.get_by_test_id("connection")).to_have_text("Đã kết nối", timeout=20_000)
    expect(console.get_by_test_id("current-number")).to_have_text(ticket["number"])
    expect(console.get_by_test_id("waiting-count")).to_have_text("0")
    later = issue(live_server)
    expect(waiting_numbers(console)).to_have_text([later["number"]])


def test_calling_a_number_that_is_not_waiting_says_so(live_server, console):
    ticket = issue(live_server)
    console.get_by_test_id("call-next").click()
    expect(console.get_by_test_id("current-number")).to_have_text(ticket["number"])
    ready(console)
    console.keyboard.press("s")
    console.get_by_test_id("call-number-input").fill(ticket["number"])
    console.keyboard.press("Enter")
    expect(console.get_by_test_id("message")).to_have_text(
        f"Số {ticket['number']} không còn đang chờ.")
    expect(console.get_by_test_id("current-number")).to_have_text(ticket["number"])


def test_the_waiting_list_follows_other_counters_without_fetching_snapshots(live_server,
                                                                           console):
    fetched = []
    console.on("request", lambda request: fetched.append(request.url)
               if request.method == "GET" and "/api/v1/" in request.url else None)
    tickets = [issue(live_server) for _ in range(4)]
    expect(waiting_numbers(console)).to_have_text([t["number"] for t in tickets])
    status, called = live_server.api("POST", f"{OFFICE}/counters/2/call-next",
                                     token=live_server.tokens["staff"])
    assert status == 200 and called["number"] == tickets[0]["number"]
    expect(waiting_numbers(console)).to_have_text([t["number"] for t in tickets[1:]])
    live_server.api("POST", f"/api/v1/tickets/{tickets[2]['code']}/cancel",
                    token=live_server.tokens["staff"])
    expect(waiting_numbers(console)).to_have_text(
        [tickets[1]["number"], tickets[3]["number"]])
    assert fetched == []
