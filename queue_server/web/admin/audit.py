"""/admin/audit: administration changes, ticket actions (reprints too) and counter pauses,
filtered, exported as CSV."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import Response, request
from sqlalchemy import select

from queue_server.core.clock import local_day
from queue_server.core.request_context import db, now, state
from queue_server.models import Office, PriorityCategory, Service
from queue_server.setup.audit_view import (
    ADMIN_KINDS,
    COUNTER_KINDS,
    KINDS,
    TICKET_KINDS,
    AuditFilter,
    audit_csv_chunks,
    audit_rows,
)
from queue_server.setup.fields import FormInvalid, Rule, one_date, read
from queue_server.web.admin.audit_words import AuditWords, browser_name
from queue_server.web.admin.pages import (
    Visitor,
    admin_page,
    blueprint,
    form_errors,
    offices_of,
    render,
)
from queue_server.web.login import page_language

PAGE_ROWS = 500
DEFAULT_DAYS = 7
MAX_DAYS = 366
DEFAULT_ZONE = "Asia/Ho_Chi_Minh"


def _filters(visitor: Visitor) -> tuple[AuditFilter, dict, dict]:
    """The filter asked for in the query (limited to the visitor's offices), the form values
    and the problems found."""
    args = request.args
    mine = offices_of(visitor)
    office = next((o for o in mine if o.slug == args.get("office")), None)
    if office is None and not visitor.is_admin and mine:
        office = mine[0]
    zone = office.timezone if office else DEFAULT_ZONE
    today = local_day(now(), zone)
    first, last, errors = asked_days(args, today)
    kind = args.get("kind") if args.get("kind") in KINDS else None
    username = (args.get("user") or "").strip()[:64] or None
    ids = (office.id,) if office else (None if visitor.is_admin else ())
    wanted = AuditFilter(office_ids=ids, start=_midnight(first, zone),
                         end=_midnight(last + timedelta(days=1), zone), username=username,
                         kind=kind)
    values = {"office": office.slug if office else "", "from": f"{first:%d/%m/%Y}",
              "to": f"{last:%d/%m/%Y}", "user": username or "", "kind": kind or ""}
    return wanted, values, errors


def asked_days(args, today: date) -> tuple[date, date, dict]:
    """The asked [first, last] local days (the last week by default, a year at most)."""
    errors: dict = {}
    days = {"from": today - timedelta(days=DEFAULT_DAYS - 1), "to": today}
    for name in days:
        if (args.get(name) or "").strip():
            try:
                days[name] = read(args, [Rule(name, one_date)])[name]
            except FormInvalid as error:
                errors.update(form_errors(error))
    first, last = sorted(days.values())
    return max(first, last - timedelta(days=MAX_DAYS - 1)), last, errors


def _read_only() -> None:
    # Every transaction starts with SQLite's write lock (db.py); reading a long log must
    # never make kiosks wait, so it reads in a deferred transaction of its own.
    db().commit()
    db().connection(execution_options={"sqlite_begin": "DEFERRED"})


def _midnight(day: date, zone: str) -> datetime:
    return datetime.combine(day, time(), tzinfo=ZoneInfo(zone))


@blueprint.get("/admin/audit")
@admin_page()
def audit(visitor: Visitor):
    """The newest lines matching the filter."""
    wanted, values, errors = _filters(visitor)
    _read_only()
    rows, has_more = audit_rows(db(), wanted, PAGE_ROWS)
    return render("admin.audit.html", visitor, section="audit", rows=rows, has_more=has_more,
                  limit=PAGE_ROWS, values=values, errors=errors, offices=offices_of(visitor),
                  admin_kinds=ADMIN_KINDS, ticket_kinds=TICKET_KINDS,
                  counter_kinds=COUNTER_KINDS, words=_words(visitor),
                  browser=lambda agent: browser_name(agent, page_language()),
                  office=_office_for_nav(visitor, values["office"]))


def _words(visitor: Visitor) -> AuditWords:
    """Words for the visitor's page, with the names of their offices' services and groups."""
    offices = offices_of(visitor)
    ids = [office.id for office in offices]
    services = db().scalars(select(Service).where(Service.office_id.in_(ids)))
    priorities = db().scalars(select(PriorityCategory).where(
        PriorityCategory.office_id.in_(ids)))
    return AuditWords(page_language(), services={s.code: s.name for s in services},
                      priorities={p.code: p.name for p in priorities},
                      offices={office.id: office.name for office in offices})


def _office_for_nav(visitor: Visitor, slug: str) -> Office | None:
    if not slug:
        return None
    return db().scalar(select(Office).where(Office.slug == slug))


@blueprint.get("/admin/audit.csv")
@admin_page()
def audit_csv(visitor: Visitor):
    """Every line matching the filter as CSV (UTF-8 with BOM for Excel; no formulas)."""
    wanted, values, _errors = _filters(visitor)
    name = f"nhat-ky-{values['office'] or 'tat-ca'}-{values['from']}-{values['to']}"
    name = name.replace("/", "")
    chunks = audit_csv_chunks(state().sessions, wanted)
    return Response(chunks, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
