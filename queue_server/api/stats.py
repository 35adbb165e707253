"""Reports for managers: stats, the live monitor, the monthly officer report, the province,
and their XLSX and CSV exports. Manager of the office, a province manager (a manager without
an office) or admin; the province's monitor and league table: province manager or admin.
"""

from __future__ import annotations

import re
from datetime import date

from flask import Response, jsonify, request
from sqlalchemy import select

from queue_server.api import openapi
from queue_server.api.blueprint import api
from queue_server.api.common import office_or_404, refuse_unknown_parameters
from queue_server.core.clock import iso_local, local_day, local_time
from queue_server.core.errors import Forbidden, InvalidInput
from queue_server.core.request_context import db, now, reading
from queue_server.edge.callers import principal
from queue_server.models import Counter, Office, Role, Service, User
from queue_server.reports import officers, spreadsheets
from queue_server.reports.figures import Filters, Period, Scope
from queue_server.reports.monitor import live_monitor
from queue_server.reports.period_reports import office_report, province_report
from queue_server.reports.province_monitor import province_monitor
from queue_server.reports.ticket_export import tickets_table
from queue_server.security.tokens import Principal

# A busy office's three years is about 190,000 tickets: still a few seconds.
MAX_PERIOD_DAYS = 1096
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
REPORT_PARAMETERS = {"from", "to", "service", "counter", "staff"}



def require_manager_of(office: Office) -> Principal:
    """Who may read this office's reports: its manager, a province manager, or an admin;
    401 anonymous, 403 anyone else."""
    caller = principal()
    if not caller.is_user:
        raise Forbidden("forbidden")
    if caller.oversees_province:
        return caller
    if caller.role is not Role.MANAGER:
        raise Forbidden("manager_only")
    if caller.office_id != office.id:
        raise Forbidden("wrong_office")
    return caller


def require_office_manager_of(office: Office) -> Principal:
    """Who may act for this office (answer its feedback): its manager or an admin; a
    province manager reads only."""
    caller = require_manager_of(office)
    if caller.is_province_manager:
        raise Forbidden("province_read_only")
    return caller


def require_province_reader() -> Principal:
    """An admin or a province manager: every office's figures side by side."""
    caller = principal()
    if not caller.oversees_province:
        raise Forbidden("province_only")
    return caller


def _date(name: str) -> date | None:
    value = request.args.get(name)
    if value is None:
        return None
    try:
        if not _DATE.fullmatch(value):
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput("invalid_date", value=value) from None


def read_period(timezone: str) -> Period:
    """?from=&to= as local days; each defaults to today, and to the other when one is given."""
    today = local_day(now(), timezone)
    first, last = _date("from"), _date("to")
    period = Period(first or last or today, last or first or today)
    if period.first > period.last:
        raise InvalidInput("invalid_period")
    if period.days() > MAX_PERIOD_DAYS:
        raise InvalidInput("period_too_long", days=MAX_PERIOD_DAYS)
    return period


def read_filters(office: Office) -> Filters:
    """?service=code&counter=number&staff=username, each optional."""
    service_code, counter_text = request.args.get("service"), request.args.get("counter")
    username = request.args.get("staff")
    service_id = counter_id = officer_id = None
    if service_code:
        service_id = db().scalar(select(Service.id).where(
            Service.office_id == office.id, Service.code == service_code))
        if service_id is None:
            raise InvalidInput("unknown_service", code=service_code)
    if counter_text is not None:
        counter_id = _counter_id(office, counter_text)
    if username:
        officer_id = db().scalar(select(User.id).where(
            User.username == username,
            (User.office_id == office.id) | (User.role == Role.ADMIN)))
        if officer_id is None:
            raise InvalidInput("unknown_staff", username=username)
    return Filters(service_id, counter_id, officer_id)


def _counter_id(office: Office, text: str) -> int:
    if not text.isdigit() or len(text) > 6:
        raise InvalidInput("invalid_field", field="counter", reason="must be a counter number")
    counter_id = db().scalar(select(Counter.id).where(
        Counter.office_id == office.id, Counter.number == int(text)))
    if counter_id is None:
        raise InvalidInput("unknown_counter", "unknown_counter", counter=text)
    return counter_id


def _report_request(slug: str, extra: frozenset[str] = frozenset()):
    office = office_or_404(slug)
    require_manager_of(office)
    refuse_unknown_parameters(REPORT_PARAMETERS | extra)
    period, filters = read_period(office.timezone), read_filters(office)
    reading()
    return office, period, filters


def download(body: bytes | str, mimetype: str, filename: str) -> Response:
    """A file to save, never cached (reports hold officers' names and citizens' comments)."""
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _name(kind: str, slug: str, period: Period, extension: str) -> str:
    return f"{kind}-{slug}-{period.first.isoformat()}-{period.last.isoformat()}.{extension}"


@api.get("/offices/<slug>/stats")
def office_stats(slug: str):
    """Figures for a period: totals and by service, counter, officer and hour."""
    office, period, filters = _report_request(slug)
    return jsonify(office_report(db(), office, period, now(), filters))


def _report_tables(slug: str) -> tuple[Office, Period, dict]:
    office, period, filters = _report_request(slug, frozenset({"table"}))
    report = office_report(db(), office, period, now(), filters)
    return office, period, spreadsheets.report_tables(report, local_time(now(), office.timezone))


@api.get("/offices/<slug>/stats.xlsx")
def office_stats_xlsx(slug: str):
    """The same report as a workbook: one sheet per table, and how figures are computed."""
    office, period, tables = _report_tables(slug)
    body = spreadsheets.xlsx_bytes([*tables.values(), spreadsheets.definitions_table()])
    return download(body, spreadsheets.XLSX_TYPE, _name("bao-cao", office.slug, period, "xlsx"))


@api.get("/offices/<slug>/stats.csv")
def office_stats_csv(slug: str):
    """One table of the report as CSV: ?table=summary|service|counter|staff|hour|reasons|
    criteria|dossiers."""
    office, period, tables = _report_tables(slug)
    name = request.args.get("table", "summary")
    if name not in tables:
        raise InvalidInput("unknown_table", table=name, known=", ".join(tables))
    return download(spreadsheets.table_csv(tables[name]), spreadsheets.CSV_TYPE,
                    _name(f"bao-cao-{name}", office.slug, period, "csv"))


def _tickets(slug: str) -> tuple[Office, Period, spreadsheets.Table]:
    office, period, filters = _report_request(slug)
    scope = Scope((office.id,), period, office.timezone, filters)
    return office, period, tickets_table(db(), office, scope)


@api.get("/offices/<slug>/tickets.xlsx")
def tickets_xlsx(slug: str):
    """Every ticket of the period, one row each, local times."""
    office, period, table = _tickets(slug)
    body = spreadsheets.xlsx_bytes([table, spreadsheets.definitions_table()])
    return download(body, spreadsheets.XLSX_TYPE, _name("phieu", office.slug, period, "xlsx"))


@api.get("/offices/<slug>/tickets.csv")
def tickets_csv(slug: str):
    """Every ticket of the period as CSV."""
    office, period, table = _tickets(slug)
    return download(spreadsheets.table_csv(table), spreadsheets.CSV_TYPE,
                    _name("phieu", office.slug, period, "csv"))


@api.get("/offices/<slug>/monitor")
def office_monitor(slug: str):
    """The live part of the dashboard: queues, longest waits, counters, today's figures."""
    office = office_or_404(slug)
    require_manager_of(office)
    refuse_unknown_parameters(set())
    reading()
    return jsonify(live_monitor(db(), office, now()))


def read_month(office: Office) -> Period:
    """?month=YYYY-MM, by default the current local month."""
    month = request.args.get("month") or local_day(now(), office.timezone).isoformat()[:7]
    return officers.month_period(month)


def _officer_report(slug: str) -> tuple[Office, Period, dict]:
    office = office_or_404(slug)
    require_manager_of(office)
    refuse_unknown_parameters({"month"})
    period = read_month(office)
    reading()
    return office, period, officers.officer_report(db(), office, period)


@api.get("/offices/<slug>/officer-report")
def officer_report(slug: str):
    """The monthly officer report: served, service times, no-shows, ratings, days worked."""
    return jsonify(_officer_report(slug)[2])


@api.get("/offices/<slug>/officer-report.xlsx")
def officer_report_xlsx(slug: str):
    """The monthly officer report as a workbook."""
    office, period, report = _officer_report(slug)
    body = spreadsheets.xlsx_bytes([spreadsheets.officer_table(report),
                                    spreadsheets.definitions_table()])
    return download(body, spreadsheets.XLSX_TYPE,
                    f"can-bo-{office.slug}-{period.first.isoformat()[:7]}.xlsx")


@api.get("/offices/<slug>/officer-report.csv")
def officer_report_csv(slug: str):
    """The monthly officer report as CSV."""
    office, period, report = _officer_report(slug)
    return download(spreadsheets.table_csv(spreadsheets.officer_table(report)),
                    spreadsheets.CSV_TYPE,
                    f"can-bo-{office.slug}-{period.first.isoformat()[:7]}.csv")


def _province() -> tuple[Period, dict]:
    require_province_reader()
    refuse_unknown_parameters({"from", "to"})
    timezone = db().scalar(select(Office.timezone).where(Office.is_active).limit(1))
    period = read_period(timezone or "Asia/Ho_Chi_Minh")
    reading()
    return period, province_report(db(), period)


@api.get("/stats")
def province_stats():
    """The league table: every office on the same figures, its place, and the province's
    total (province manager, admin)."""
    return jsonify(_province()[1])


@api.get("/monitor")
def province_live():
    """Every office now: waiting, longest wait, counters, today's ratings, alerts."""
    require_province_reader()
    refuse_unknown_parameters(set())
    reading()
    timezone = db().scalar(select(Office.timezone).where(Office.is_active).limit(1))
    moment = now()
    return jsonify({"generated_at": iso_local(moment, timezone or "Asia/Ho_Chi_Minh"),
                    **province_monitor(db(), moment)})


@api.get("/stats.xlsx")
def province_stats_xlsx():
    """The league table as a workbook (province manager, admin)."""
    period, report = _province()
    body = spreadsheets.xlsx_bytes([spreadsheets.province_table(report),
                                    spreadsheets.definitions_table()])
    return download(body, spreadsheets.XLSX_TYPE, _name("bao-cao", "toan-tinh", period, "xlsx"))


@api.get("/stats.csv")
def province_stats_csv():
    """The league table as CSV (province manager, admin)."""
    period, report = _province()
    return download(spreadsheets.table_csv(spreadsheets.province_table(report)),
                    spreadsheets.CSV_TYPE, _name("bao-cao", "toan-tinh", period, "csv"))


def _document() -> None:
    def query(name: str, description: str, kind: str = "string", **extra: object) -> dict:
        return {"name": name, "in": "query", "required": False, "description": description,
                "schema": {"type": kind, **extra}}

    period = [query("from", "first local day, YYYY-MM-DD (default: today or `to`)",
                    format="date"),
              query("to", "last local day, YYYY-MM-DD (default: today or `from`)",
                    format="date")]
    narrowing = [query("service", "service code (the service the number was issued for)"),
                 query("counter", "counter number", "integer"),
                 query("staff", "officer username")]
    office = [openapi.path_param("office")]
    month = [query("month", "YYYY-MM (default: this month)")]
    table = [query("table", "summary, service, counter, staff, hour, reasons, criteria or "
                            "dossiers")]
    errors = dict.fromkeys((400, 401, 403, 404), openapi.ERROR)

    def get(summary: str, answer: str, parameters: list) -> dict:
        return {"get": openapi.operation(summary, {200: answer, **errors}, secure=True,
                                         parameters=parameters)}

    stats = (f"{_FIGURES_TEXT} Also by_service, by_counter, by_staff, by_hour (same figures), "
             f"feedback_inbox, and the visit's figures: {_VISIT_FIGURES_TEXT}")
    base = "/api/v1/offices/{office}"
    openapi.document_paths({
        base + "/stats": get("Report for a period (manager of the office, admin). " + stats,
                             "report", office + period + narrowing),
        base + "/stats.xlsx": get("The report as XLSX: one sheet per table plus definitions",
                                  "XLSX file", office + period + narrowing),
        base + "/stats.csv": get("One table of the report as CSV (UTF-8 with BOM)",
                                 "CSV file", office + period + narrowing + table),
        base + "/tickets.xlsx": get("Every ticket of the period, local times, as XLSX",
                                   "XLSX file", office + period + narrowing),
        base + "/tickets.csv": get("Every ticket of the period, local times, as CSV",
                                   "CSV file", office + period + narrowing),
        base + "/monitor": get("The live monitor: waiting and longest wait per service, "
                               "counters (serving, idle, paused and why), today's figures, "
                               "open feedback", "monitor snapshot", office),
        base + "/officer-report": get(
            "Monthly officer report: served, mean and p90 service time, no-show rate, "
            "ratings, % hài lòng, reasons, days worked", "officers", office + month),
        base + "/officer-report.xlsx": get("Monthly officer report as XLSX", "XLSX file",
                                           office + month),
        base + "/officer-report.csv": get("Monthly officer report as CSV", "CSV file",
                                          office + month),
        "/api/v1/stats": get(
            "The province's league table (province manager, admin): every office on the "
            "office report's figures plus first_contact_share, open_feedback and league "
            "{place, score, ranks {wait_p90, satisfaction, first_contact}, flags [wait, "
            "satisfaction]}; and the province total", "offices, total", period),
        "/api/v1/stats.xlsx": get("The league table as XLSX (province manager, admin)",
                                  "XLSX file", period),
        "/api/v1/stats.csv": get("The league table as CSV (province manager, admin)",
                                 "CSV file", period),
        "/api/v1/monitor": get(
            "The province's live monitor (province manager, admin): per office waiting, "
            "longest_wait_s, is_alert and over_target (services whose longest wait passed "
            "their target), counters {active, open, serving}, issued_today, served_today, "
            "satisfaction {responses, satisfied, satisfied_share} of today's tickets; and "
            "the total", "offices, total", []),
    })


_FIGURES_TEXT = (
    "Figures: issued (every ticket of the local days), called, served (finished), no_show, "
    "cancelled; wait_s = first call − issue for every called ticket, no-shows included; "
    "service_s = finish − the call that brought the citizen (last call or recall), for "
    "finished tickets; each {mean, p50, p90, max} in seconds, percentiles exact by nearest "
    "rank (percentile_disc); over_target = called tickets whose wait exceeded the target of "
    "the service they were issued for; satisfaction.satisfied_share = ratings 4 and 5 ÷ all "
    "ratings of the period's tickets (% hài lòng); repeat_visits from the ratings' visits "
    "answer and from dossier codes seen on an earlier ticket. A ticket belongs to the service "
    "it was issued for and to the counter and officer that last called it.")

_VISIT_FIGURES_TEXT = (
    "criteria {<criterion>: {responses, satisfied_share}} for the six criteria of the rating "
    "form (tiep-can, thu-tuc, cbcc, ket-qua, phan-hoi, dieu-kien), each answer counting for "
    "its question's criterion, satisfied = the top two levels of a five-level form, the top "
    "one of a three-level form; criteria_by_month, criteria_by_staff; criteria_targets "
    "{minimum, goal}; dossiers {seen (distinct codes on finished tickets), "
    "first_contact_share (among dossiers received in the period, the share received at "
    "their first finished visit at any office), by_outcome, by_service [{service, visits, "
    "supplement, supplement_share}]}.")

_document()
