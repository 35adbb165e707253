"""Browser sessions: the login page, the session cookie, CSRF, logout, and the pages it opens."""

import re
from datetime import timedelta

import pytest

from queue_server.core.extensions import socketio

from ..conftest import bearer

PASSWORD = "correct-horse-battery"
OFFICE = "/api/v1/offices/test-office"
CONSOLE = "/counter/test-office/1"
COOKIE = "queue_session"


def form_token(client, path="/login") -> str:
    page = client.get(path)
    return re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)


def page_token(client, path=CONSOLE) -> str:
    page = client.get(path)
    assert page.status_code == 200
    return re.search(r'<meta name="csrf-token" content="([^"]+)"',
                     page.get_data(as_text=True)).group(1)


def log_in(client, username="staff1", password=PASSWORD, next_path=None):
    query = f"?next={next_path}" if next_path else ""
    return client.post("/login" + query, data={"username": username, "password": password,
                                               "csrf_token": form_token(client)})


def issue(client, accounts):
    return client.post(OFFICE + "/tickets", json={"service": "dat-dai"},
                       headers=bearer(accounts["kiosk"])).get_json()


def test_logging_in_sets_an_http_only_same_site_cookie_for_a_working_day(client, accounts):
    response = log_in(client, next_path=CONSOLE)
    assert response.status_code == 302
    assert response.headers["Location"] == CONSOLE
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(COOKIE))
    assert "HttpOnly" in header and "SameSite=Lax" in header
    cookie = client.get_cookie(COOKIE)
    assert cookie.http_only and cookie.same_site == "Lax"
    assert timedelta(hours=11) < cookie.expires - cookie.expires.now(cookie.expires.tzinfo)


def test_the_console_page_embeds_the_csrf_token(client, accounts):
    log_in(client)
    assert len(page_token(client)) >= 32


def test_a_cookie_with_the_csrf_header_calls_the_next_ticket(client, accounts):
    first = issue(client, accounts)
    log_in(client)
    token = page_token(client)
    response = client.post(OFFICE + "/counters/1/call-next", headers={"X-CSRF-Token": token})
    assert response.status_code == 200
    assert response.get_json()["code"] == first["code"]
    assert client.get(OFFICE + "/counters/1").get_json()["current"]["number"] == "1001"


@pytest.mark.parametrize("headers", [{}, {"X-CSRF-Token": "forged"}], ids=["missing", "wrong"])
def test_a_cookie_without_its_csrf_token_is_refused_and_changes_nothing(client, accounts, headers):
    issue(client, accounts)
    log_in(client)
    response = client.post(OFFICE + "/counters/1/call-next", headers=headers)
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "csrf_failed"
    assert client.get(OFFICE + "/counters/1").get_json()["current"] is None


def test_reading_with_the_cookie_needs_no_csrf_token(client, accounts):
    log_in(client)
    response = client.get(OFFICE + "/counters/1")
    assert response.status_code == 200
    assert response.get_json()["counter"]["number"] == 1


def test_a_bearer_token_needs_no_csrf_header_even_beside_a_cookie(client, accounts):
    issue(client, accounts)
    log_in(client)
    response = client.post(OFFICE + "/counters/1/call-next", headers=bearer(accounts["staff1"]))
    assert response.status_code == 200


def test_a_wrong_password_gets_the_same_answer_as_an_unknown_user(client, accounts):
    wrong = log_in(client, "staff1", "not-the-password")
    unknown = log_in(client, "nobody-here", "not-the-password")
    assert wrong.status_code == unknown.status_code == 401
    error = re.compile(r'data-testid="login-error">([^<]+)<')
    shown = [error.search(answer.get_data(as_text=True)).group(1) for answer in (wrong, unknown)]
    assert shown == ["Sai tên đăng nhập hoặc mật khẩu."] * 2
    assert client.get(OFFICE + "/counters/1").status_code == 401


def test_the_login_form_refuses_a_post_without_its_own_token(client, accounts):
    response = client.post("/login", data={"username": "staff1", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get(OFFICE + "/counters/1").status_code == 401


def test_logging_out_clears_the_cookie_and_revokes_the_session(client, accounts):
    log_in(client)
    token = page_token(client)
    stolen = client.get_cookie(COOKIE).value
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert client.get(OFFICE + "/counters/1").status_code == 401
    # A copy of the old cookie is worthless too: its token was revoked.
    client.set_cookie(COOKIE, stolen)
    assert client.get(OFFICE + "/counters/1").status_code == 401


def test_logging_out_needs_the_csrf_token(client, accounts):
    log_in(client)
    response = client.post("/logout", data={})
    assert response.status_code == 302
    assert client.get(OFFICE + "/counters/1").status_code == 200


def test_the_session_ends_after_a_working_day(client, accounts, clock):
    log_in(client)
    assert client.get(OFFICE + "/counters/1").status_code == 200
    clock.now += timedelta(hours=12, minutes=1)
    assert client.get(OFFICE + "/counters/1").status_code == 401
    assert client.get(CONSOLE).headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example"])
def test_next_never_leads_to_another_site(client, accounts, target):
    response = log_in(client, next_path=target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/counter/test-office"


def test_the_console_asks_for_a_login_and_comes_back_afterwards(client, accounts):
    response = client.get(CONSOLE)
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=%2Fcounter%2Ftest-office%2F1"
    assert log_in(client, next_path=CONSOLE).headers["Location"] == CONSOLE


def test_staff_of_another_office_cannot_open_the_console(client, accounts):
    log_in(client, "otherstaff")
    assert client.get(CONSOLE).status_code == 403
    assert client.get("/counter/test-office").status_code == 403


@pytest.mark.parametrize("username", ["admin1", "manager1"])
def test_managers_and_admins_land_on_the_dashboard(client, accounts, username):
    assert log_in(client, username).headers["Location"] == "/dashboard"


def test_an_admin_chooses_an_office_then_a_counter(client, accounts):
    log_in(client, "admin1")
    offices = client.get("/counter").get_data(as_text=True)
    assert "/counter/test-office" in offices and "/counter/other-office" in offices
    assert client.get(CONSOLE).status_code == 200


def test_the_counter_chooser_lists_the_offices_counters(client, accounts):
    log_in(client)
    page = client.get("/counter/test-office").get_data(as_text=True)
    for number in (1, 2, 3, 4):
        assert f'href="/counter/test-office/{number}"' in page


def test_an_unknown_counter_is_a_404_page(client, accounts):
    log_in(client)
    assert client.get("/counter/test-office/99").status_code == 404


def test_the_login_page_switches_to_english(client):
    page = client.get("/login?lang=en").get_data(as_text=True)
    assert "<html lang=\"en\">" in page and "Username" in page
    assert "Tên đăng nhập" in client.get("/login?lang=vi").get_data(as_text=True)


def test_pages_cannot_be_framed_by_another_site(client, accounts):
    log_in(client)
    policy = client.get(CONSOLE).headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy


def test_socket_io_accepts_the_session_cookie_for_the_counter_channel(app, client, accounts):
    log_in(client)
    socket = socketio.test_client(app, flask_test_client=client)
    snapshot = socket.emit("subscribe", {"office": "test-office", "channel": "counter",
                                         "counter": 1}, callback=True)
    assert snapshot["counter"]["number"] == 1 and snapshot["current"] is None


def test_socket_io_ignores_the_cookie_when_another_site_connects(app, client, accounts):
    log_in(client)
    socket = socketio.test_client(app, flask_test_client=client,
                                  headers={"Origin": "https://evil.example"})
    answer = socket.emit("subscribe", {"office": "test-office", "channel": "counter",
                                       "counter": 1}, callback=True)
    assert answer["error"]["code"] == "missing_token"
