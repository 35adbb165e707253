"""/admin through HTTP: each operation, each role, CSRF, coded errors, live effects, the audit."""

from __future__ import annotations

import csv
import html
import io
import json
import os
import re
from datetime import timedelta
from pathlib import Path

import pytest

from queue_server import cli
from queue_server.core.clock import utc_now
from queue_server.core.extensions import socketio
from queue_server.models import DeviceKind, Role
from queue_server.security.tokens import add_device, add_user
from queue_server.tickets.queue_state import find_office

from ..conftest import bearer
from ..support.browsing import PASSWORD, Browser

ROOT = Path(__file__).parents[2]
OFFICE = "/api/v1/offices/test-office"
ADMIN = "/admin/offices/test-office"


@pytest.fixture
def people(app, clock, accounts):
    """accounts plus a manager of the other office."""
    with app.extensions["queue"].sessions() as session:
        add_user(session, "othermanager", PASSWORD, Role.MANAGER,
                 find_office(session, "other-office"), now=clock())
        session.commit()
    return accounts


@pytest.fixture
def manager(app, people) -> Browser:
    return Browser(app, "manager1")


@pytest.fixture
def admin(app, people) -> Browser:
    return Browser(app, "admin1")


def board_listener(app):
    socket = socketio.test_client(app)
    socket.emit("subscribe", {"office": "test-office", "channel": "board"}, callback=True)
    return socket


def office_changes(socket) -> list[dict]:
    return [event["args"][0] for event in socket.get_received()
            if event["name"] == "office_changed"]


def error_codes(page: str) -> dict[str, str]:
    """Field → error code, as the form shows them."""
    return dict(re.findall(r'data-testid="error-(\w+)" data-code="(\w+)"', page))


def services(client) -> dict[str, dict]:
    return {item["code"]: item for item in client.get(OFFICE + "/services").get_json()}


NEW_SERVICE = {"code": "chung-thuc", "name": "Chứng thực", "prefix": "5",
               "mean_service_minutes": "8", "target_wait_minutes": "15", "start_number": "1",
               "sort_order": "", "daily_capacity": "", "state": "open"}


# ---- who may use /admin ----

@pytest.mark.parametrize("username, url, status", [
    (None, "/admin", 302),
    ("staff1", "/admin", 403),
    ("staff1", ADMIN, 403),
    ("manager1", ADMIN, 200),
    ("manager1", "/admin/offices/other-office", 403),
    ("othermanager", ADMIN, 403),
    ("othermanager", ADMIN + "/services", 403),
    ("othermanager", "/admin/users/staff1", 403),
    ("manager1", "/admin/users/otherstaff", 403),
    ("manager1", "/admin/users/admin1", 403),
    ("manager1", "/admin/admins", 403),
    ("manager1", "/admin/offices/new", 403),
    ("admin1", ADMIN, 200),
    ("admin1", "/admin/offices/other-office/devices", 200),
    ("admin1", "/admin/admins", 200),
    ("admin1", "/admin/users/otherstaff", 200),
])
def test_each_role_reaches_exactly_its_own_offices(app, people, username, url, status):
    answer = Browser(app, username).get(url)
    assert answer.status_code == status
    if username is None:
        assert answer.headers["Location"].startswith("/login")


def test_a_manager_lands_on_their_office_and_an_admin_chooses(app, manager, admin):
    assert manager.get("/admin").headers["Location"] == ADMIN
    page = admin.get("/admin").get_data(as_text=True)
    assert 'data-testid="office-test-office"' in page
    assert 'data-testid="office-other-office"' in page


def test_another_offices_manager_cannot_change_this_office(app, people, client):
    outsider = Browser(app, "othermanager")
    answer = outsider.post(ADMIN, {"notice": "Không được phép"})
    assert answer.status_code == 403
    assert client.get(OFFICE + "/board").get_json()["notice"] != "Không được phép"


def test_a_form_without_the_csrf_token_changes_nothing(manager, client):
    answer = manager.post(ADMIN, {"notice": "Giả mạo"}, csrf=False)
    assert answer.status_code == 400
    answer = manager.client.post(ADMIN, data={"notice": "Giả mạo", "csrf_token": "forged"})
    assert answer.status_code == 400
    assert client.get(OFFICE + "/board").get_json()["notice"] != "Giả mạo"


# ---- the office ----

def test_office_settings_apply_at_once_and_tell_the_screens(app, manager, client):
    socket = board_listener(app)
    answer = manager.post(ADMIN, {"notice": "Chiều nay nghỉ họp", "name": "Bộ phận Một cửa",
                                  "holidays": "02/09/2026\n2026-09-01",
                                  "number_region": "south"})
    assert answer.status_code == 303 and answer.headers["Location"] == ADMIN + "?done=saved"
    board = client.get(OFFICE + "/board").get_json()
    assert (board["notice"], board["office_name"]) == ("Chiều nay nghỉ họp", "Bộ phận Một cửa")
    assert office_changes(socket) == [{"office": "test-office"}]
    page = manager.get(ADMIN).get_data(as_text=True)
    assert "01/09/2026\n02/09/2026" in page


def test_a_mistake_is_shown_with_its_code_and_the_typing_is_kept(manager, client):
    answer = manager.post(ADMIN, {"name": "Tên mới", "opening_hours": "thứ 2 – thứ 6",
                                  "near_threshold": "100"})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert error_codes(page) == {"opening_hours": "field_invalid_opening_hours",
                                 "near_threshold": "field_out_of_range"}
    assert 'value="Tên mới"' in page and 'value="thứ 2 – thứ 6"' in page
    assert client.get(OFFICE + "/board").get_json()["office_name"] != "Tên mới"


def test_the_pages_and_their_errors_come_in_english_too(manager):
    page = manager.get(ADMIN + "?lang=en").get_data(as_text=True)
    assert "General settings" in page and 'lang="en"' in page
    answer = manager.post(ADMIN, {"opening_hours": "every day"})
    assert "Opening hours are not in the expected form" in answer.get_data(as_text=True)


def test_an_admin_creates_an_office_and_a_manager_may_not(app, admin, manager, client):
    assert manager.post("/admin/offices", {"slug": "xa-moi", "name": "Xã Mới"}).status_code == 403
    answer = admin.post("/admin/offices", {"slug": "xa-moi", "name": "Xã Mới",
                                           "opening_hours": "24/7"})
    assert answer.status_code == 303
    assert answer.headers["Location"].startswith("/admin/offices/xa-moi/services")
    assert {"slug": "xa-moi", "name": "Xã Mới"} in client.get("/api/v1/offices").get_json()
    again = admin.post("/admin/offices", {"slug": "xa-moi", "name": "Lặp"})
    assert error_codes(again.get_data(as_text=True)) == {"slug": "office_exists"}


# ---- services, counters, priorities ----

def test_a_new_service_reaches_the_kiosk_list_once_a_counter_serves_it(app, manager, client):
    socket = board_listener(app)
    assert services(client).get("chung-thuc") is None
    assert manager.post(ADMIN + "/services", NEW_SERVICE).status_code == 303
    assert services(client)["chung-thuc"]["is_open"] is False  # no counter serves it yet
    answer = manager.post(ADMIN + "/counters", {"number": "5", "name": "",
                                                "services": "chung-thuc",
                                                "services_shown": "1"})
    assert answer.status_code == 303
    # Read through the office's cached queue: forgotten at once, so the new counter forecasts.
    listed = services(client)["chung-thuc"]
    assert (listed["is_open"], listed["counters"], listed["waiting"]) == (True, [5], 0)
    assert listed["estimated_wait_s"] == 0
    assert len(office_changes(socket)) == 2


def test_service_mistakes_come_back_coded(manager):
    page = manager.post(ADMIN + "/services", {**NEW_SERVICE, "code": "Chứng Thực",
                                              "prefix": "1", "daily_capacity": "0"})
    assert page.status_code == 400
    assert error_codes(page.get_data(as_text=True)) == {
        "code": "field_invalid_code", "daily_capacity": "field_out_of_range"}
    page = manager.post(ADMIN + "/services", {**NEW_SERVICE, "prefix": "1"})
    assert error_codes(page.get_data(as_text=True)) == {"prefix": "prefix_taken"}


def test_a_closed_service_refuses_tickets_and_leaves_the_kiosk(manager, client, people):
    answer = manager.post(ADMIN + "/services/dat-dai", {"state": "closed"})
    assert answer.status_code == 303
    assert services(client)["dat-dai"]["is_open"] is False
    refused = client.post(OFFICE + "/tickets", json={"service": "dat-dai"},
                          headers=bearer(people["kiosk"]))
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "service_closed"


def test_a_busy_counter_is_not_retired(manager, client, people):
    client.post(OFFICE + "/tickets", json={"service": "tu-phap"}, headers=bearer(people["kiosk"]))
    client.post(OFFICE + "/counters/3/call-next", headers=bearer(people["staff1"]))
    answer = manager.post(ADMIN + "/counters/3", {"state": "retired", "services": "tu-phap",
                                                  "services_shown": "1", "name": "Quầy 3"})
    assert answer.status_code == 409
    assert 'data-testid="error-form"' in answer.get_data(as_text=True)
    assert "counter_busy" in answer.get_data(as_text=True)


def test_counters_change_their_services_and_unknown_ones_are_404(manager, client):
    answer = manager.post(ADMIN + "/counters/4", {"name": "Quầy trả kết quả",
                                                  "services": ["tra-ket-qua", "tu-phap"],
                                                  "services_shown": "1", "state": "active"})
    assert answer.status_code == 303
    assert services(client)["tu-phap"]["counters"] == [3, 4]
    empty = manager.post(ADMIN + "/counters/4", {"services_shown": "1", "state": "active"})
    assert error_codes(empty.get_data(as_text=True)) == {"services": "counter_needs_service"}
    assert manager.get(ADMIN + "/counters/77").status_code == 404
    assert manager.get(ADMIN + "/services/khong-co").status_code == 404


def test_priority_categories_reach_the_kiosk_at_once(manager, client):
    answer = manager.post(ADMIN + "/priorities", {"code": "mang-thai",
                                                  "name": "Phụ nữ mang thai"})
    assert answer.status_code == 303
    codes = [item["code"] for item in client.get(OFFICE + "/priorities").get_json()]
    assert codes == ["elderly", "disability", "mang-thai"]
    manager.post(ADMIN + "/priorities/elderly", {"name": "Người cao tuổi", "sort_order": "0",
                                                 "state": "retired"})
    codes = [item["code"] for item in client.get(OFFICE + "/priorities").get_json()]
    assert codes == ["disability", "mang-thai"]


# ---- accounts ----

def token_for(client, username: str, password: str = PASSWORD):
    return client.post("/api/v1/auth/token", json={"username": username, "password": password})


def test_a_manager_adds_an_officer_who_can_then_log_in(manager, client):
    weak = manager.post(ADMIN + "/users", {"username": "canbo9", "role": "staff",
                                           "password": "matkhau123",
                                           "password_confirm": "matkhau123"})
    assert weak.status_code == 400
    assert error_codes(weak.get_data(as_text=True)) == {"password": "weak_password"}
    assert "matkhau123" not in weak.get_data(as_text=True)  # never echoed back
    answer = manager.post(ADMIN + "/users", {"username": "canbo9", "full_name": "Nguyễn Văn A",
                                             "role": "staff", "password": "Hang-doi-2026-x",
                                             "password_confirm": "Hang-doi-2026-x"})
    assert answer.status_code == 303
    assert token_for(client, "canbo9", "Hang-doi-2026-x").status_code == 200


def test_a_manager_cannot_make_an_admin(manager):
    answer = manager.post(ADMIN + "/users", {"username": "sep", "role": "admin",
                                             "password": "Hang-doi-2026-x",
                                             "password_confirm": "Hang-doi-2026-x"})
    assert error_codes(answer.get_data(as_text=True)) == {"role": "role_not_allowed"}


def test_disabling_an_account_logs_it_out_at_once(manager, client, people):
    assert client.get(OFFICE + "/counters/1", headers=bearer(people["staff1"])).status_code == 200
    answer = manager.post("/admin/users/staff1", {"full_name": "", "role": "staff",
                                                  "state": "disabled"})
    assert answer.status_code == 303
    assert client.get(OFFICE + "/counters/1", headers=bearer(people["staff1"])).status_code == 401
    assert token_for(client, "staff1").status_code == 401


def test_a_manager_cannot_disable_themselves(manager, people):
    answer = manager.post("/admin/users/manager1", {"role": "manager", "state": "disabled"})
    assert error_codes(answer.get_data(as_text=True)) == {"state": "own_account"}


def test_a_password_reset_logs_the_user_out_and_the_new_one_works(admin, client, people):
    answer = admin.post("/admin/users/otherstaff/password",
                        {"password": "Mat-khau-moi-2026", "password_confirm": "Mat-khau-moi-2026"})
    assert answer.status_code == 303
    assert client.get("/api/v1/offices/other-office/counters/1",
                      headers=bearer(people["otherstaff"])).status_code == 401
    assert token_for(client, "otherstaff", "Mat-khau-moi-2026").status_code == 200


def test_an_admin_moves_an_officer_to_another_office(admin, client, people):
    answer = admin.post("/admin/users/staff1", {"role": "staff", "office": "other-office",
                                                "state": "active"})
    assert answer.status_code == 303
    assert client.get(OFFICE + "/counters/1", headers=bearer(people["staff1"])).status_code == 403


def test_an_admin_adds_another_admin(admin, client):
    answer = admin.post("/admin/admins", {"username": "quantri2", "password": "Quan-tri-2026-z",
                                          "password_confirm": "Quan-tri-2026-z"})
    assert answer.status_code == 303
    assert token_for(client, "quantri2", "Quan-tri-2026-z").get_json()["role"] == "admin"


# ---- devices ----

def test_a_new_device_token_is_shown_once_and_works(app, manager, client):
    answer = manager.post(ADMIN + "/devices", {"name": "kiosk-sanh", "kind": "kiosk",
                                               "kiosk": ""})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    token = re.search(r'data-testid="device-token">(d_[\w-]+)<', page).group(1)
    assert f"/kiosk/test-office?token={token}" in page
    me = client.get("/api/v1/devices/me", headers=bearer(token)).get_json()
    assert me == {"name": "kiosk-sanh", "kind": "kiosk", "office": "test-office"}
    assert token not in manager.get(ADMIN + "/devices").get_data(as_text=True)


def test_a_revoked_device_is_refused_at_once_and_its_kiosk_is_told(app, manager, client, people):
    socket = board_listener(app)
    kiosk_id = _device_id(manager, "kiosk-1")
    answer = manager.post(f"{ADMIN}/devices/{kiosk_id}/revoke")
    assert answer.status_code == 303
    refused = client.post(OFFICE + "/tickets", json={"service": "dat-dai"},
                          headers=bearer(people["kiosk"]))
    assert refused.status_code == 401
    assert office_changes(socket) == [{"office": "test-office"}]


def test_a_revoked_devices_open_connection_is_closed(app, manager):
    page = manager.post(ADMIN + "/devices", {"name": "danh-gia-1", "kind": "rating"})
    token = re.search(r'data-testid="device-token">(d_[\w-]+)<', page.get_data(as_text=True))
    tablet = socketio.test_client(app, auth={"token": token.group(1)})
    answer = tablet.emit("subscribe", {"channel": "rating", "office": "test-office",
                                       "counter": 1}, callback=True)
    assert "error" not in answer and tablet.is_connected()
    manager.post(f"{ADMIN}/devices/{_device_id(manager, 'danh-gia-1')}/revoke")
    assert not tablet.is_connected()


def _device_id(browser: Browser, name: str) -> int:
    page = browser.get(ADMIN + "/devices").get_data(as_text=True)
    return int(re.search(r'data-testid="device-(\d+)">\s*<td class="device-name">'
                         + re.escape(name) + "<", page).group(1))


def test_a_printer_is_paired_with_a_kiosk(manager):
    manager.post(ADMIN + "/devices", {"name": "may-in-1", "kind": "printer", "kiosk": ""})
    printer_id, kiosk_id = _device_id(manager, "may-in-1"), _device_id(manager, "kiosk-1")
    answer = manager.post(f"{ADMIN}/devices/{printer_id}", {"kiosk": str(kiosk_id)})
    assert answer.status_code == 303 and answer.headers["Location"].endswith("done=saved")
    page = manager.get(ADMIN + "/devices").get_data(as_text=True)
    assert re.search(rf'<option value="{kiosk_id}" selected>kiosk-1</option>', page)
    wrong = manager.post(f"{ADMIN}/devices/{kiosk_id}", {"kiosk": str(kiosk_id)})
    assert error_codes(wrong.get_data(as_text=True)) == {"kiosk": "kiosk_only_for_printer"}


def test_another_offices_device_is_not_found_here(admin):
    other_kiosk = _device_id_in(admin, "other-office", "kiosk-2")
    assert admin.post(f"{ADMIN}/devices/{other_kiosk}/revoke").status_code == 404


def _device_id_in(browser: Browser, slug: str, name: str) -> int:
    page = browser.get(f"/admin/offices/{slug}/devices").get_data(as_text=True)
    return int(re.search(r'data-testid="device-(\d+)">\s*<td class="device-name">'
                         + re.escape(name) + "<", page).group(1))


# ---- hostile names ----

HOSTILE = "<img src=x onerror=alert(1)>"


def test_names_typed_by_a_manager_are_shown_as_text_in_the_admin_pages(manager):
    manager.post(ADMIN + "/services", {**NEW_SERVICE, "name": HOSTILE})
    manager.post(ADMIN + "/priorities", {"code": "doc", "name": HOSTILE})
    manager.post(ADMIN + "/devices", {"name": HOSTILE, "kind": "display"})
    manager.post(ADMIN, {"notice": HOSTILE})
    for url in (ADMIN + "/services", ADMIN + "/priorities", ADMIN + "/devices", ADMIN,
                "/admin/audit"):
        page = manager.get(url).get_data(as_text=True)
        assert "<img src=x" not in page, url
        assert "&lt;img src=x onerror=alert(1)&gt;" in page, url


# ---- the audit page ----

def test_the_audit_page_shows_admin_changes_and_ticket_actions(manager, client, people):
    manager.post(ADMIN + "/services/dat-dai", {"name": "Đất đai – Nhà ở"})
    client.post(OFFICE + "/tickets", json={"service": "tu-phap"}, headers=bearer(people["kiosk"]))
    client.post(OFFICE + "/counters/3/call-next", headers=bearer(people["staff1"]))
    page = manager.get("/admin/audit").get_data(as_text=True)
    assert "Đất đai – Nhà ở" in page and "manager1" in page and "127.0.0.1" in page
    assert "kiosk-1" in page and "staff1" in page and "Quầy 3" in page
    only_calls = manager.get("/admin/audit?kind=ticket:called").get_data(as_text=True)
    assert "staff1" in only_calls and "Đất đai – Nhà ở" not in only_calls
    by_user = manager.get("/admin/audit?user=MANAGER1").get_data(as_text=True)
    assert "Đất đai – Nhà ở" in by_user and "kiosk-1" not in by_user


def test_a_manager_sees_only_their_office_in_the_audit(app, manager, admin):
    admin.post("/admin/offices/other-office", {"notice": "Chỉ ở phường khác"})
    mine = manager.get("/admin/audit?office=other-office").get_data(as_text=True)
    assert "Chỉ ở phường khác" not in mine
    assert "Chỉ ở phường khác" in admin.get("/admin/audit").get_data(as_text=True)


def test_the_audit_date_filter_is_checked(manager):
    answer = manager.get("/admin/audit?from=31/02/2026")
    assert answer.status_code == 200
    assert error_codes(answer.get_data(as_text=True)) == {"from": "field_invalid_date"}
    empty = manager.get("/admin/audit?from=01/01/2020&to=02/01/2020").get_data(as_text=True)
    assert 'data-testid="no-rows"' in empty


def test_the_audit_csv_is_excel_ready_and_never_a_formula(manager):
    manager.post(ADMIN + "/services", {**NEW_SERVICE, "name": '=HYPERLINK("http://x","Bấm")'})
    answer = manager.get("/admin/audit.csv")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    body = answer.get_data(as_text=True)
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.removeprefix("\ufeff")), delimiter=";"))
    assert rows[0] == ["time", "office", "source", "kind", "action", "who", "where", "object",
                       "details"]
    created = next(row for row in rows if row[3] == "service" and row[7] == "chung-thuc")
    assert created[5] == "manager1" and "HYPERLINK" in created[8]
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


# ---- what else the audit shows: counter pauses, reprints, queue-server commands ----

def audit_table(browser: Browser, query: str = "") -> list[dict[str, str]]:
    """The audit page's rows as text: source, time, office, who, where, what, object, details."""
    page = browser.get("/admin/audit" + query).get_data(as_text=True)
    rows = []
    for source, body in re.findall(r'<tr class="audit-(\w+)">(.*?)</tr>', page, re.DOTALL):
        cells = [html.unescape(re.sub(r"<[^>]+>", " ", cell)).split()
                 for cell in re.findall(r"<td[^>]*>(.*?)</td>", body, re.DOTALL)]
        names = ("time", "office", "who", "where", "what", "object", "details")
        rows.append({"source": source} | {name: " ".join(words)
                                            for name, words in zip(names, cells, strict=True)})
    return rows


def audit_csv(browser: Browser, query: str = "") -> list[dict[str, str]]:
    answer = browser.get("/admin/audit.csv" + query)
    assert answer.status_code == 200
    text = answer.get_data(as_text=True).removeprefix("\ufeff")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def test_counter_pauses_and_resumes_are_in_the_audit_with_who_when_and_counter(
        manager, admin, client, people, clock):
    staff = bearer(people["staff1"])
    assert client.post(OFFICE + "/counters/2/pause", json={"reason": "Họp giao ban"},
                       headers=staff).status_code == 200
    clock.now += timedelta(minutes=7)
    assert client.post(OFFICE + "/counters/2/resume", headers=staff).status_code == 200

    counter_rows = [row for row in audit_table(manager) if row["source"] == "counter"]
    assert counter_rows == [
        {"source": "counter", "time": "09:07:00 26/11/2026", "office": "test-office",
         "who": "staff1", "where": "Quầy 2", "what": "Mở lại quầy", "object": "Quầy 2",
         "details": ""},
        {"source": "counter", "time": "09:00:00 26/11/2026", "office": "test-office",
         "who": "staff1", "where": "Quầy 2", "what": "Tạm dừng quầy", "object": "Quầy 2",
         "details": "Lý do: Họp giao ban"}]
    lines = [(row["time"], row["source"], row["kind"], row["who"], row["where"], row["details"])
             for row in audit_csv(manager) if row["source"] == "counter"]
    assert lines == [
        ("26/11/2026 09:07:00", "counter", "resumed", "staff1", "Quầy 2", ""),
        ("26/11/2026 09:00:00", "counter", "paused", "staff1", "Quầy 2",
         json.dumps({"reason": "Họp giao ban"}, ensure_ascii=False))]

    def kinds(query: str) -> list[str]:
        return [row["what"] for row in audit_table(manager, query) if row["source"] == "counter"]

    assert kinds("?kind=counter") == ["Mở lại quầy", "Tạm dừng quầy"]
    assert kinds("?kind=counter:paused") == ["Tạm dừng quầy"]
    assert [row["kind"] for row in audit_csv(manager, "?kind=counter:resumed")] == ["resumed"]
    assert kinds("?kind=ticket") == kinds("?kind=admin") == kinds("?kind=admin:counter") == []
    assert kinds("?user=STAFF1") == ["Mở lại quầy", "Tạm dừng quầy"]
    assert kinds("?user=manager1") == [] and kinds("?from=25/11/2026&to=25/11/2026") == []
    assert admin.get("/admin/audit.csv?office=other-office").get_data(as_text=True).count(
        "\n") == 1  # the header only: the pauses were at test-office
    assert kinds("?kind=counter:paused&office=test-office") == ["Tạm dừng quầy"]


def test_reprints_are_in_the_audit_with_who_when_and_printer(app, manager, admin, client,
                                                            people, clock):
    with app.extensions["queue"].sessions() as session:
        add_device(session, "may-in-sanh", DeviceKind.PRINTER,
                   find_office(session, "test-office"), now=clock())
        session.commit()
    ticket = client.post(OFFICE + "/tickets", json={"service": "tu-phap"},
                         headers=bearer(people["kiosk"])).get_json()
    clock.now += timedelta(minutes=3)
    assert client.post(f"/api/v1/tickets/{ticket['code']}/reprint",
                       headers=bearer(people["staff1"])).status_code == 201

    ticket_rows = [row for row in audit_table(manager) if row["source"] == "ticket"]
    assert [(row["time"], row["who"], row["where"], row["what"], row["object"])
            for row in ticket_rows] == [
        ("09:03:00 26/11/2026", "staff1", "may-in-sanh", "In lại số", ticket["number"]),
        ("09:00:00 26/11/2026", "kiosk-1", "kiosk-1", "Cấp số", ticket["number"])]
    assert ticket_rows[0]["details"] == "Bản in: đang chờ in"
    reprint = [row for row in audit_csv(manager) if row["kind"] == "reprinted"]
    assert [(row["time"], row["source"], row["action"], row["who"], row["where"], row["object"])
            for row in reprint] == [("26/11/2026 09:03:00", "ticket", "reprinted",
                                     "staff1", "may-in-sanh", ticket["number"])]

    def kinds(query: str) -> list[str]:
        return [row["what"] for row in audit_table(manager, query)]

    assert kinds("?kind=ticket:reprinted") == ["In lại số"]
    assert kinds("?kind=ticket") == ["In lại số", "Cấp số"]
    assert kinds("?kind=ticket:issued") == ["Cấp số"]
    assert kinds("?kind=counter") == kinds("?kind=admin") == []
    assert kinds("?user=staff1") == ["In lại số"] and kinds("?user=manager1") == []
    assert kinds("?kind=ticket&from=27/11/2026&to=27/11/2026") == []
    assert [row["object"] for row in audit_csv(admin, "?kind=ticket:reprinted")] == [
        ticket["number"]]
    assert audit_csv(admin, "?kind=ticket:reprinted&office=other-office") == []


@pytest.fixture
def command(app, settings, clock, monkeypatch, capsys):
    """Run `queue-server ...` in this process on the app's database, as system user `vanhanh`."""
    clock.now = utc_now()  # the commands log the real time; the page shows the last week
    for name in [name for name in os.environ if name.startswith("QUEUE_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("QUEUE_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("QUEUE_VAR_DIR", settings.var_dir)
    monkeypatch.setenv("LOGNAME", "vanhanh")  # what getpass.getuser() reads first

    def run(*arguments: str, stdin: str = "") -> tuple[int, str]:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        status = cli.main(arguments)
        return status, capsys.readouterr().out

    return run


def test_queue_server_commands_are_in_the_audit_as_the_system_user(command, admin, manager):
    added = command("user", "add", "nguyenvana", "--role", "staff", "--office", "test-office",
                    "--full-name", "Nguyễn Văn A", "--password-stdin",
                    stdin="mot-mat-khau-rat-dai\n")
    assert added[0] == 0
    status, token = command("device", "add", "kiosk-sanh", "--kind", "kiosk", "--office",
                            "test-office")
    assert status == 0 and token.strip().startswith("d_")
    assert command("device", "revoke", "kiosk-sanh", "--office", "test-office")[0] == 0

    rows = list(audit_table(manager, "?user=cli:vanhanh"))
    assert [(row["source"], row["office"], row["who"], row["what"], row["object"])
            for row in rows] == [
        ("admin", "test-office", "cli:vanhanh", "Thiết bị: thu hồi", "kiosk-sanh"),
        ("admin", "test-office", "cli:vanhanh", "Thiết bị: tạo mới", "kiosk-sanh"),
        ("admin", "test-office", "cli:vanhanh", "Tài khoản: tạo mới", "nguyenvana")]
    # From where: the command and the host it ran on; a shell has no client address.
    assert {row["where"] for row in rows} == {
        f"queue-server {name} @ {os.uname().nodename}"
        for name in ("user add", "device add", "device revoke")}
    assert "Họ và tên : — → Nguyễn Văn A" in rows[2]["details"]
    assert "Vai trò : — → Cán bộ" in rows[2]["details"]
    assert "Loại thiết bị : — → Ki-ốt" in rows[1]["details"]

    lines = audit_csv(admin, "?user=cli:vanhanh")
    assert [(row["source"], row["kind"], row["action"], row["who"], row["object"])
            for row in lines] == [
        ("admin", "device", "revoked", "cli:vanhanh", "kiosk-sanh"),
        ("admin", "device", "created", "cli:vanhanh", "kiosk-sanh"),
        ("admin", "user", "created", "cli:vanhanh", "nguyenvana")]
    assert all(row["where"].startswith("queue-server ") for row in lines)
    everything = admin.get("/admin/audit.csv").get_data(as_text=True)
    assert token.strip() not in everything and "mot-mat-khau-rat-dai" not in everything
    assert [row["object"] for row in audit_table(manager, "?kind=admin:device")] == [
        "kiosk-sanh", "kiosk-sanh"]
    assert [row["object"] for row in audit_table(manager, "?kind=admin:user")] == ["nguyenvana"]
    assert audit_table(manager, "?kind=ticket&user=cli:vanhanh") == []
    assert audit_table(admin, "?office=other-office&user=cli:vanhanh") == []


def test_a_refused_command_leaves_no_audit_line(command, admin):
    assert command("device", "add", "kiosk-sanh", "--kind", "kiosk", "--office",
                   "test-office")[0] == 0
    again = command("device", "add", "kiosk-sanh", "--kind", "kiosk", "--office", "test-office")
    weak = command("user", "add", "tranthib", "--role", "staff", "--office", "test-office",
                   "--password-stdin", stdin="short\n")
    assert again[0] == weak[0] == 1
    assert [row["action"] for row in audit_csv(admin, "?user=cli:vanhanh")] == ["created"]


def test_init_and_demo_are_in_the_audit_as_the_system_user(command, admin, settings, tmp_path,
                                                          monkeypatch):
    office_file = tmp_path / "office.toml"
    office_file.write_text('[[office]]\nslug = "test-office"\nname = "Đổi tên qua tệp"\n'
                           'opening_hours = "Mo-Fr 07:30-11:30,13:30-17:00"\n'
                           '[[office.service]]\ncode = "dat-dai"\nname = "Đất đai"\n'
                           'prefix = "1"\n[[office.counter]]\nnumber = 1\nname = "Quầy 1"\n'
                           'services = ["dat-dai"]\n')
    assert command("init", "--config", str(office_file))[0] == 0
    applied = audit_csv(admin, "?user=cli:vanhanh&kind=admin:office")
    assert [(row["action"], row["object"]) for row in applied] == [
        ("file_applied", "test-office")]
    assert "Đổi tên qua tệp" in applied[0]["details"]
    assert applied[0]["where"] == f"queue-server init @ {os.uname().nodename}"

    monkeypatch.setenv("QUEUE_OFFICE_FILE", str(ROOT / "config" / "demo.toml"))
    first, second = command("demo")[1], command("demo", "--rotate-tokens")[1]
    lines = audit_csv(admin, "?user=cli:vanhanh")
    assert command("demo")[0] == 0  # keeps the logins: nothing changes, nothing is logged
    assert audit_csv(admin, "?user=cli:vanhanh") == lines
    done = sorted((row["kind"], row["action"], row["object"]) for row in lines
                  if row["kind"] != "office")
    users = ("admin", "tinh", "quanly", "canbo1", "canbo2")
    assert done == sorted(
        [("user", action, name) for action in ("created", "password_reset") for name in users]
        + [("device", "created", "printer-1"), ("device", "created", "rating-1")]
        # kiosk-1 was there already (the accounts fixture): its token is replaced twice.
        + [("device", "updated", name) for name in ("kiosk-1", "kiosk-1", "printer-1",
                                                     "rating-1")])
    rotated = [row for row in lines if row["action"] == "updated"]
    assert {row["details"] for row in rotated} == {'{"token": "replaced"}'}
    everything = admin.get("/admin/audit.csv").get_data(as_text=True)
    secrets = re.findall(r"token=(\S+)|^ +(?:admin|tinh|quanly|canbo\d) +(\S+)$", first + second,
                         re.MULTILINE)
    secrets = [token or password for token, password in secrets]
    secrets.append((Path(settings.var_dir) / "printer-token").read_text().strip())
    assert len(secrets) == 2 * (5 + 2) + 1 and not any(value in everything for value in secrets)


def test_the_audit_speaks_people_s_words_not_keys_codes_or_browser_strings(manager, client,
                                                                         people):
    chrome = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like "
              "Gecko) Chrome/120.0.0.0 Safari/537.36")
    manager.post(ADMIN + "/counters", {"number": "7", "name": "Quầy 7",
                                       "services": ["tu-phap"], "state": "active"},
                 headers={"User-Agent": chrome})
    staff = bearer(people["staff1"])
    client.post(OFFICE + "/tickets", json={"service": "dat-dai"},
                headers=bearer(people["kiosk"]))
    client.post(OFFICE + "/counters/1/call-next", headers=staff)
    client.post(OFFICE + "/counters/1/finish", headers=staff)
    page = manager.get("/admin/audit").get_data(as_text=True)
    rows = audit_table(manager)
    counter = next(row for row in rows if row["object"] == "7")
    assert "Lĩnh vực phục vụ : — → Tư pháp – Hộ tịch" in counter["details"]
    assert "Đang sử dụng : — → có" in counter["details"]
    assert counter["where"].endswith("Chrome 120 · Windows")
    finished = next(row for row in rows if row["what"] == "Hoàn thành")
    assert finished["details"] == "Khi gọi số tiếp theo: không"
    for raw in ("by_call_next", "False", '["tu-phap"]', "is_active", "AppleWebKit"):
        assert raw not in re.sub(r'title="[^"]*"', "", page), raw
    wrong = manager.post(ADMIN + "/counters", {"number": "abc", "services": ["tu-phap"],
                                               "state": "active"}).get_data(as_text=True)
    error = re.search(r'data-testid="error-number"[^>]*>([^<]*)<', wrong).group(1)
    assert error == "Cần một con số." and "field_not_a_number" not in error
