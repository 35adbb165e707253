"""Hostile names typed by a manager reach every real export as text, never as a formula.

The scripted day runs at an office whose name, services, counters, priority category and
officers are named with formula starters and markup. Each export endpoint is then downloaded:
every CSV is read with the csv module and every XLSX with openpyxl, and no cell may start a
formula unless defused the way queue_server.reports.safe_cells.safe_cell does it (a leading
apostrophe), no XLSX cell may be a formula, and every hostile name must still be there.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from queue_server.models import Counter, Device, DeviceKind, PriorityCategory, Service, User
from queue_server.security.tokens import add_device
from queue_server.tickets import lifecycle
from queue_server.tickets.lifecycle import Actor
from queue_server.tickets.queue_state import find_office

from ..conftest import bearer
from ..support.browsing import Browser
from ..support.reports_day import at, script_day

OFFICE = "/api/v1/offices/test-office"
THURSDAY = "from=2026-11-26&to=2026-11-26"

FORMULA = '=HYPERLINK("http://x","y")'
PLUS = "+1"
MINUS = "-1"
AT = "@SUM(A1)"
TAB = "\t=1+1"
CR = "\r=1+1"
SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
CMD = "=cmd|' /C calc'!A0"

OFFICE_NAME = FORMULA
OTHER_OFFICE_NAME = CR
SERVICES = {"dat-dai": PLUS, "tu-phap": TAB, "tra-ket-qua": SCRIPT}
COUNTERS = {1: CR, 2: AT, 3: MINUS, 4: IMG}
OFFICERS = {"canbo.an": AT, "canbo.binh": FORMULA, "staff1": TAB, "manager1": PLUS}
PRIORITY = MINUS

# What Excel and LibreOffice read as the start of a formula (the full-width forms too).
TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\ufe62", "\uff0b", "\ufe63",
            "\uff0d", "\uff20")
# A CSV cell that is only a number (a count, minutes): not text anyone typed.
NUMBER = re.compile(r"-?\d+(\.\d+)?")


def defused(text: str) -> str:
    """The form safe_cell gives text: a leading apostrophe when it would start a formula."""
    return "'" + text if text.startswith(TRIGGERS) else text


def in_xlsx(text: str) -> str:
    """How a defused text reads back from XLSX: XML turns a bare carriage return into \\n."""
    return defused(text).replace("\r", "\n")


@pytest.fixture
def hostile_day(app, accounts, clock):
    """The scripted day, then every name a manager types made hostile (the database as an
    office file or an old version could leave it: leading tabs and line breaks included)."""
    with app.extensions["queue"].sessions() as session:
        office = find_office(session, "test-office")
        script_day(session, office)
        lifecycle.issue_ticket(session, office, "dat-dai", now=at(11, 0), actor=Actor(),
                           priority_code="elderly")
        office.name = OFFICE_NAME
        find_office(session, "other-office").name = OTHER_OFFICE_NAME
        for code, name in SERVICES.items():
            session.scalar(select(Service).where(Service.office_id == office.id,
                                                 Service.code == code)).name = name
        for number, name in COUNTERS.items():
            session.scalar(select(Counter).where(Counter.office_id == office.id,
                                                 Counter.number == number)).name = name
        for username, name in OFFICERS.items():
            session.scalar(select(User).where(User.username == username)).full_name = name
        session.scalar(select(PriorityCategory).where(
            PriorityCategory.office_id == office.id,
            PriorityCategory.code == "elderly")).name = PRIORITY
        session.commit()
    clock.now = at(16, 0)
    return accounts


def download(client, token: str, path: str):
    answer = client.get(path, headers=bearer(token))
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer


def csv_rows(client, token: str, path: str) -> list[list[str]]:
    answer = download(client, token, path)
    assert answer.mimetype == "text/csv"
    text = answer.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))


def assert_csv_safe(rows: list[list[str]], expected: list[str]) -> None:
    cells = [cell for row in rows for cell in row]
    starters = [cell for cell in cells if cell.startswith(TRIGGERS) and not NUMBER.fullmatch(cell)]
    assert starters == []
    for text in expected:
        assert defused(text) in cells, (text, "missing")


def assert_xlsx_safe(body: bytes, expected: list[str]) -> None:
    book = load_workbook(io.BytesIO(body))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    texts = [cell.value for cell in cells if isinstance(cell.value, str)]
    assert [text for text in texts if text.startswith(TRIGGERS)] == []
    for text in expected:
        assert in_xlsx(text) in texts, (text, "missing")


SERVICE_NAMES = list(SERVICES.values())
# Counter 3 served nobody to the end (its one ticket was transferred): not in the table.
COUNTER_NAMES = [COUNTERS[1], COUNTERS[2], COUNTERS[4]]
SERVING = [OFFICERS["canbo.an"], OFFICERS["canbo.binh"]]
REPORT_TABLES = {"summary": [OFFICE_NAME], "service": SERVICE_NAMES,
                 "counter": COUNTER_NAMES, "staff": SERVING}


def test_the_report_workbook_defuses_every_name(client, hostile_day):
    body = download(client, hostile_day["manager1"],
                    f"{OFFICE}/stats.xlsx?{THURSDAY}").get_data()
    assert_xlsx_safe(body, [OFFICE_NAME, *SERVICE_NAMES, *COUNTER_NAMES, *SERVING])


@pytest.mark.parametrize("table", sorted(REPORT_TABLES))
def test_each_report_csv_defuses_every_name(client, hostile_day, table):
    rows = csv_rows(client, hostile_day["manager1"],
                    f"{OFFICE}/stats.csv?{THURSDAY}&table={table}")
    assert_csv_safe(rows, REPORT_TABLES[table])


def test_a_filtered_report_stays_text(client, hostile_day):
    query = f"{THURSDAY}&service=dat-dai&counter=2&staff=canbo.binh"
    rows = csv_rows(client, hostile_day["manager1"], f"{OFFICE}/stats.csv?{query}&table=service")
    assert_csv_safe(rows, [SERVICES["dat-dai"]])
    body = download(client, hostile_day["manager1"], f"{OFFICE}/stats.xlsx?{query}").get_data()
    assert_xlsx_safe(body, [OFFICE_NAME, SERVICES["dat-dai"], COUNTERS[2], OFFICERS["canbo.binh"]])


TICKET_NAMES = [*SERVICE_NAMES, PRIORITY, *SERVING]


def test_the_raw_tickets_csv_defuses_every_name(client, hostile_day):
    rows = csv_rows(client, hostile_day["manager1"], f"{OFFICE}/tickets.csv?{THURSDAY}")
    assert_csv_safe(rows, TICKET_NAMES)
    header = rows[0]
    by_number = {row[header.index("Số")]: row for row in rows[1:]}
    # T4 was issued for justice and transferred to land: both names, each defused.
    transferred = next(row for row in by_number.values()
                       if row[header.index("Được chuyển")] == "Có")
    assert (transferred[header.index("Lĩnh vực lấy số")],
            transferred[header.index("Lĩnh vực cuối")]) == (defused(TAB), defused(PLUS))


def test_the_raw_tickets_workbook_defuses_every_name(client, hostile_day):
    body = download(client, hostile_day["manager1"], f"{OFFICE}/tickets.xlsx?{THURSDAY}").get_data()
    assert_xlsx_safe(body, TICKET_NAMES)


OFFICER_NAMES = list(OFFICERS.values())


def test_the_officer_report_defuses_every_name(client, hostile_day):
    path = f"{OFFICE}/officer-report"
    body = download(client, hostile_day["manager1"], f"{path}.xlsx?month=2026-11").get_data()
    assert_xlsx_safe(body, OFFICER_NAMES)
    assert_csv_safe(csv_rows(client, hostile_day["manager1"], f"{path}.csv?month=2026-11"),
                    OFFICER_NAMES)


def test_the_province_export_defuses_every_office_name(client, hostile_day):
    body = download(client, hostile_day["admin1"], f"/api/v1/stats.xlsx?{THURSDAY}").get_data()
    assert_xlsx_safe(body, [OFFICE_NAME, OTHER_OFFICE_NAME])
    rows = csv_rows(client, hostile_day["admin1"], f"/api/v1/stats.csv?{THURSDAY}")
    assert_csv_safe(rows, [OFFICE_NAME, OTHER_OFFICE_NAME])


# ---- the audit CSV ----

def test_the_audit_csv_defuses_device_names_and_typed_changes(app, client, accounts, clock):
    manager = Browser(app, "manager1")
    admin = "/admin/offices/test-office"
    page = manager.post(admin + "/devices", {"name": FORMULA, "kind": "kiosk", "kiosk": ""},
                        headers={"User-Agent": CMD})
    assert page.status_code == 200
    formula_kiosk = re.search(r'data-testid="device-token">(d_[\w-]+)<',
                              page.get_data(as_text=True)).group(1)
    assert manager.post(admin + "/services/dat-dai", {"name": AT}).status_code == 303
    with app.extensions["queue"].sessions() as session:
        # Names with a leading tab or line break cannot come through the trimmed form; an
        # office file, an older database or a script could still hold one.
        device, tab_kiosk = add_device(session, "tab-kiosk", DeviceKind.KIOSK,
                                       find_office(session, "test-office"), now=clock())
        device.name = TAB
        session.scalar(select(Device).where(Device.name == "kiosk-1")).name = CR
        session.commit()
    for kiosk in (formula_kiosk, tab_kiosk, accounts["kiosk"]):
        issued = client.post(OFFICE + "/tickets", json={"service": "dat-dai"},
                             headers=bearer(kiosk))
        assert issued.status_code == 201
    answer = manager.client.get("/admin/audit.csv")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    body = answer.get_data(as_text=True)
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.removeprefix("\ufeff")), delimiter=";"))
    assert_csv_safe(rows, [FORMULA, TAB, CR])
    header = rows[0]
    column = {name: header.index(name) for name in header}
    created = next(row for row in rows[1:] if row[column["kind"]] == "device"
                   and row[column["object"]] == defused(FORMULA))
    assert created[column["where"]].endswith(CMD)  # the User-Agent, after the address
    issued_by = sorted(row[column["who"]] for row in rows[1:] if row[column["kind"]] == "issued")
    assert issued_by == sorted(defused(name) for name in (FORMULA, TAB, CR))
    renamed = next(row for row in rows[1:] if row[column["kind"]] == "service")
    assert AT in renamed[column["details"]]
