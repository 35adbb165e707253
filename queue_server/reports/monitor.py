"""The manager's live monitor: queues, longest waits, counters and today's figures."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from queue_server.core.clock import iso_local, local_day
from queue_server.feedback import inbox
from queue_server.models import Counter, Office, Ticket, TicketStatus, User
from queue_server.reports.figures import Period, Scope, empty_figures, figures_by


def live_monitor(session: Session, office: Office, now: datetime) -> dict:
    """What the dashboard's live part shows; refetched after every queue event."""
    day = local_day(now, office.timezone)
    services = _services(session, office, day, now)
    today = figures_by(session, Scope((office.id,), Period(day, day), office.timezone),
                       ("all",))["all"].get(0) or empty_figures()
    waits = [s["longest_wait_s"] for s in services if s["longest_wait_s"] is not None]
    return {
        "office": office.slug, "office_name": office.name, "day": day.isoformat(),
        "generated_at": iso_local(now, office.timezone),
        "waiting": sum(s["waiting"] for s in services),
        "longest_wait_s": max(waits, default=None),
        "services": services,
        "counters": _counters(session, office, day, now),
        "today": today,
        "feedback_inbox": inbox.live_summary(session, office, now),
    }


def _services(session: Session, office: Office, day: date, now: datetime) -> list[dict]:
    # Time in the current queue: since issue, or since the transfer that put it there.
    rows = {service_id: (count, oldest) for service_id, count, oldest in session.execute(
        select(Ticket.service_id, func.count(), func.min(Ticket.queued_at))
        .where(Ticket.office_id == office.id, Ticket.day == day,
               Ticket.status == TicketStatus.WAITING)
        .group_by(Ticket.service_id))}
    result = []
    for service in office.services:
        count, oldest = rows.get(service.id, (0, None))
        if not service.is_active and not count:
            continue
        longest = None if oldest is None else max(0, round((now - oldest).total_seconds()))
        result.append({"service": service.code, "name": service.name, "waiting": count,
                       "longest_wait_s": longest, "target_wait_s": service.target_wait_s,
                       "is_over_target": longest is not None
                       and longest > service.target_wait_s})
    return result


def _counters(session: Session, office: Office, day: date, now: datetime) -> list[dict]:
    current = {counter_id: (number, called_at, name) for counter_id, number, called_at, name in
               session.execute(
                   select(Ticket.counter_id, Ticket.number, Ticket.last_called_at,
                          func.coalesce(func.nullif(User.full_name, ""), User.username))
                   .outerjoin(User, User.id == Ticket.officer_id)
                   .where(Ticket.office_id == office.id, Ticket.day == day,
                          Ticket.status == TicketStatus.CALLED))}
    served = dict(session.execute(
        select(Ticket.counter_id, func.count())
        .where(Ticket.office_id == office.id, Ticket.day == day,
               Ticket.status == TicketStatus.DONE)
        .group_by(Ticket.counter_id)).all())
    rows = session.scalars(select(Counter).where(Counter.office_id == office.id,
                                                 Counter.is_active).order_by(Counter.number))
    return [_counter_json(counter, current.get(counter.id), served.get(counter.id, 0),
                          office.timezone, now) for counter in rows]


def _counter_json(counter: Counter, current: tuple | None, served_today: int, timezone: str,
                  now: datetime) -> dict:
    state = "paused" if counter.is_paused else ("serving" if current else "idle")
    number, called_at, officer = current or (None, None, None)
    return {"counter": counter.number, "name": counter.name, "state": state,
            "pause_reason": counter.pause_reason,
            "paused_at": iso_local(counter.paused_at, timezone),
            "serving": number, "officer": officer,
            "serving_for_s": round((now - called_at).total_seconds()) if called_at else None,
            "served_today": served_today,
            "services": [s.code for s in counter.services if s.is_active]}

