"""What a waiting-room display shows: the snapshot behind the board channel."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from queue_server.core.clock import iso_local, local_day
from queue_server.models import Counter, Office, Ticket, TicketEvent, TicketEventKind, TicketStatus
from queue_server.tickets.queue_state import QueueState, waiting_counts

RECENT_CALLS = 10


def board_snapshot(session: Session, office: Office, now: datetime) -> dict:
    """Now serving per counter, the last calls and the waiting counts; no personal data."""
    day = local_day(now, office.timezone)
    return {
        "office": office.slug,
        "office_name": office.name,
        "notice": office.notice,
        "now_serving": now_serving(session, office, day),
        "recent_calls": _recent_calls(session, office, day),
        "waiting": waiting_counts(session, office, day),
        "counters": counters_shown(office),
        "generated_at": iso_local(now, office.timezone),
    }


def counters_shown(office: Office) -> list[dict]:
    """Each active counter as the display lists it."""
    return [{"counter": c.number, "name": c.name, "is_paused": c.is_paused}
            for c in office.counters if c.is_active]


def now_serving(session: Session, office: Office, day: date) -> list[dict]:
    """The ticket each counter serves now, by counter number."""
    rows = session.execute(
        select(Counter.number, Ticket.number, Ticket.service_id, Ticket.last_called_at)
        .join(Ticket, Ticket.counter_id == Counter.id)
        .where(Counter.office_id == office.id, Ticket.status == TicketStatus.CALLED,
               Ticket.day == day)
        .order_by(Counter.number)
    )
    codes = {service.id: service.code for service in office.services}
    return [{"counter": counter, "number": number, "service": codes.get(service_id),
             "called_at": iso_local(called_at, office.timezone)}
            for counter, number, service_id, called_at in rows]


def now_serving_of(state: QueueState) -> list[dict]:
    """The ticket each counter serves now, from a queue state (as `now_serving` reads it)."""
    codes, timezone = state.queue.service_codes, state.office.timezone
    return [{"counter": serving.counter_number, "number": serving.number,
             "service": codes.get(serving.service_id),
             "called_at": iso_local(serving.called_at, timezone)}
            for serving in sorted(state.queue.busy, key=lambda serving: serving.counter_number)]


def _recent_calls(session: Session, office: Office, day: date) -> list[dict]:
    start = datetime.combine(day, time(), tzinfo=ZoneInfo(office.timezone))
    rows = session.execute(
        select(TicketEvent.id, TicketEvent.kind, TicketEvent.at, Counter.number, Ticket.number,
               Ticket.service_id)
        .join(Ticket, Ticket.id == TicketEvent.ticket_id)
        .join(Counter, Counter.id == TicketEvent.counter_id)
        .where(TicketEvent.office_id == office.id, TicketEvent.at >= start,
               TicketEvent.kind.in_([TicketEventKind.CALLED, TicketEventKind.RECALLED]))
        .order_by(TicketEvent.id.desc())
        .limit(RECENT_CALLS)
    )
    codes = {service.id: service.code for service in office.services}
    return [{"call_id": event_id, "counter": counter, "number": number,
             "service": codes.get(service_id), "called_at": iso_local(at, office.timezone),
             "is_recall": kind is TicketEventKind.RECALLED}
            for event_id, kind, at, counter, number, service_id in rows]
