"""GET /offices/{office}/stats and friends: who may read them, bad input, the scripted day."""

import pytest

from queue_server.tickets.queue_state import find_office

from ..conftest import bearer
from ..support.reports_day import at, script_day

OFFICE = "/api/v1/offices/test-office"
THURSDAY = "from=2026-11-26&to=2026-11-26"


@pytest.fixture
def day(app, accounts, clock):
    """The scripted day in the app's database; the clock at 16:00 that Thursday."""
    with app.extensions["queue"].sessions() as session:
        script = script_day(session, find_office(session, "test-office"))
    clock.now = at(16, 0)
    return script


def get(client, path, token=None):
    return client.get(path, headers=bearer(token) if token else {})


@pytest.mark.parametrize("path", [
    f"{OFFICE}/stats", f"{OFFICE}/stats.xlsx", f"{OFFICE}/stats.csv", f"{OFFICE}/tickets.csv",
    f"{OFFICE}/tickets.xlsx", f"{OFFICE}/monitor", f"{OFFICE}/officer-report",
    f"{OFFICE}/officer-report.xlsx", f"{OFFICE}/officer-report.csv", f"{OFFICE}/inbox"])
def test_office_reports_are_for_its_managers_and_admins(client, accounts, path):
    assert get(client, path).status_code == 401
    assert get(client, path, "u_forged").status_code == 401
    staff = get(client, path, accounts["staff1"])
    assert staff.status_code == 403 and staff.get_json()["error"]["code"] == "manager_only"
    assert get(client, path, accounts["kiosk"]).status_code == 403
    assert get(client, path, accounts["otherstaff"]).status_code == 403
    assert get(client, path, accounts["manager1"]).status_code == 200
    assert get(client, path, accounts["admin1"]).status_code == 200


def test_a_manager_of_another_office_is_refused(app, client, accounts, clock):
    from queue_server.models import Role
    from queue_server.security.tokens import add_user

    with app.extensions["queue"].sessions() as session:
        add_user(session, "otherboss", "correct-horse-battery", Role.MANAGER,
                 find_office(session, "other-office"), now=clock())
        session.commit()
    token = client.post("/api/v1/auth/token", json={
        "username": "otherboss", "password": "correct-horse-battery"}).get_json()["token"]
    refused = get(client, f"{OFFICE}/stats", token)
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "wrong_office"
    assert get(client, "/api/v1/offices/other-office/stats", token).status_code == 200


def test_the_province_view_is_for_admins_only(client, accounts):
    assert get(client, "/api/v1/stats").status_code == 401
    for caller in ("staff1", "manager1", "kiosk"):
        assert get(client, "/api/v1/stats", accounts[caller]).status_code == 403
    answer = get(client, "/api/v1/stats", accounts["admin1"]).get_json()
    # By name: "Bộ phận Một cửa – Xã Thử", then "Phường Khác".
    assert [row["office"] for row in answer["offices"]] == ["test-office", "other-office"]


@pytest.mark.parametrize(("query", "code"), [
    ("from=2026-13-01", "invalid_date"), ("from=26/11/2026", "invalid_date"),
    ("from=2026-11-27&to=2026-11-26", "invalid_period"),
    ("from=2020-01-01&to=2026-11-26", "period_too_long"),
    ("service=nope", "unknown_service"), ("counter=99", "unknown_counter"),
    ("counter=x1", "invalid_field"), ("staff=ghost", "unknown_staff"),
    ("form=2026-11-01", "unknown_parameter"), ("from=2026-11-26T00:00", "invalid_date")])
def test_bad_input_is_a_coded_400(client, accounts, query, code):
    answer = get(client, f"{OFFICE}/stats?{query}", accounts["manager1"])
    assert answer.status_code == 400
    assert answer.get_json()["error"]["code"] == code


def test_bad_exports_and_months_are_coded_400s(client, accounts):
    manager = accounts["manager1"]
    table = get(client, f"{OFFICE}/stats.csv?table=secret", manager)
    assert table.get_json()["error"]["code"] == "unknown_table"
    for month in ("2026-13", "2026-1", "abc", "2026-11-01"):
        answer = get(client, f"{OFFICE}/officer-report?month={month}", manager)
        assert answer.status_code == 400, month
        assert answer.get_json()["error"]["code"] == "invalid_month"


def test_the_api_gives_the_hand_computed_figures(client, accounts, day):
    report = get(client, f"{OFFICE}/stats?{THURSDAY}", accounts["manager1"]).get_json()
    assert (report["issued"], report["served"], report["no_show"]) == (8, 5, 1)
    assert report["wait_s"] == {"mean": 610.0, "p50": 300, "p90": 1200, "max": 1200}
    assert report["satisfaction"]["satisfied_share"] == 0.5
    assert report["from"] == report["to"] == "2026-11-26"
    assert [row["hour"] for row in report["by_hour"]] == [8, 9, 10, 13]
    assert report["feedback_inbox"]["items"] == 3


def test_one_date_is_a_one_day_period_and_none_is_today(client, accounts, day):
    manager = accounts["manager1"]
    assert get(client, f"{OFFICE}/stats?from=2026-11-25", manager).get_json()["issued"] == 1
    today = get(client, f"{OFFICE}/stats", manager).get_json()
    assert (today["from"], today["issued"]) == ("2026-11-26", 8)


def test_the_officer_report_counts_days_worked_and_ratings(client, accounts, day):
    report = get(client, f"{OFFICE}/officer-report?month=2026-11",
                 accounts["manager1"]).get_json()
    rows = {row["staff"]: row for row in report["officers"]}
    assert set(rows) >= {"canbo.an", "canbo.binh", "staff1", "manager1"}
    binh = rows["canbo.binh"]
    # Bình worked on Wednesday (T0) and Thursday; served T0, T2, T5, T8.
    assert (binh["days_worked"], binh["served"], binh["no_show"]) == (2, 4, 0)
    assert binh["service_s"] == {"mean": 525.0, "p50": 300, "p90": 1200, "max": 1200}
    assert (binh["ratings"], binh["satisfied_share"]) == (2, 0.5)
    an = rows["canbo.an"]
    assert (an["days_worked"], an["served"], an["no_show"], an["no_show_rate"]) == (
        1, 2, 1, 0.3333)
    assert an["reasons"]["procedure_unclear"] == 1
    assert rows["staff1"]["days_worked"] == 0 and rows["staff1"]["served"] == 0


def test_the_monitor_shows_queues_counters_and_today(client, accounts, day):
    snapshot = get(client, f"{OFFICE}/monitor", accounts["manager1"]).get_json()
    land = next(s for s in snapshot["services"] if s["service"] == "dat-dai")
    # T7 has waited since 10:30; the clock says 16:00.
    assert (land["waiting"], land["longest_wait_s"], land["is_over_target"]) == (1, 19800, True)
    assert snapshot["longest_wait_s"] == 19800 and snapshot["waiting"] == 1
    assert snapshot["today"]["served"] == 5
    counters = {c["counter"]: c for c in snapshot["counters"]}
    assert counters[1]["state"] == "idle" and counters[1]["served_today"] == 2
    assert snapshot["feedback_inbox"]["open"] == 3


def test_the_monitor_shows_a_paused_counter_and_why(client, accounts):
    client.post(f"{OFFICE}/counters/3/pause", json={"reason": "Họp giao ban"},
                headers=bearer(accounts["staff1"]))
    snapshot = get(client, f"{OFFICE}/monitor", accounts["manager1"]).get_json()
    three = next(c for c in snapshot["counters"] if c["counter"] == 3)
    assert (three["state"], three["pause_reason"]) == ("paused", "Họp giao ban")
    assert three["paused_at"].endswith("+07:00")


def test_the_province_view_puts_offices_side_by_side(client, accounts, day):
    report = get(client, f"/api/v1/stats?{THURSDAY}", accounts["admin1"]).get_json()
    rows = {row["office"]: row for row in report["offices"]}
    assert rows["test-office"]["issued"] == 8 and rows["other-office"]["issued"] == 0
    assert rows["test-office"]["open_feedback"] == 3
    assert report["total"]["wait_s"]["p90"] == 1200


def test_reports_are_not_cached(client, accounts):
    answer = get(client, f"{OFFICE}/stats.csv", accounts["manager1"])
    assert answer.headers["Cache-Control"] == "no-store"
    assert answer.headers["Content-Disposition"].startswith("attachment; filename=")



def test_the_printable_officer_report_reads_without_holding_the_write_lock(app, accounts, day):
    """A month of tickets is read in a deferred transaction, as the API's reports are, so
    kiosks issuing meanwhile do not wait behind it (requests start with BEGIN IMMEDIATE)."""
    from sqlalchemy import event

    from ..support.browsing import Browser

    manager, statements = Browser(app, "manager1"), []
    engine = app.extensions["queue"].engine

    def record(*args):
        statements.append(args[2])

    event.listen(engine, "before_cursor_execute", record)
    try:
        page = manager.get("/dashboard/test-office/officers?month=2026-11")
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert page.status_code == 200
    first_read = next(i for i, sql in enumerate(statements) if "ticket_events" in sql)
    begins = [sql for sql in statements[:first_read] if sql.startswith("BEGIN")]
    assert begins[-1] == "BEGIN DEFERRED", begins


def test_the_officer_report_page_writes_day_first_dates_and_decimal_commas(app, accounts, day):
    import re

    from ..support.browsing import Browser

    page = Browser(app, "manager1").get("/dashboard/test-office/officers?month=2026-11")
    html = page.get_data(as_text=True)
    assert "01/11/2026 → 30/11/2026" in html
    cells = re.findall(r'<td class="num">([^<]*)</td>', html)
    assert any(re.fullmatch(r"\d+,\d%?", cell) for cell in cells), cells
    assert not any(re.search(r"\d\.\d", cell) for cell in cells), cells
