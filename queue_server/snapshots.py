"""The counter console's snapshot: state, current ticket, the waiting list it calls from."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from .models import Counter, PriorityCategory, Service, Ticket, TicketStatus, counter_services
from .queue import current_ticket
from .serialize import counter_json, ticket_json
from .timeutil import iso_local, local_day

# The console shows the head of the queue; the count covers everyone.
WAITING_LIST_LENGTH = 50


def counter_snapshot(session: Session, counter: Counter, now: datetime, public_url: str) -> dict:
    """What the counter console shows (also the counter channel's snapshot)."""
    office = counter.office
    current = current_ticket(session, counter)
    rows = session.execute(_waiting_query(counter, local_day(now, office.timezone))).all()
    return {
        "counter": counter_json(counter),
        "current": ticket_json(current, None, public_url) if current else None,
        "waiting_count": len(rows),
        "waiting": [_waiting_row(row, office.timezone) for row in rows[:WAITING_LIST_LENGTH]],
        "min_recalls_before_no_show": office.min_recalls_before_no_show,
    }


def _waiting_query(counter: Counter, day):  # noqa: ANN001, ANN202
    served = select(counter_services.c.service_id).where(
        counter_services.c.counter_id == counter.id)
    return (
        select(Ticket.number, Service.code, PriorityCategory.code.label("priority"),
               Ticket.is_transferred, Ticket.issued_at, Ticket.queued_at)
        .join(Service, Service.id == Ticket.service_id)
        .outerjoin(PriorityCategory, PriorityCategory.id == Ticket.priority_id)
        .where(Ticket.office_id == counter.office_id, Ticket.day == day,
               Ticket.status == TicketStatus.WAITING,
               or_(Ticket.target_counter_id == counter.id,
                   and_(Ticket.target_counter_id.is_(None), Ticket.service_id.in_(served))))
        .order_by(Ticket.queued_at, Ticket.id)
    )


def _waiting_row(row, timezone: str) -> dict:  # noqa: ANN001
    return {"number": row.number, "service": row.code, "priority": row.priority,
            "transferred": row.is_transferred, "issued_at": iso_local(row.issued_at, timezone)}
