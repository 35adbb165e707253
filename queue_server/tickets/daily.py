"""End of day: tickets left waiting or called on an earlier local day are closed.

Numbers restart by themselves (the day is in the numbering key); this only keeps
yesterday's leftovers off today's screens and forecasts. Nothing is deleted.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from queue_server.core.clock import local_day
from queue_server.models import Office, Ticket, TicketEvent, TicketEventKind, TicketStatus


def close_previous_days(session: Session, office: Office, now: datetime) -> int:
    """Cancel tickets still waiting and finish tickets still called from earlier days."""
    today = local_day(now, office.timezone)
    leftovers = session.scalars(select(Ticket).where(
        Ticket.office_id == office.id, Ticket.day < today,
        Ticket.status.in_([TicketStatus.WAITING, TicketStatus.CALLED]))).all()
    for ticket in leftovers:
        end_of_day = _end_of(ticket.day, office.timezone)
        if ticket.status is TicketStatus.WAITING:
            ticket.status, kind = TicketStatus.CANCELLED, TicketEventKind.CANCELLED
        else:
            ticket.status, kind = TicketStatus.DONE, TicketEventKind.FINISHED
        ticket.finished_at = end_of_day
        session.add(TicketEvent(ticket_id=ticket.id, office_id=office.id, kind=kind,
                                at=end_of_day, counter_id=ticket.counter_id,
                                details={"reason": "end_of_day"}))
    return len(leftovers)


def _end_of(day: date, timezone: str) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(),
                            tzinfo=ZoneInfo(timezone)) - timedelta(seconds=1)
