"""The desk's everyday requests find their rows through indexes, never by reading all history.

Every statement run while issuing, calling, finishing and showing the board is replayed
with EXPLAIN QUERY PLAN; none may scan the tickets or their event log, which grow by
thousands of rows a month and are never deleted.
"""

from __future__ import annotations

import re

from sqlalchemy import event

from ..conftest import bearer

OFFICE = "/api/v1/offices/test-office"
# Tables that only grow; a full scan of one gets slower every day the desk runs.
HISTORY_TABLES = ("tickets", "ticket_events", "counter_events", "feedback", "print_jobs")


def recorded_selects(engine, work) -> list[tuple[str, object]]:
    statements: list[tuple[str, object]] = []

    def record(_conn, _cursor, statement, parameters, _context, _many):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        work()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return statements


def full_scans(engine, statements) -> list[str]:
    found = []
    with engine.connect() as connection:
        raw = connection.connection.dbapi_connection
        for statement, parameters in statements:
            for row in raw.execute("EXPLAIN QUERY PLAN " + statement, parameters):
                # "SCAN t USING (COVERING) INDEX …" walks an index; a bare "SCAN t" reads it all.
                scanned = re.fullmatch(r"SCAN (\w+)", row[-1])
                if scanned and scanned.group(1) in HISTORY_TABLES:
                    found.append(f"{row[-1]}: {statement}")
    return found


def test_issue_call_finish_and_board_never_scan_history(app, client, accounts):
    engine = app.extensions["queue"].engine
    staff = bearer(accounts["staff1"])

    def day_at_the_desk() -> None:
        for tap, service in enumerate(("dat-dai", "dat-dai", "tu-phap")):
            response = client.post(OFFICE + "/tickets", json={"service": service},
                                   headers={**bearer(accounts["kiosk"]),
                                            "Idempotency-Key": f"tap-{tap}"})
            assert response.status_code == 201, response.get_json()
        for action in ("call-next", "recall", "finish", "call-next", "recall", "no-show"):
            response = client.post(OFFICE + "/counters/1/" + action, headers=staff)
            assert response.status_code in (200, 204), (action, response.get_json())
        assert client.get(OFFICE + "/board").status_code == 200
        assert client.get(OFFICE + "/services").status_code == 200
        assert client.get(OFFICE + "/counters/1", headers=staff).status_code == 200

    statements = recorded_selects(engine, day_at_the_desk)
    assert len(statements) > 10  # the recording saw the requests' reads
    assert full_scans(engine, statements) == []


def test_the_check_finds_a_full_scan_when_there_is_one(app):
    engine = app.extensions["queue"].engine
    scan = [("SELECT id FROM tickets WHERE number = ?", ("1001",))]
    assert full_scans(engine, scan) != []


def test_the_audit_page_never_scans_history(app, client, accounts):
    """A year of print jobs (one per ticket) and pauses must not be read to list a week."""
    from ..support.browsing import Browser

    engine, staff = app.extensions["queue"].engine, bearer(accounts["staff1"])
    response = client.post(OFFICE + "/tickets", json={"service": "dat-dai"},
                           headers=bearer(accounts["kiosk"]))
    assert response.status_code == 201
    for action in ("call-next", "finish", "pause"):
        body = {"reason": "họp"} if action == "pause" else None
        assert client.post(OFFICE + f"/counters/1/{action}", json=body,
                           headers=staff).status_code in (200, 204)
    admin = Browser(app, "admin1")

    def read_the_audit() -> None:
        for path in ("/admin/audit", "/admin/audit.csv", "/admin/audit?kind=ticket:reprinted",
                     "/admin/audit?kind=counter"):
            assert admin.get(path).status_code == 200, path

    statements = recorded_selects(engine, read_the_audit)
    assert any("print_jobs" in sql for sql, _ in statements)
    assert any("counter_events" in sql for sql, _ in statements)
    assert full_scans(engine, statements) == []
