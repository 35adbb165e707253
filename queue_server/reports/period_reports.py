"""The reports managers read: one office by service, counter, officer and hour; the province."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from queue_server.feedback import inbox
from queue_server.models import Counter, Office, Service, User
from queue_server.privacy.citizens import repeat_visits
from queue_server.reports.booking_figures import booking_figures
from queue_server.reports.figures import Filters, Period, Scope, empty_figures, figures_by
from queue_server.reports.league import league_places
from queue_server.reports.visit_figures import (
    criteria_figures,
    criteria_targets,
    dossier_figures,
    first_contact_by_office,
    first_contact_share,
)


def office_report(session: Session, office: Office, period: Period, now: datetime,
                  filters: Filters | None = None) -> dict:
    """The contract's stats: the totals, then by service, counter, officer and hour of day."""
    filters = filters or Filters()
    scope = Scope((office.id,), period, office.timezone, filters)
    groups = figures_by(session, scope, ("all", "service", "counter", "officer", "hour"))
    return {
        "office": office.slug, "office_name": office.name, "timezone": office.timezone,
        "from": period.first.isoformat(), "to": period.last.isoformat(),
        "filters": filter_codes(session, filters),
        **(groups["all"].get(0) or empty_figures()),
        "by_service": _by_service(session, groups["service"], office),
        "by_counter": _by_counter(session, groups["counter"], office),
        "by_staff": _by_staff(session, groups["officer"]),
        "by_hour": [{"hour": hour, **figures} for hour, figures in
                    sorted(groups["hour"].items())],
        "feedback_inbox": inbox.period_summary(session, office, scope, now),
        **criteria_figures(session, scope),
        "criteria_targets": criteria_targets(office),
        "dossiers": dossier_figures(session, scope),
        "bookings": booking_figures(session, scope),
        "citizens": _citizens(session, office, period),
    }


def _citizens(session: Session, office: Office, period: Period) -> dict:
    """Tickets taken with a citizen ID card, the people behind them, and who came again."""
    start, end = period.utc_bounds(office.timezone)
    counted = repeat_visits(session, office, start, end)
    return {"tickets": counted.tickets, "people": counted.people,
            "returning": counted.returning}


def filter_codes(session: Session, filters: Filters) -> dict:
    """The filters as the caller gave them: service code, counter number, officer username."""
    service = session.get(Service, filters.service_id) if filters.service_id else None
    counter = session.get(Counter, filters.counter_id) if filters.counter_id else None
    officer = session.get(User, filters.officer_id) if filters.officer_id else None
    return {"service": service.code if service else None,
            "counter": counter.number if counter else None,
            "staff": officer.username if officer else None}


def _by_service(session: Session, groups: dict, office: Office) -> list[dict]:
    services = session.scalars(select(Service).where(Service.office_id == office.id)
                               .order_by(Service.sort_order, Service.id))
    return [{"service": s.code, "name": s.name, **groups[s.id]}
            for s in services if s.id in groups]


def _by_counter(session: Session, groups: dict, office: Office) -> list[dict]:
    counters = session.scalars(select(Counter).where(Counter.office_id == office.id)
                               .order_by(Counter.number))
    return [{"counter": c.number, "name": c.name, **groups[c.id]}
            for c in counters if c.id in groups]


def _by_staff(session: Session, groups: dict) -> list[dict]:
    users = session.scalars(select(User).where(User.id.in_(list(groups))))
    rows = [{"staff": u.username, "name": u.full_name or u.username, **groups[u.id]}
            for u in users]
    return sorted(rows, key=lambda row: row["name"].casefold())


def province_report(session: Session, period: Period) -> dict:
    """Every active office side by side on the same figures, its first-contact share and its
    place in the province's league, and the whole province."""
    offices = session.scalars(select(Office).where(Office.is_active).order_by(Office.name)).all()
    if not offices:
        return {"from": period.first.isoformat(), "to": period.last.isoformat(),
                "total": {**empty_figures(), "first_contact_share": None}, "offices": []}
    scope = Scope(tuple(o.id for o in offices), period, offices[0].timezone)
    found = figures_by(session, scope, ("all", "office"))
    groups, total = found["office"], found["all"].get(0) or empty_figures()
    open_items = inbox.open_counts(session, [o.id for o in offices])
    first_contact = first_contact_by_office(session, scope)
    rows = [{"office": o.slug, "name": o.name, **(groups.get(o.id) or empty_figures()),
             "open_feedback": open_items.get(o.id, 0),
             "first_contact_share": first_contact.get(o.id),
             "satisfaction_minimum": criteria_targets(o)["minimum"]} for o in offices]
    places = league_places(rows)
    return {
        "from": period.first.isoformat(), "to": period.last.isoformat(),
        "total": {**total, "first_contact_share": first_contact_share(session, scope)},
        "offices": [{**row, "league": places[row["office"]]} for row in rows],
    }
