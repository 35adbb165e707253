"""The province's live monitor: every active office's queue, counters and today's ratings.

A fixed set of grouped queries whatever the number of offices (a province runs a hundred or
more), never one query per office. An office is in alert when a ticket waiting now has waited
longer than its service's target wait. A counter is open when its office is open (hours and
holidays) and the counter is not paused.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import Session

from queue_server.core.clock import local_day
from queue_server.models import Counter, Feedback, Office, Service, Ticket, TicketStatus
from queue_server.reports.figures import SATISFIED_FROM, on_five_levels, share
from queue_server.tickets.lifecycle import schedule_of


def province_monitor(session: Session, now: datetime) -> dict:
    """Each active office's waiting, longest wait, counters, today's tickets and ratings."""
    offices = session.scalars(select(Office).where(Office.is_active)
                              .order_by(Office.name)).all()
    days = {office.id: local_day(now, office.timezone) for office in offices}
    today = set(days.values())
    queues = _queues(session, days, today, now)
    tickets = _today_tickets(session, days, today)
    counters = _counters(session, days, today)
    ratings = _today_ratings(session, days, today)
    rows = [_office_row(office, schedule_of(office).is_open(now), queues[office.id],
                        tickets.get(office.id, (0, 0)), counters.get(office.id, (0, 0, 0)),
                        ratings.get(office.id, (0, 0)))
            for office in offices]
    return {"offices": rows, "total": _total(rows)}


def _in_today(today: set[date]) -> ColumnElement[bool]:
    """The grouped rows' filter: tickets of any office's today (usually one day)."""
    return Ticket.day.in_(sorted(today)) if len(today) > 1 else Ticket.day == next(iter(today))


def _queues(session: Session, days: dict[int, date], today: set[date],
            now: datetime) -> dict[int, list[dict]]:
    """Per office, each service with someone waiting: how many, the longest wait, the target."""
    found: dict[int, list[dict]] = defaultdict(list)
    if not days:
        return found
    rows = session.execute(
        select(Ticket.office_id, Ticket.day, Service.code, Service.name, Service.target_wait_s,
               func.count(), func.min(Ticket.queued_at))
        .join(Service, Service.id == Ticket.service_id)
        .where(Ticket.status == TicketStatus.WAITING, _in_today(today))
        .group_by(Ticket.office_id, Ticket.day, Service.code, Service.name,
                  Service.target_wait_s))
    for office_id, day, code, name, target, waiting, oldest in rows:
        if days.get(office_id) != day:
            continue  # another office's today, in another time zone
        longest = max(0, round((now - oldest).total_seconds()))
        found[office_id].append({"service": code, "name": name, "waiting": int(waiting),
                                 "longest_wait_s": longest, "target_wait_s": target,
                                 "is_over_target": longest > target})
    return found


def _today_tickets(session: Session, days: dict[int, date],
                   today: set[date]) -> dict[int, tuple[int, int]]:
    """Per office: tickets issued today, and served (finished) today."""
    if not days:
        return {}
    rows = session.execute(
        select(Ticket.office_id, Ticket.day, func.count(),
               func.sum(case((Ticket.status == TicketStatus.DONE, 1), else_=0)))
        .where(_in_today(today)).group_by(Ticket.office_id, Ticket.day))
    return {office_id: (int(issued), int(served or 0)) for office_id, day, issued, served in rows
            if days.get(office_id) == day}


def _counters(session: Session, days: dict[int, date],
              today: set[date]) -> dict[int, tuple[int, int, int]]:
    """Per office: active counters, open ones (not paused), and those serving someone now."""
    found = {office_id: (int(active), int(open_now or 0), 0) for office_id, active, open_now in
             session.execute(select(Counter.office_id, func.count(), func.sum(
                 case((Counter.is_paused.is_(False), 1), else_=0)))
                 .where(Counter.is_active).group_by(Counter.office_id))}
    if not days:
        return found
    serving = session.execute(
        select(Ticket.office_id, Ticket.day, func.count(func.distinct(Ticket.counter_id)))
        .where(Ticket.status == TicketStatus.CALLED, _in_today(today))
        .group_by(Ticket.office_id, Ticket.day))
    for office_id, day, count in serving:
        if days.get(office_id) == day and office_id in found:
            active, open_now, _ = found[office_id]
            found[office_id] = (active, open_now, int(count))
    return found


def _today_ratings(session: Session, days: dict[int, date],
                   today: set[date]) -> dict[int, tuple[int, int]]:
    """Per office: ratings of today's tickets, and how many were satisfied (4 and 5)."""
    if not days:
        return {}
    level = on_five_levels(Feedback.rating, Feedback.levels)
    rows = session.execute(
        select(Ticket.office_id, Ticket.day, func.count(),
               func.sum(case((level >= SATISFIED_FROM, 1), else_=0)))
        .join(Feedback, and_(Feedback.ticket_id == Ticket.id,
                             Feedback.office_id == Ticket.office_id))
        .where(_in_today(today)).group_by(Ticket.office_id, Ticket.day))
    return {office_id: (int(count), int(satisfied or 0))
            for office_id, day, count, satisfied in rows if days.get(office_id) == day}


def _office_row(office: Office, is_open: bool, queues: list[dict], tickets: tuple[int, int],
                counters: tuple[int, int, int], ratings: tuple[int, int]) -> dict:
    over = sorted((q for q in queues if q["is_over_target"]),
                  key=lambda q: q["target_wait_s"] - q["longest_wait_s"])
    longest = max((q["longest_wait_s"] for q in queues), default=None)
    active, open_now, serving = counters
    responses, satisfied = ratings
    return {
        "office": office.slug, "name": office.name, "is_open": is_open,
        "waiting": sum(q["waiting"] for q in queues), "longest_wait_s": longest,
        "is_alert": bool(over),
        "over_target": [{key: q[key] for key in ("service", "name", "waiting",
                                                  "longest_wait_s", "target_wait_s")}
                        for q in over],
        "counters": {"active": active, "open": open_now if is_open else 0,
                     "serving": serving},
        "issued_today": tickets[0], "served_today": tickets[1],
        "satisfaction": {"responses": responses, "satisfied": satisfied,
                         "satisfied_share": share(satisfied, responses)},
    }


def _total(rows: list[dict]) -> dict:
    def add(read: Callable[[dict], int]) -> int:
        return sum(read(row) for row in rows)

    responses = add(lambda row: row["satisfaction"]["responses"])
    satisfied = add(lambda row: row["satisfaction"]["satisfied"])
    return {
        "offices": len(rows), "alerts": add(lambda row: int(row["is_alert"])),
        "waiting": add(lambda row: row["waiting"]),
        "longest_wait_s": max((row["longest_wait_s"] for row in rows
                               if row["longest_wait_s"] is not None), default=None),
        "counters": {key: sum(row["counters"][key] for row in rows)
                     for key in ("active", "open", "serving")},
        "issued_today": add(lambda row: row["issued_today"]),
        "served_today": add(lambda row: row["served_today"]),
        "satisfaction": {"responses": responses, "satisfied": satisfied,
                         "satisfied_share": share(satisfied, responses)},
    }
