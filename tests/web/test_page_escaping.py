"""Hostile names typed by a manager are shown as text on every server-rendered page.

A manager names the office, its notice, the ticket header and footer, a service, a counter, a
priority category and an officer with markup, through the real /admin forms; an admin does the
same with their own name. Every page that shows one of those names is then fetched with the
Flask test client: the markup must only appear escaped, the page must carry no inline script,
event handler or element made from a name, and the names a page's script reads from embedded
JSON must come back exactly as typed from that JSON.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from urllib.parse import quote

import pytest
from markupsafe import escape

from queue_server.core.extensions import socketio

from ..conftest import bearer
from ..support.browsing import Browser

ADMIN = "/admin/offices/test-office"
OFFICE = "/api/v1/offices/test-office"

OFFICE_NAME = "<script>alert('office')</script>Xã Độc"
NOTICE = "<iframe src=javascript:alert('notice')></iframe>"
HEADER = "<svg onload=alert('header')>"
FOOTER = "</textarea><script>alert('footer')</script>"
SERVICE = "\"><img src=x onerror=alert('service')>"
COUNTER = "<script>alert('counter')</script>"
STAFF_NAME = "'><img src=x onerror=alert('staff')>"
ADMIN_NAME = "<script>alert('admin')</script>"
PRIORITY = "<b onmouseover=alert('priority')>Ưu tiên</b>"
HOSTILE = (OFFICE_NAME, NOTICE, HEADER, FOOTER, SERVICE, COUNTER, STAFF_NAME, ADMIN_NAME,
           PRIORITY)
# What only markup made from a name could put in a page.
FRAGMENTS = ("<script>alert", "<img src=x", "<svg onload", "<iframe src=javascript",
             "<b onmouseover")


class _PageReader(HTMLParser):
    """What a browser would run or build from the page, and its embedded JSON blocks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.json_blocks: dict[str, str] = {}
        self._json_id: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        names = dict(attrs)
        if tag == "script":
            if names.get("type") == "application/json":
                self._json_id = names.get("id") or "?"
                self.json_blocks[self._json_id] = ""
            elif "src" not in names:
                self.problems.append(f"inline <script> {names}")
        is_own_drawing = tag == "svg" and names.get("class") == "bell"  # the ticket page's bell
        if (tag in ("svg", "iframe") and not is_own_drawing) or (
                tag == "img" and names.get("src") == "x"):
            self.problems.append(f"<{tag}> made from text")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
            if value and re.match(r"\s*javascript:", value, re.IGNORECASE):
                self.problems.append(f"<{tag} {name}=javascript:…>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._json_id = None

    def handle_data(self, data: str) -> None:
        if self._json_id is not None:
            self.json_blocks[self._json_id] += data


def read_page(answer, status: int = 200) -> tuple[str, dict]:
    """The page's HTML, checked for anything a hostile name could have made; its JSON blocks."""
    assert answer.status_code == status, answer.status_code
    assert answer.mimetype == "text/html"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    policy = answer.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "unsafe-inline" not in policy
    page = answer.get_data(as_text=True)
    for text in (*HOSTILE, *FRAGMENTS):
        assert text not in page, text
    reader = _PageReader()
    reader.feed(page)
    reader.close()
    assert reader.problems == []
    return page, {key: json.loads(value) for key, value in reader.json_blocks.items()}


def assert_shown_as_text(page: str, *names: str) -> None:
    """Each name is on the page, escaped the way Jinja escapes it."""
    for name in names:
        assert str(escape(name)) in page, name


@pytest.fixture
def hostile(app, accounts):
    """The office named with markup through the real forms; a ticket waiting; browsers."""
    manager = Browser(app, "manager1")
    admin = Browser(app, "admin1")
    saved = [
        manager.post(ADMIN, {"name": OFFICE_NAME, "notice": NOTICE, "ticket_header": HEADER,
                             "ticket_footer": FOOTER}),
        manager.post(ADMIN + "/services/dat-dai", {"name": SERVICE}),
        manager.post(ADMIN + "/counters/1", {"name": COUNTER, "services": "dat-dai",
                                             "services_shown": "1", "state": "active"}),
        manager.post(ADMIN + "/priorities/elderly", {"name": PRIORITY, "sort_order": "0",
                                                     "state": "active"}),
        manager.post("/admin/users/staff1", {"full_name": STAFF_NAME, "role": "staff",
                                             "state": "active"}),
        admin.post("/admin/users/admin1", {"full_name": ADMIN_NAME, "role": "admin",
                                           "state": "active"}),
    ]
    assert [answer.status_code for answer in saved] == [303] * len(saved), [
        answer.get_data(as_text=True)[:2000] for answer in saved if answer.status_code != 303]
    answer = app.test_client().post(OFFICE + "/tickets", json={"service": "dat-dai"},
                                    headers=bearer(accounts["kiosk"]))
    assert answer.status_code == 201
    return {"manager": manager, "admin": admin, "ticket": answer.get_json(),
            "accounts": accounts}


# ---- the dashboard ----

def test_the_office_dashboard_shows_names_as_text_and_hands_them_over_as_json(hostile):
    page, blocks = read_page(hostile["manager"].get("/dashboard/test-office"))
    assert_shown_as_text(page, OFFICE_NAME, SERVICE, COUNTER, STAFF_NAME)
    config = blocks["dashboard-config"]
    assert config["office_name"] == OFFICE_NAME
    assert {"code": "dat-dai", "name": SERVICE} in config["services"]
    assert {"number": 1, "name": COUNTER} in config["counters"]
    assert STAFF_NAME in [person["name"] for person in config["people"]]


def test_the_printable_officer_report_shows_names_as_text(hostile):
    page, _ = read_page(hostile["manager"].get("/dashboard/test-office/officers?month=2026-11"))
    assert_shown_as_text(page, OFFICE_NAME, STAFF_NAME)


def test_the_province_page_renders_names_only_from_the_json_api(hostile):
    _page, blocks = read_page(hostile["admin"].get("/dashboard"))
    assert OFFICE_NAME not in json.dumps(blocks, ensure_ascii=False)
    answer = hostile["admin"].get("/api/v1/stats")
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert OFFICE_NAME in [row["name"] for row in answer.get_json()["offices"]]


def test_the_live_monitor_data_is_json(hostile):
    answer = hostile["manager"].get(OFFICE + "/monitor")
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    services = {row["service"]: row for row in answer.get_json()["services"]}
    assert services["dat-dai"]["name"] == SERVICE


# ---- /admin ----

@pytest.mark.parametrize(("url", "names"), [
    (ADMIN, (OFFICE_NAME, NOTICE, HEADER, FOOTER)),
    (ADMIN + "/services", (OFFICE_NAME, SERVICE)),
    (ADMIN + "/services/dat-dai", (SERVICE,)),
    (ADMIN + "/counters", (COUNTER, SERVICE)),
    (ADMIN + "/counters/1", (COUNTER, SERVICE)),
    (ADMIN + "/priorities", (PRIORITY,)),
    (ADMIN + "/users", (STAFF_NAME,)),
    ("/admin/users/staff1", (STAFF_NAME,)),
    (ADMIN + "/devices", (OFFICE_NAME,)),
    ("/admin/audit", (OFFICE_NAME, NOTICE, HEADER, FOOTER, SERVICE, COUNTER, PRIORITY,
                      STAFF_NAME)),
])
def test_the_managers_admin_pages_show_names_as_text(hostile, url, names):
    page, _ = read_page(hostile["manager"].get(url))
    assert_shown_as_text(page, *names)


@pytest.mark.parametrize(("url", "names"), [
    ("/admin", (OFFICE_NAME,)),
    ("/admin/admins", (ADMIN_NAME,)),
    ("/admin/users/admin1", (ADMIN_NAME,)),
    ("/admin/audit", (ADMIN_NAME,)),
])
def test_the_admins_pages_show_names_as_text(hostile, url, names):
    page, _ = read_page(hostile["admin"].get(url))
    assert_shown_as_text(page, *names)


def test_a_refused_form_gives_the_typing_back_as_text(hostile):
    answer = hostile["manager"].post(ADMIN + "/counters/1", {
        "name": COUNTER, "services_shown": "1", "state": "active"})
    page, _ = read_page(answer, 400)
    assert_shown_as_text(page, COUNTER)
    answer = hostile["manager"].post(ADMIN, {"name": OFFICE_NAME,
                                             "opening_hours": "thứ 2 – thứ 6",
                                             "ticket_footer": FOOTER})
    page, _ = read_page(answer, 400)
    assert_shown_as_text(page, OFFICE_NAME, FOOTER)


# ---- the public screens and the counter console ----

def test_the_kiosk_and_the_tv_show_names_as_text(client, hostile):
    page, _ = read_page(client.get("/kiosk/test-office"))
    assert_shown_as_text(page, OFFICE_NAME)
    page, _ = read_page(client.get("/display/test-office"))
    assert_shown_as_text(page, OFFICE_NAME, NOTICE)
    board = client.get(OFFICE + "/board")
    assert board.mimetype == "application/json"
    assert (board.get_json()["office_name"], board.get_json()["notice"]) == (OFFICE_NAME, NOTICE)


def test_the_rating_tablet_and_the_citizens_ticket_page_show_names_as_text(client, hostile):
    page, _ = read_page(client.get("/rate/test-office/1"))
    assert_shown_as_text(page, OFFICE_NAME, COUNTER)
    page, blocks = read_page(client.get(f"/t/{hostile['ticket']['code']}"))
    assert_shown_as_text(page, OFFICE_NAME, SERVICE)
    assert SERVICE in json.dumps(blocks["ticket-config"]["ticket"], ensure_ascii=False)


def test_the_counter_pages_show_names_as_text(app, hostile):
    staff = Browser(app, "staff1")
    page, _ = read_page(staff.get("/counter/test-office"))
    assert_shown_as_text(page, COUNTER, SERVICE)
    page, blocks = read_page(staff.get("/counter/test-office/1"))
    assert_shown_as_text(page, COUNTER, SERVICE, OFFICE_NAME)
    assert "console-config" in blocks


def test_the_boards_socket_data_carries_the_names_as_plain_data(app, hostile):
    socket = socketio.test_client(app, auth={"token": hostile["accounts"]["display"]})
    answer = socket.emit("subscribe", {"office": "test-office", "channel": "board"},
                         callback=True)
    assert OFFICE_NAME in json.dumps(answer, ensure_ascii=False)


@pytest.mark.parametrize("url", ["/kiosk/{slug}", "/display/{slug}", "/rate/{slug}/1",
                                 "/t/{slug}"])
def test_an_address_with_markup_is_shown_as_text(client, url):
    slug = "<img src=x onerror=alert(1)>"
    answer = client.get(url.format(slug=quote(slug, safe="")))
    page, _ = read_page(answer, 404)
    assert "<img src=x" not in page
    if "{slug}/1" in url or url.startswith(("/kiosk", "/display")):
        assert_shown_as_text(page, slug)
