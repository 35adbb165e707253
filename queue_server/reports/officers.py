"""The monthly officer report for the evaluation meeting: one row per officer of the office."""

from __future__ import annotations

import calendar
from datetime import date

from sqlalchemy import distinct, func, or_, select
from sqlalchemy.orm import Session

from queue_server.core.errors import InvalidInput
from queue_server.core.sqltime import local_date
from queue_server.models import Office, Role, TicketEvent, TicketEventKind, User
from queue_server.reports.figures import Period, Scope, empty_figures, figures_by, share

# What counts as working at a counter that day.
WORK_EVENTS = (TicketEventKind.CALLED, TicketEventKind.RECALLED, TicketEventKind.FINISHED,
               TicketEventKind.NO_SHOW, TicketEventKind.TRANSFERRED)


def month_period(month: str) -> Period:
    """'2026-11' as the period from its first to its last day; 400 invalid_month otherwise."""
    try:
        year, number = (int(part) for part in month.split("-"))
        first = date(year, number, 1)
    except (ValueError, TypeError):
        raise InvalidInput("invalid_month", month=month) from None
    if len(month) != 7:
        raise InvalidInput("invalid_month", month=month)
    return Period(first, first.replace(day=calendar.monthrange(year, number)[1]))


def officer_report(session: Session, office: Office, period: Period) -> dict:
    """Per officer: served, service times, no-show rate, ratings, reasons, days worked."""
    scope = Scope((office.id,), period, office.timezone)
    figures = figures_by(session, scope, ("officer",))["officer"]
    days = days_worked(session, office, period)
    officers = session.scalars(select(User).where(or_(
        User.id.in_(set(figures) | set(days)),
        (User.office_id == office.id) & User.is_active & (User.role != Role.ADMIN)))).all()
    rows = [_row(user, figures.get(user.id) or empty_figures(), days.get(user.id, 0))
            for user in officers]
    return {"office": office.slug, "office_name": office.name,
            "from": period.first.isoformat(), "to": period.last.isoformat(),
            "officers": sorted(rows, key=lambda row: row["name"].casefold())}


def _row(user: User, figures: dict, days: int) -> dict:
    ended = figures["served"] + figures["no_show"]
    satisfaction = figures["satisfaction"]
    return {"staff": user.username, "name": user.full_name or user.username,
            "served": figures["served"], "no_show": figures["no_show"],
            "no_show_rate": share(figures["no_show"], ended),
            "service_s": figures["service_s"], "wait_s": figures["wait_s"],
            "ratings": satisfaction["responses"],
            "satisfied_share": satisfaction["satisfied_share"],
            "reasons": satisfaction["reasons"], "comments": satisfaction["comments"],
            "days_worked": days}


def days_worked(session: Session, office: Office, period: Period) -> dict[int, int]:
    """Local days on which each officer called, finished or passed on at least one ticket."""
    start, end = period.utc_bounds(office.timezone)
    day = local_date(session.get_bind().dialect.name, TicketEvent.at, office.timezone,
                     start, end)
    rows = session.execute(
        select(TicketEvent.user_id, func.count(distinct(day)))
        .where(TicketEvent.office_id == office.id, TicketEvent.at >= start,
               TicketEvent.at < end, TicketEvent.user_id.is_not(None),
               TicketEvent.kind.in_(WORK_EVENTS))
        .group_by(TicketEvent.user_id))
    return {user_id: days for user_id, days in rows if user_id is not None}
