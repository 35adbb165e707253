"""Who may call what: every route of app.url_map and every Socket.IO handler, against a table.

Adding a route or a socket channel without a line in the tables below fails
`test_every_route_has_an_entry` (or its socket twin): say who may call it, and the walk
checks that everyone else is refused. A line is `(endpoint, METHOD): Entry(ACCESS, …)`.

The callers: anonymous; a kiosk, a display, a printer and a rating tablet of the office, and a
kiosk, a printer and a rating tablet of another office; staff, manager and admin of the office
(an admin belongs to no office); staff and manager of another office; a province manager (a
manager of no office), who reads every office's dashboard and reports and changes nothing.
Each ACCESS below says by name whether another office's manager (`othermanager`) gets in:
only public routes and the pages that show them their own office (/counter, /logout, /admin,
the audit, /dashboard) admit them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import pytest
from flask import url_for
from markupsafe import escape
from sqlalchemy import select

from queue_server.core import i18n
from queue_server.core.extensions import socketio
from queue_server.models import Base, Device
from queue_server.procedures.importing import ProcedureSpec, apply_specs
from queue_server.realtime import broadcasts
from queue_server.tickets.queue_state import find_office

from ..conftest import bearer
from ..support.callers import PASSWORD, every_caller

USERS = ("staff1", "manager1", "admin1", "otherstaff", "othermanager", "provincemanager")
DEVICES = ("kiosk", "other_kiosk", "display", "printer", "other_printer", "rating",
           "other_rating", "integration", "other_integration")
CALLERS = ("anonymous", *DEVICES, *USERS)


@dataclass(frozen=True)
class Access:
    """Which callers get through; everyone else is refused (401 anonymous, else 403)."""

    name: str
    allowed: frozenset[str]
    page: bool = False  # a browser page: the login cookie counts, never a bearer token


def _access(name: str, *allowed: str, page: bool = False) -> Access:
    return Access(name, frozenset(allowed), page)


PUBLIC = _access("public", *CALLERS)
ANY_DEVICE = _access("any device", *DEVICES)
KIOSK_OR_STAFF = _access("kiosk of the office, or staff of the office",
                         "kiosk", "staff1", "manager1", "admin1")
STAFF_OF_OFFICE = _access("staff of the office", "staff1", "manager1", "admin1")
MANAGER_OF_OFFICE = _access("manager of the office or of the province, not another "
                            "office's manager", "manager1", "admin1", "provincemanager")
ACTING_MANAGER_OF_OFFICE = _access("manager of the office, not the province's, who only reads",
                                   "manager1", "admin1")
PROVINCE_READER = _access("province manager or admin", "provincemanager", "admin1")
STAFF_AND_UP = _access("any staff, manager or admin, of any office", *USERS)
FEED_READER = _access("manager of the office or of the province, admin, or the office's "
                      "integration token", "manager1", "admin1", "provincemanager", "integration")
ADMIN = _access("admin", "admin1")
PRINTER = _access("any printer", "printer", "other_printer")
PRINTER_OF_JOB = _access("the job's printer", "printer")
CITIZEN_OR_TABLET = _access("a citizen (no token) or the office's rating tablet",
                            "anonymous", "rating")
PUBLIC_PAGE = _access("public page", *CALLERS, page=True)
LOGGED_IN_PAGE = _access("logged-in page", *USERS, page=True)
STAFF_PAGE = _access("page for staff of the office", "staff1", "manager1", "admin1", page=True)
MANAGER_PAGE = _access("page for managers of the office, not another office's manager",
                       "manager1", "admin1", page=True)
OWN_OFFICE_MANAGER_PAGE = _access("page for any office's manager, showing their own office only",
                                  "manager1", "othermanager", "admin1", page=True)
DASHBOARD_PAGE = _access("dashboard page of the office: its managers, the province's, admins",
                         "manager1", "provincemanager", "admin1", page=True)
DASHBOARD_HOME = _access("/dashboard: any manager's own office, or the province",
                         "manager1", "othermanager", "provincemanager", "admin1", page=True)
ADMIN_PAGE = _access("page for admins", "admin1", page=True)


@dataclass(frozen=True)
class Entry:
    """Who may call a route, and what to send so that only authorization can refuse it."""

    access: Access
    args: dict = field(default_factory=dict)
    query: dict = field(default_factory=dict)
    body: dict | None = None
    ends_at_login: bool = False  # success leads to the login page (logging out)


CALL = {"number": "1", "counter": "1"}

ROUTES: dict[tuple[str, str], Entry] = {
    # Public API: the office's screens and the citizen's ticket (the code is the secret).
    ("api.openapi_document", "GET"): Entry(PUBLIC),
    ("api.create_token", "POST"): Entry(PUBLIC, body={"username": "staff1",
                                                      "password": PASSWORD}),
    ("api.list_offices", "GET"): Entry(PUBLIC),
    ("api.list_services", "GET"): Entry(PUBLIC),
    ("api.list_priorities", "GET"): Entry(PUBLIC),
    ("api.get_board", "GET"): Entry(PUBLIC),
    ("api.office_opening", "GET"): Entry(PUBLIC),
    ("api.announcement_sentence", "GET"): Entry(PUBLIC, query=CALL),
    ("api.announcement_audio", "GET"): Entry(PUBLIC, query=CALL),
    ("api.chime_audio", "GET"): Entry(PUBLIC),
    ("api.get_ticket", "GET"): Entry(PUBLIC),
    ("api.ticket_qr", "GET"): Entry(PUBLIC),
    ("api.slip_preview", "GET"): Entry(PUBLIC),
    ("api.near_turn_options", "GET"): Entry(PUBLIC),
    ("api.create_feedback", "POST"): Entry(CITIZEN_OR_TABLET, body={"rating": 5}),
    ("api.register_notify", "POST"): Entry(PUBLIC, body={"phone": "0912345678",
                                                         "consent": True}),
    ("api.list_slots", "GET"): Entry(PUBLIC, query={"service": "dat-dai",
                                                     "date": "2026-11-26"}),
    ("api.create_booking", "POST"): Entry(PUBLIC, body={
        "service": "dat-dai", "start": "2026-11-26T10:00:00+07:00", "phone": "0912345678"}),
    ("api.confirm_booking", "POST"): Entry(PUBLIC, args={"booking": "unknown-hold"},
                                           body={"otp": "123456"}),
    ("api.get_booking", "GET"): Entry(PUBLIC),
    ("api.cancel_booking", "DELETE"): Entry(PUBLIC),
    ("api.list_waits", "GET"): Entry(PUBLIC, query={"service": "dat-dai"}),
    # Devices.
    ("api.current_device", "GET"): Entry(ANY_DEVICE),
    ("api.issue_ticket", "POST"): Entry(KIOSK_OR_STAFF, body={"service": "dat-dai"}),
    ("api.create_check_in", "POST"): Entry(KIOSK_OR_STAFF, body={"booking": "ACDE3467"}),
    ("api.print_missing", "POST"): Entry(STAFF_OF_OFFICE),
    ("api.report_printer_status", "POST"): Entry(PRINTER, body={"state": "ok"}),
    ("api.acknowledge_print_job", "POST"): Entry(PRINTER_OF_JOB, body={"status": "printed"}),
    ("api.register_sms", "POST"): Entry(KIOSK_OR_STAFF, body={"phone": "0912345678",
                                                              "consent": True}),
    # Counter work.
    ("api.get_counter", "GET"): Entry(STAFF_OF_OFFICE),
    ("api.call_next", "POST"): Entry(STAFF_OF_OFFICE),
    ("api.call_specific", "POST"): Entry(STAFF_OF_OFFICE, body={"number": "1001"}),
    ("api.recall", "POST"): Entry(STAFF_OF_OFFICE),
    ("api.finish", "POST"): Entry(STAFF_OF_OFFICE),
    ("api.no_show", "POST"): Entry(STAFF_OF_OFFICE),
    ("api.transfer", "POST"): Entry(STAFF_OF_OFFICE, body={"service": "tu-phap"}),
    ("api.pause", "POST"): Entry(STAFF_OF_OFFICE, body={"reason": "Họp"}),
    ("api.resume", "POST"): Entry(STAFF_OF_OFFICE),
    ("api.cancel_ticket", "POST"): Entry(STAFF_OF_OFFICE),
    ("api.reprint_ticket", "POST"): Entry(STAFF_OF_OFFICE, body={}),
    ("api.list_printers", "GET"): Entry(STAFF_OF_OFFICE),
    ("api.record_visit", "PUT"): Entry(STAFF_OF_OFFICE, body={"outcome": "other"}),
    ("api.get_dossier", "GET"): Entry(STAFF_AND_UP, args={"dossier": "HS-001"}),
    ("api.office_visits", "GET"): Entry(FEED_READER),
    ("api.enter_paper_rating", "POST"): Entry(STAFF_OF_OFFICE,
                                              body={"number": "1001", "rating": 5}),
    # Pages and their files.
    ("static", "GET"): Entry(PUBLIC_PAGE, args={"filename": "vendor/socket.io.min.js"}),
    ("login.static", "GET"): Entry(PUBLIC_PAGE, args={"filename": "common.css"}),
    ("kiosk.static", "GET"): Entry(PUBLIC_PAGE, args={"filename": "kiosk.js"}),
    ("display.static", "GET"): Entry(PUBLIC_PAGE, args={"filename": "display.js"}),
    ("offline.static", "GET"): Entry(PUBLIC_PAGE, args={"filename": "offline.js"}),
    ("offline.service_worker", "GET"): Entry(PUBLIC_PAGE),
    # /healthz is for anyone; /metrics for this machine (the test client's address) or a token.
    ("operations.healthz", "GET"): Entry(PUBLIC_PAGE),
    ("operations.metrics", "GET"): Entry(PUBLIC_PAGE),
    ("fonts.font_stylesheet", "GET"): Entry(PUBLIC_PAGE),
    ("fonts.font_file", "GET"): Entry(PUBLIC_PAGE, args={"name": "BeVietnamPro-Bold.ttf"}),
    ("catalogue.catalogue", "GET"): Entry(PUBLIC, args={"language": "vi"}),
    ("kiosk.kiosk_page", "GET"): Entry(PUBLIC_PAGE),
    ("display.display_page", "GET"): Entry(PUBLIC_PAGE),
    ("ticket_page.ticket_page", "GET"): Entry(PUBLIC_PAGE),
    ("ticket_page.static", "GET"): Entry(PUBLIC_PAGE, args={"filename": "ticket.js"}),
    ("rating.rating_page", "GET"): Entry(PUBLIC_PAGE),  # the tablet's token is for the API
    ("rating.static", "GET"): Entry(PUBLIC_PAGE, args={"filename": "tablet.js"}),
    ("login.login_page", "GET"): Entry(PUBLIC_PAGE),
    ("start.start_page", "GET"): Entry(PUBLIC_PAGE),
    ("login.log_in", "POST"): Entry(PUBLIC_PAGE),
    ("login.logout_page", "GET"): Entry(LOGGED_IN_PAGE),
    ("login.log_out", "POST"): Entry(PUBLIC_PAGE, ends_at_login=True),
    ("counter.choose_office", "GET"): Entry(LOGGED_IN_PAGE),
    ("counter.choose_counter", "GET"): Entry(STAFF_PAGE),
    ("counter.console", "GET"): Entry(STAFF_PAGE),
    ("counter.paper_form", "GET"): Entry(STAFF_PAGE),
    # Administration (issue #7): managers for their own office, admins for every office.
    # POSTs here carry the session's CSRF token, as the page's form does, so that a refusal
    # is authorization's and not a stale form's (the CSRF walk below checks the token).
    ("admin.home", "GET"): Entry(OWN_OFFICE_MANAGER_PAGE),
    ("admin.new_office", "GET"): Entry(ADMIN_PAGE),
    ("admin.create_office", "POST"): Entry(ADMIN_PAGE),
    ("admin.office_page", "GET"): Entry(MANAGER_PAGE),
    ("admin.update_office", "POST"): Entry(MANAGER_PAGE),
    ("admin.services", "GET"): Entry(MANAGER_PAGE),
    ("admin.create_service", "POST"): Entry(MANAGER_PAGE),
    ("admin.service_page", "GET"): Entry(MANAGER_PAGE, args={"code": "dat-dai"}),
    ("admin.update_service", "POST"): Entry(MANAGER_PAGE, args={"code": "dat-dai"}),
    ("admin.counters", "GET"): Entry(MANAGER_PAGE),
    ("admin.create_counter", "POST"): Entry(MANAGER_PAGE),
    ("admin.counter_page", "GET"): Entry(MANAGER_PAGE),
    ("admin.update_counter", "POST"): Entry(MANAGER_PAGE),
    ("admin.priorities", "GET"): Entry(MANAGER_PAGE),
    ("admin.create_priority", "POST"): Entry(MANAGER_PAGE),
    ("admin.priority_page", "GET"): Entry(MANAGER_PAGE, args={"code": "elderly"}),
    ("admin.update_priority", "POST"): Entry(MANAGER_PAGE, args={"code": "elderly"}),
    ("admin.users", "GET"): Entry(MANAGER_PAGE),
    ("admin.create_user", "POST"): Entry(MANAGER_PAGE),
    ("admin.user_page", "GET"): Entry(MANAGER_PAGE, args={"username": "staff1"}),
    ("admin.update_user", "POST"): Entry(MANAGER_PAGE, args={"username": "staff1"}),
    ("admin.reset_password", "POST"): Entry(MANAGER_PAGE, args={"username": "staff1"}),
    ("admin.admins", "GET"): Entry(ADMIN_PAGE),
    ("admin.create_admin", "POST"): Entry(ADMIN_PAGE),
    ("admin.privacy", "GET"): Entry(ADMIN_PAGE),
    ("admin.privacy_request", "POST"): Entry(ADMIN_PAGE, body={"phone": "0912345678",
                                                                "action": "export"}),
    ("admin.devices", "GET"): Entry(MANAGER_PAGE),
    ("admin.create_device", "POST"): Entry(MANAGER_PAGE),
    ("admin.update_device", "POST"): Entry(MANAGER_PAGE, args={"device_id": 1}),
    ("admin.revoke_device", "POST"): Entry(MANAGER_PAGE, args={"device_id": 1}),
    ("admin.audit", "GET"): Entry(OWN_OFFICE_MANAGER_PAGE),
    ("admin.audit_csv", "GET"): Entry(OWN_OFFICE_MANAGER_PAGE),
    ("admin.messages", "GET"): Entry(OWN_OFFICE_MANAGER_PAGE),
    ("admin.messages_csv", "GET"): Entry(OWN_OFFICE_MANAGER_PAGE),
    # Reports, exports and the feedback inbox (issue #6).
    ("api.office_stats", "GET"): Entry(MANAGER_OF_OFFICE),
    ("api.office_stats_xlsx", "GET"): Entry(MANAGER_OF_OFFICE),
    ("api.office_stats_csv", "GET"): Entry(MANAGER_OF_OFFICE),
    ("api.tickets_xlsx", "GET"): Entry(MANAGER_OF_OFFICE),
    ("api.tickets_csv", "GET"): Entry(MANAGER_OF_OFFICE),
    ("api.office_monitor", "GET"): Entry(MANAGER_OF_OFFICE),
    ("api.officer_report", "GET"): Entry(MANAGER_OF_OFFICE),
    ("api.officer_report_xlsx", "GET"): Entry(MANAGER_OF_OFFICE),
    ("api.officer_report_csv", "GET"): Entry(MANAGER_OF_OFFICE),
    ("api.province_stats", "GET"): Entry(PROVINCE_READER),
    ("api.province_stats_xlsx", "GET"): Entry(PROVINCE_READER),
    ("api.province_stats_csv", "GET"): Entry(PROVINCE_READER),
    ("api.province_live", "GET"): Entry(PROVINCE_READER),
    ("api.list_inbox", "GET"): Entry(MANAGER_OF_OFFICE),
    ("api.assign_inbox_item", "POST"): Entry(ACTING_MANAGER_OF_OFFICE, args={"item": 1},
                                             body={"assignee": "manager1"}),
    ("api.answer_inbox_item", "POST"): Entry(ACTING_MANAGER_OF_OFFICE, args={"item": 1},
                                             body={"answer": "Cảm ơn ông/bà."}),
    ("api.close_inbox_item", "POST"): Entry(ACTING_MANAGER_OF_OFFICE, args={"item": 1}, body={}),
    ("api.ticket_reply", "GET"): Entry(PUBLIC),
    ("dashboard.home", "GET"): Entry(DASHBOARD_HOME),
    ("dashboard.office_dashboard", "GET"): Entry(DASHBOARD_PAGE),
    ("dashboard.officers_page", "GET"): Entry(DASHBOARD_PAGE),
    ("dashboard.static", "GET"): Entry(PUBLIC_PAGE, args={"filename": "dashboard.js"}),
    # The procedure catalogue (issue #20); the world has one procedure, 1.1.
    ("api.list_procedures", "GET"): Entry(PUBLIC),
    ("api.list_procedure_fields", "GET"): Entry(PUBLIC),
    ("api.get_procedure", "GET"): Entry(PUBLIC, args={"code": "1.1"}),
    ("api.print_checklist", "POST"): Entry(KIOSK_OR_STAFF, args={"code": "1.1"}),
    ("api.procedure_stats", "GET"): Entry(MANAGER_OF_OFFICE),
    ("procedure_pages.procedure_list", "GET"): Entry(PUBLIC_PAGE),
    ("procedure_pages.procedure_detail", "GET"): Entry(PUBLIC_PAGE, args={"code": "1.1"}),
    ("procedure_pages.procedure_poster", "GET"): Entry(PUBLIC_PAGE, args={"code": "1.1"}),
    ("booking_pages.booking_page", "GET"): Entry(PUBLIC_PAGE),
    ("booking_pages.booking_detail", "GET"): Entry(PUBLIC_PAGE, args={"code": "ACDE3467"}),
    ("booking_pages.booking_calendar", "GET"): Entry(PUBLIC_PAGE, args={"code": "ACDE3467"}),
    ("province_pages.province_page", "GET"): Entry(PUBLIC_PAGE),
    ("province_pages.office_page", "GET"): Entry(PUBLIC_PAGE),
    ("admin.procedures", "GET"): Entry(MANAGER_PAGE),
    ("admin.bookings", "GET"): Entry(MANAGER_PAGE),
    ("admin.close_booking_day", "POST"): Entry(MANAGER_PAGE, body={"day": "2026-12-25"}),
    ("admin.procedure_page", "GET"): Entry(MANAGER_PAGE, args={"code": "1.1"}),
    ("admin.update_procedure_page", "POST"): Entry(MANAGER_PAGE, args={"code": "1.1"}),
}

# Socket.IO: the handlers, and the channels `subscribe` offers (one `_subscribe_<channel>`
# function each in queue_server.realtime.broadcasts).
SOCKET_HANDLERS = {"connect", "disconnect", "subscribe"}
CHANNELS: dict[str, tuple[Access, dict]] = {
    "board": (PUBLIC, {"office": "test-office"}),
    "ticket": (PUBLIC, {}),  # the code is filled in
    "counter": (STAFF_OF_OFFICE, {"office": "test-office", "counter": 1}),
    "printer": (PRINTER, {}),
    "rating": (_access("the office's rating tablet", "rating"),
               {"office": "test-office", "counter": 1}),
    "dashboard": (MANAGER_OF_OFFICE, {"office": "test-office"}),
    "province": (PROVINCE_READER, {}),
}
REFUSALS = {"missing_token", "bad_token", "forbidden", "wrong_office", "not_a_printer",
            "not_a_rating_tablet"}


def _registered(app) -> set[tuple[str, str]]:
    return {(rule.endpoint, method) for rule in app.url_map.iter_rules()
            for method in rule.methods - {"HEAD", "OPTIONS"}}


def test_every_route_has_an_entry(app):
    registered = _registered(app)
    assert sorted(registered - set(ROUTES)) == [], "add these routes to ROUTES"
    assert sorted(set(ROUTES) - registered) == [], "these ROUTES entries are stale"


def test_every_socket_handler_and_channel_has_an_entry():
    assert set(socketio.server.handlers) == {"/"}
    assert set(socketio.server.handlers["/"]) == SOCKET_HANDLERS
    defined = {name.removeprefix("_subscribe_") for name in dir(broadcasts)
               if name.startswith("_subscribe_")}
    assert defined == set(CHANNELS)


@pytest.fixture
def world(app, clock, accounts):
    """Tokens of every caller, one issued ticket and its print job."""
    tokens = every_caller(app, clock, accounts)
    client = app.test_client()
    ticket = client.post("/api/v1/offices/test-office/tickets", json={"service": "dat-dai"},
                         headers=bearer(tokens["kiosk"])).get_json()
    assert ticket["print"]["job"] is not None
    with app.extensions["queue"].sessions() as session:
        office = find_office(session, "test-office")
        apply_specs(session, office, [ProcedureSpec(
            "1.1", "Đăng ký khai sinh", "Hộ tịch", office.services[1], ("Tờ khai",), "", "", "",
            "", "")], now=clock())
        session.commit()
    return {"tokens": tokens, "code": ticket["code"], "job_id": ticket["print"]["job"]}


def _url(app, endpoint: str, entry: Entry, world: dict) -> str:
    samples = {"slug": "test-office", "number": 1, "code": world["code"],
               "job_id": world["job_id"], **entry.args}
    rule = next(rule for rule in app.url_map.iter_rules() if rule.endpoint == endpoint)
    with app.test_request_context():
        return url_for(endpoint, **{name: samples[name] for name in rule.arguments},
                       **entry.query)


def _form_token(client, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def _page_client(app, caller: str):
    """A browser, logged in through the form for users, anonymous for the rest; and the CSRF
    token its pages put in their forms."""
    client = app.test_client()
    token = _form_token(client, "/login")
    if caller in USERS:
        answer = client.post("/login", data={"username": caller, "password": PASSWORD,
                                             "csrf_token": token})
        assert answer.status_code == 302
        token = _form_token(client, "/logout")  # logging in starts a new session and token
    return client, token


def _call(app, key: tuple[str, str], caller: str, world: dict):
    endpoint, method = key
    entry = ROUTES[key]
    url = _url(app, endpoint, entry, world)
    token = world["tokens"].get(caller)
    if entry.access.page:
        # Pages ignore bearer tokens; a device is just an anonymous browser there.
        client, csrf = _page_client(app, caller)
        headers = bearer(token) if caller in DEVICES else {}
        sent = {"data": {"csrf_token": csrf}} if method == "POST" else {}
    else:
        client, headers = app.test_client(), bearer(token) if token else {}
        sent = {"json": entry.body}
    with client.open(url, method=method, headers=headers, **sent) as response:
        return response.status_code, response.headers.get("Location", "")


def _is_login_redirect(status: int, location: str) -> bool:
    return status == 302 and location.startswith("/login")


@pytest.mark.parametrize("key", sorted(ROUTES), ids=lambda key: f"{key[1]} {key[0]}")
def test_each_route_admits_exactly_its_callers(app, world, key):
    access, ends_at_login = ROUTES[key].access, ROUTES[key].ends_at_login
    outcomes = {caller: _call(app, key, caller, world) for caller in CALLERS}
    wrong = {}
    for caller, (status, location) in outcomes.items():
        if caller in access.allowed:
            admitted = (status not in (401, 403) and status < 500
                        and (ends_at_login or not _is_login_redirect(status, location)))
            if not admitted:
                wrong[caller] = (status, "should be admitted")
        elif caller == "anonymous" or (access.page and caller in DEVICES):
            refused = _is_login_redirect(status, location) if access.page else status == 401
            if not refused:
                wrong[caller] = (status, "should be sent to log in" if access.page else "401")
        elif status != 403:
            wrong[caller] = (status, "should be 403")
    assert wrong == {}, f"{key} is for {access.name}"


def _socket(app, caller: str, world: dict):
    token = world["tokens"].get(caller)
    return socketio.test_client(app, auth={"token": token} if token else None)


@pytest.mark.parametrize("channel", sorted(CHANNELS))
def test_each_socket_channel_admits_exactly_its_callers(app, world, channel):
    access, data = CHANNELS[channel]
    message = {"channel": channel, **data}
    if channel == "ticket":
        message["code"] = world["code"]
    wrong = {}
    for caller in CALLERS:
        socket = _socket(app, caller, world)
        answer = socket.emit("subscribe", message, callback=True)
        socket.disconnect()
        refused = isinstance(answer, dict) and answer.get("error", {}).get("code") in REFUSALS
        if refused == (caller in access.allowed):
            wrong[caller] = answer.get("error") if isinstance(answer, dict) else answer
    assert wrong == {}, f"channel {channel} is for {access.name}"


def test_a_counter_channel_of_another_office_is_refused_to_its_staff(app, world):
    socket = _socket(app, "otherstaff", world)
    answer = socket.emit("subscribe", {"channel": "counter", "office": "test-office",
                                       "counter": 1}, callback=True)
    assert answer["error"]["code"] == "wrong_office"


@pytest.mark.parametrize("token", ["u_forged", "d_forged", "nonsense"])
def test_a_connection_with_a_bad_token_is_refused(app, token):
    assert socketio.test_client(app, auth={"token": token}).is_connected() is False


def test_unknown_channels_and_shapes_are_coded_errors(app, world):
    socket = _socket(app, "anonymous", world)
    for message in [{"channel": "admin"}, "board", ["board"], None, {"channel": "counter"}]:
        answer = socket.emit("subscribe", message, callback=True)
        assert answer["error"]["code"] in {"invalid_field", "unknown_office"} | REFUSALS


# CSRF: every state-changing page route (outside the JSON API, which checks CSRF for cookies
# in `principal()`). Each is tried by a caller who may make the change, with a form that makes
# one: without the session's token (or with an empty, forged or another session's token) the
# request gets the route's stale-form refusal and the database is untouched; the same form
# with the token is not refused and changes the database.
STALE_ADMIN_FORM = (400, str(escape(i18n.message("stale_form", "vi"))))
STALE_LOGIN_FORM = (400, str(escape(i18n.text("login", "stale_form", "vi"))))
BACK_TO_LOGOUT_PAGE = (302, "/logout")  # the one-button page, to log out with the token


@dataclass(frozen=True)
class Change:
    """Who may make the change, the form that makes it, and how a stale form is refused."""

    caller: str
    form: dict
    refusal: tuple[int, str] = STALE_ADMIN_FORM  # status, and text in the page or Location
    args: dict = field(default_factory=dict)


SECRET = "Hang-doi-2026-x"
# Device ids in creation order (the `accounts` fixture, then callers.EXTRA_DEVICES).
KIOSK_1, PRINTER_1 = 1, 4
PAGE_CHANGES: dict[tuple[str, str], Change] = {
    ("login.log_in", "POST"): Change("anonymous", {"username": "staff1", "password": PASSWORD},
                                     STALE_LOGIN_FORM),
    ("login.log_out", "POST"): Change("staff1", {}, BACK_TO_LOGOUT_PAGE),
    ("admin.create_office", "POST"): Change("admin1", {"slug": "xa-moi", "name": "Xã Mới",
                                                       "opening_hours": "24/7"}),
    ("admin.update_office", "POST"): Change("manager1", {"notice": "Chiều nay nghỉ họp"}),
    ("admin.create_service", "POST"): Change("manager1", {
        "code": "chung-thuc", "name": "Chứng thực", "prefix": "5", "mean_service_minutes": "8",
        "target_wait_minutes": "15", "start_number": "1", "sort_order": "",
        "daily_capacity": "", "state": "open"}),
    ("admin.update_service", "POST"): Change("manager1", {"name": "Đất đai – Nhà ở"}),
    ("admin.create_counter", "POST"): Change("manager1", {
        "number": "5", "name": "Quầy 5", "services": "dat-dai", "services_shown": "1"}),
    ("admin.update_counter", "POST"): Change("manager1", {
        "name": "Quầy một", "services": "dat-dai", "services_shown": "1", "state": "active"}),
    ("admin.create_priority", "POST"): Change("manager1", {"code": "mang-thai",
                                                           "name": "Phụ nữ mang thai"}),
    ("admin.update_priority", "POST"): Change("manager1", {
        "name": "Người cao tuổi", "sort_order": "0", "state": "retired"}),
    ("admin.create_user", "POST"): Change("manager1", {
        "username": "canbo9", "role": "staff", "password": SECRET, "password_confirm": SECRET}),
    ("admin.update_user", "POST"): Change("manager1", {"full_name": "Nguyễn Văn B",
                                                       "role": "staff", "state": "active"}),
    ("admin.reset_password", "POST"): Change("manager1", {"password": SECRET,
                                                          "password_confirm": SECRET}),
    ("admin.create_admin", "POST"): Change("admin1", {
        "username": "quantri2", "password": SECRET, "password_confirm": SECRET}),
    ("admin.create_device", "POST"): Change("manager1", {"name": "kiosk-sanh", "kind": "kiosk",
                                                         "kiosk": ""}),
    ("admin.update_device", "POST"): Change("manager1", {"kiosk": str(KIOSK_1)},
                                            args={"device_id": PRINTER_1}),
    ("admin.revoke_device", "POST"): Change("manager1", {}, args={"device_id": KIOSK_1}),
    ("admin.update_procedure_page", "POST"): Change("manager1", {
        "name": "Đăng ký khai sinh lưu động", "field": "Hộ tịch", "service": "tu-phap",
        "documents": "Tờ khai", "processing_time": "", "fees": "", "forms": "",
        "legal_basis": "", "url": "", "state": "shown"}),
    ("admin.close_booking_day", "POST"): Change("manager1", {"day": "2026-12-25"}),
    ("admin.privacy_request", "POST"): Change("admin1", {"phone": "0912345678",
                                                         "action": "export"}),
}


def test_every_state_changing_page_route_is_listed_for_csrf(app):
    changing = {(endpoint, method) for endpoint, method in _registered(app)
                if method != "GET" and not endpoint.startswith("api.")}
    assert changing == set(PAGE_CHANGES)


def test_each_csrf_change_is_made_by_a_caller_the_route_admits():
    for key, change in PAGE_CHANGES.items():
        assert change.caller in ROUTES[key].access.allowed, key


def _database(app) -> dict[str, list[str]]:
    """Every row of every table."""
    with app.extensions["queue"].sessions() as session:
        return {table.name: sorted(repr(tuple(row)) for row in session.execute(table.select()))
                for table in Base.metadata.sorted_tables}


def _logged_in(client) -> bool:
    return client.get("/logout").status_code == 200


def _is_refusal(answer, refusal: tuple[int, str]) -> bool:
    status, text = refusal
    return answer.status_code == status and (
        text in answer.get_data(as_text=True) or answer.headers.get("Location") == text)


@pytest.mark.parametrize("key", sorted(PAGE_CHANGES), ids=lambda key: key[0])
def test_state_changing_pages_refuse_a_request_without_the_csrf_token(app, world, key):
    change = PAGE_CHANGES[key]
    with app.extensions["queue"].sessions() as session:
        names = dict(session.execute(select(Device.id, Device.name)).all())
    assert (names[KIOSK_1], names[PRINTER_1]) == ("kiosk-1", "printer-1")
    client, token = _page_client(app, change.caller)
    another_sessions_token = _page_client(app, "anonymous")[1]
    entry = ROUTES[key]
    url = _url(app, key[0], replace(entry, args={**entry.args, **change.args}), world)
    before = _database(app)
    for forged in ({}, {"csrf_token": ""}, {"csrf_token": "forged"},
                   {"csrf_token": another_sessions_token}):
        answer = client.open(url, method=key[1], data={**change.form, **forged})
        assert _is_refusal(answer, change.refusal), (forged, answer.status_code)
        assert _database(app) == before, forged
        # Still the same session: logout kept it, login did not start one.
        assert _logged_in(client) is (change.caller in USERS)
    answer = client.open(url, method=key[1], data={**change.form, "csrf_token": token})
    assert answer.status_code in (200, 302, 303), answer.get_data(as_text=True)[:2000]
    assert not _is_refusal(answer, change.refusal)
    assert _database(app) != before, "the form with the token should have changed something"


def test_the_json_api_refuses_a_cookie_without_the_csrf_header(app, world):
    """Each POST a logged-in browser may make (devices' own aside): refused without the
    X-CSRF-Token header or with a wrong one, nothing changed; admitted with it."""
    browsers = {user: _page_client(app, user) for user in ("staff1", "manager1", "admin1")}
    tried = set()
    for key, entry in ROUTES.items():
        allowed = [user for user in browsers if user in entry.access.allowed]
        if (key[1] != "POST" or entry.access.page or "anonymous" in entry.access.allowed
                or not allowed):
            continue
        client, token = browsers[allowed[-1]]  # the least powerful caller who may
        url = _url(app, key[0], entry, world)
        before = _database(app)
        for headers in ({}, {"X-CSRF-Token": "forged"},
                        {"X-CSRF-Token": browsers[allowed[0]][1]} if len(allowed) > 1 else {}):
            answer = client.post(url, json=entry.body, headers=headers)
            assert answer.status_code == 403, (key, headers)
            assert answer.get_json()["error"]["code"] == "csrf_failed"
            assert _database(app) == before, key
        answer = client.post(url, json=entry.body, headers={"X-CSRF-Token": token})
        assert answer.status_code not in (401, 403) and answer.status_code < 500, (
            key, answer.get_json())
        tried.add(key[0])
    assert {"api.call_next", "api.answer_inbox_item", "api.issue_ticket"} <= tried
