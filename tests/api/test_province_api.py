"""The province manager (a manager created without an office) through the API and the
Socket.IO channels: reads every office, changes nothing; an office's manager still reads only
their own office. The live monitor, the league table and its exports."""

import csv
import io

import pytest
from openpyxl import load_workbook

from queue_server.core.extensions import socketio
from queue_server.models import Role
from queue_server.security.tokens import add_user
from queue_server.tickets.queue_state import find_office

from ..conftest import bearer
from ..support.reports_day import at
from .test_stats_api import OFFICE, THURSDAY, day  # noqa: F401 - the scripted-day fixture

OTHER = "/api/v1/offices/other-office"
PASSWORD = "correct-horse-battery"


@pytest.fixture
def tokens(app, clock, accounts) -> dict[str, str]:
    """`accounts` plus a province manager and a manager of other-office."""
    with app.extensions["queue"].sessions() as session:
        add_user(session, "tinh", PASSWORD, Role.MANAGER, None, now=clock(),
                 full_name="Lãnh đạo tỉnh")
        add_user(session, "othermanager", PASSWORD, Role.MANAGER,
                 find_office(session, "other-office"), now=clock())
        session.commit()
    client = app.test_client()
    found = dict(accounts)
    for username in ("tinh", "othermanager"):
        answer = client.post("/api/v1/auth/token",
                             json={"username": username, "password": PASSWORD})
        found[username] = answer.get_json()["token"]
    return found


def get(client, path, token):
    return client.get(path, headers=bearer(token))


def code_of(answer) -> str:
    return answer.get_json()["error"]["code"]


def test_a_staff_account_still_needs_an_office(app, clock):
    from queue_server.core.errors import InvalidInput

    with app.extensions["queue"].sessions() as session, pytest.raises(InvalidInput) as refused:
        add_user(session, "lac", PASSWORD, Role.STAFF, None, now=clock())
    assert refused.value.code == "staff_office_required"


@pytest.mark.parametrize("office", [OFFICE, OTHER])
@pytest.mark.parametrize("path", ["/stats", "/stats.xlsx", "/stats.csv", "/tickets.csv",
                                  "/monitor", "/officer-report", "/inbox", "/stats/procedures",
                                  "/visits"])
def test_the_province_manager_reads_every_offices_reports(client, tokens, office, path):
    assert get(client, office + path, tokens["tinh"]).status_code == 200


def test_an_office_manager_still_reads_only_their_own_office(client, tokens):
    for path in ("/stats", "/monitor", "/inbox", "/officer-report"):
        assert get(client, OTHER + path, tokens["othermanager"]).status_code == 200
        refused = get(client, OFFICE + path, tokens["othermanager"])
        assert (refused.status_code, code_of(refused)) == (403, "wrong_office")
    for path in ("/api/v1/monitor", "/api/v1/stats", "/api/v1/stats.csv"):
        for who in ("manager1", "othermanager", "staff1"):
            refused = get(client, path, tokens[who])
            assert (refused.status_code, code_of(refused)) == (403, "province_only"), who


@pytest.mark.usefixtures("day")
def test_the_province_manager_changes_nothing(client, tokens):
    inbox = get(client, OFFICE + "/inbox", tokens["tinh"]).get_json()["items"]
    item = inbox[0]["id"]
    for action, body in (("assign", {"assignee": "manager1"}), ("answer", {"answer": "Dạ"}),
                         ("close", {})):
        refused = client.post(f"{OFFICE}/inbox/{item}/{action}", json=body,
                              headers=bearer(tokens["tinh"]))
        assert (refused.status_code, code_of(refused)) == (403, "province_read_only")
    assert get(client, OFFICE + "/inbox", tokens["tinh"]).get_json()["items"] == inbox
    for path, body in ((OFFICE + "/counters/1/call-next", None),
                       (OFFICE + "/tickets", {"service": "dat-dai"})):
        assert client.post(path, json=body, headers=bearer(tokens["tinh"])).status_code == 403


@pytest.mark.usefixtures("day")
def test_the_live_monitor_has_every_office_and_the_alerts(client, tokens, clock):
    # T7 (dat-dai, 15-minute target) has waited since 10:30; the clock says 16:00.
    answer = get(client, "/api/v1/monitor", tokens["tinh"])
    assert answer.status_code == 200
    found = answer.get_json()
    rows = {row["office"]: row for row in found["offices"]}
    assert set(rows) == {"test-office", "other-office"}
    assert rows["test-office"]["is_alert"] is True
    assert rows["test-office"]["over_target"][0]["longest_wait_s"] == 5 * 3600 + 30 * 60
    assert rows["other-office"]["is_alert"] is False
    assert found["total"]["alerts"] == 1
    assert found["generated_at"].startswith("2026-11-26T16:00:00")
    assert get(client, "/api/v1/monitor?office=x", tokens["tinh"]).status_code == 400


@pytest.mark.usefixtures("day")
def test_the_league_table_places_offices_and_exports_them(client, tokens):
    report = get(client, f"/api/v1/stats?{THURSDAY}", tokens["tinh"]).get_json()
    rows = {row["office"]: row for row in report["offices"]}
    assert rows["test-office"]["league"]["place"] == 1
    assert rows["other-office"]["league"]["place"] is None  # served nobody
    assert "satisfaction" in rows["test-office"]["league"]["flags"]  # 50% < 85%
    text = get(client, f"/api/v1/stats.csv?{THURSDAY}", tokens["tinh"]).get_data(as_text=True)
    assert text.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    header = table[0]
    assert header[-3:] == ["Tiếp nhận ngay lần đầu (%)", "Xếp hạng", "Cần chú ý"]
    first = dict(zip(header, table[1], strict=True))
    assert (first["Mã điểm"], first["Xếp hạng"]) == ("test-office", "1")
    # Waits of 20 minutes against 15-minute targets; half the ratings satisfied.
    assert first["Cần chú ý"] == "Chờ quá mục tiêu, Hài lòng dưới mức tối thiểu"
    assert first["% hài lòng"] == "50"
    assert table[-1][1] == "Toàn tỉnh"
    workbook = load_workbook(io.BytesIO(get(client, f"/api/v1/stats.xlsx?{THURSDAY}",
                                            tokens["tinh"]).get_data()))
    sheet = workbook.worksheets[0]
    values = list(sheet.values)
    assert values[0][-2] == "Xếp hạng" and values[1][0] == "test-office" and values[1][-2] == 1


@pytest.mark.usefixtures("day")
def test_decimal_commas_in_the_league_csv(client, tokens, clock):
    text = get(client, f"/api/v1/stats.csv?{THURSDAY}", tokens["tinh"]).get_data(as_text=True)
    table = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    first = dict(zip(table[0], table[1], strict=True))
    # Waits of 10, 20, 20, 5, 1 and 5 minutes: a mean of 10.17, written with a decimal comma
    # as vi-VN reads it.
    assert first["Chờ TB (phút)"] == "10,2"


def connect(app, client, token):
    return socketio.test_client(app, flask_test_client=client, auth={"token": token})


def test_the_province_channel_hears_which_office_moved(app, client, tokens):
    province = connect(app, client, tokens["tinh"])
    assert province.emit("subscribe", {"channel": "province"}, callback=True) == {
        "channel": "province"}
    kiosk = bearer(tokens["kiosk"])
    assert client.post(OFFICE + "/tickets", json={"service": "dat-dai"},
                       headers=kiosk).status_code == 201
    staff = bearer(tokens["staff1"])
    assert client.post(OFFICE + "/counters/1/call-next", headers=staff).status_code == 200
    heard = [event for event in province.get_received() if event["name"] == "office_moved"]
    assert [event["args"][0] for event in heard] == [{"office": "test-office"}] * 2
    for who in ("manager1", "othermanager", "staff1"):
        answer = connect(app, client, tokens[who]).emit("subscribe", {"channel": "province"},
                                                        callback=True)
        assert answer["error"]["code"] == "forbidden", who


def test_the_province_manager_follows_any_offices_dashboard_channel(app, client, tokens):
    for office in ("test-office", "other-office"):
        answer = connect(app, client, tokens["tinh"]).emit(
            "subscribe", {"office": office, "channel": "dashboard"}, callback=True)
        assert answer == {"office": office}
    counter = connect(app, client, tokens["tinh"]).emit(
        "subscribe", {"office": "test-office", "channel": "counter", "counter": 1},
        callback=True)
    assert counter["error"]["code"] == "wrong_office"


@pytest.mark.usefixtures("day")
def test_the_clock_moves_the_longest_wait(client, tokens, clock):
    clock.now = at(16, 10)
    row = next(row for row in get(client, "/api/v1/monitor", tokens["tinh"]).get_json()[
        "offices"] if row["office"] == "test-office")
    assert row["longest_wait_s"] == 5 * 3600 + 40 * 60
