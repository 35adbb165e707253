"""/admin/messages: the delivery log of the messages to citizens (Zalo, SMS) and of the
webhook's pushes to the province's system, filtered and exported as CSV, with a warning when
Zalo refuses the access token."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import Response, request

from queue_server.core.clock import local_day
from queue_server.core.request_context import db, now
from queue_server.notify.delivery_log import (
    STATUSES,
    LogFilter,
    log_csv,
    log_rows,
    webhook_backlog,
    zalo_token_problem,
)
from queue_server.notify.office_messages import CHANNELS, MESSAGE_FIELDS
from queue_server.notify.webhook import CHANNEL as WEBHOOK
from queue_server.visits.events import RATING_RECEIVED, VISIT_FINISHED
from queue_server.web.admin.audit import asked_days
from queue_server.web.admin.pages import Visitor, admin_page, blueprint, offices_of, render

PAGE_ROWS = 500
DEFAULT_ZONE = "Asia/Ho_Chi_Minh"
LOG_CHANNELS = (*CHANNELS, WEBHOOK)
LOG_KINDS = (*MESSAGE_FIELDS, VISIT_FINISHED, RATING_RECEIVED)


def _filters(visitor: Visitor) -> tuple[LogFilter, dict, dict, ZoneInfo]:
    """The filter asked for (limited to the visitor's offices), its form values, problems."""
    args = request.args
    mine = offices_of(visitor)
    office = next((o for o in mine if o.slug == args.get("office")), None)
    if office is None and not visitor.is_admin and mine:
        office = mine[0]
    zone = ZoneInfo(office.timezone if office else DEFAULT_ZONE)
    first, last, errors = asked_days(args, local_day(now(), zone.key))
    picked = {name: args.get(name) if args.get(name) in choices else None
              for name, choices in (("status", STATUSES), ("channel", LOG_CHANNELS),
                                    ("kind", LOG_KINDS))}
    ids = (office.id,) if office else (None if visitor.is_admin else ())
    wanted = LogFilter(office_ids=ids, start=_midnight(first, zone),
                       end=_midnight(last + timedelta(days=1), zone), **picked)
    values = {"office": office.slug if office else "", "from": f"{first:%d/%m/%Y}",
              "to": f"{last:%d/%m/%Y}", **{name: value or "" for name, value in picked.items()}}
    return wanted, values, errors, zone


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), tzinfo=zone)


def _read_only() -> None:
    # A long log must never make kiosks wait behind SQLite's write lock (see db.py).
    db().commit()
    db().connection(execution_options={"sqlite_begin": "DEFERRED"})


@blueprint.get("/admin/messages")
@admin_page()
def messages(visitor: Visitor):
    """The newest messages matching the filter, and Zalo's token state."""
    wanted, values, errors, zone = _filters(visitor)
    _read_only()
    rows, has_more = log_rows(db(), wanted, PAGE_ROWS)
    return render("admin.messages.html", visitor, section="messages", rows=rows,
                  has_more=has_more, limit=PAGE_ROWS, values=values, errors=errors,
                  offices=offices_of(visitor), statuses=STATUSES, channels=LOG_CHANNELS,
                  kinds=LOG_KINDS, zone=zone, token_problem=zalo_token_problem(db()),
                  backlog=webhook_backlog(db(), wanted))


@blueprint.get("/admin/messages.csv")
@admin_page()
def messages_csv(visitor: Visitor):
    """Every message matching the filter as CSV (UTF-8 with BOM for Excel; no formulas)."""
    wanted, values, _errors, zone = _filters(visitor)
    _read_only()
    name = f"tin-nhan-{values['office'] or 'tat-ca'}-{values['from']}-{values['to']}"
    return Response(log_csv(db(), wanted, zone), mimetype="text/csv",
                    headers={"Content-Disposition":
                             f'attachment; filename="{name.replace("/", "")}.csv"'})
