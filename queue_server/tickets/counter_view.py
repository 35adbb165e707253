"""The counter console's snapshot: state, current ticket, the waiting list in calling order."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from queue_server.core.clock import iso_local
from queue_server.models import Counter, PriorityCategory, Service, Ticket
from queue_server.tickets.lifecycle import current_ticket
from queue_server.tickets.queue_state import QueueState, load_queue
from queue_server.tickets.serialize import counter_json, ticket_json

# The console shows the head of the queue; the count covers everyone.
WAITING_LIST_LENGTH = 50


def counter_snapshot(session: Session, counter: Counter, now: datetime, public_url: str,
                     state: QueueState | None = None) -> dict:
    """What the counter console shows (also the counter channel's snapshot)."""
    office = counter.office
    current = current_ticket(session, counter)
    state = state or load_queue(session, office, now)
    count, head = state.calling_order(counter.id, WAITING_LIST_LENGTH)
    return {
        "counter": counter_json(counter),
        "current": ticket_json(current, None, public_url) if current else None,
        "waiting_count": count,
        "waiting": _waiting_rows(session, [entry.ticket_id for entry in head], office.timezone),
        "min_recalls_before_no_show": office.min_recalls_before_no_show,
        "min_seconds_before_no_show": office.min_seconds_before_no_show,
    }


def _waiting_rows(session: Session, ticket_ids: list[int], timezone: str) -> list[dict]:
    """The listed tickets, in the given (calling) order."""
    if not ticket_ids:
        return []
    rows = {row.id: row for row in session.execute(
        select(Ticket.id, Ticket.number, Service.code, PriorityCategory.code.label("priority"),
               Ticket.is_transferred, Ticket.issued_at)
        .join(Service, Service.id == Ticket.service_id)
        .outerjoin(PriorityCategory, PriorityCategory.id == Ticket.priority_id)
        .where(Ticket.id.in_(ticket_ids)))}
    return [{"number": row.number, "service": row.code, "priority": row.priority,
             "transferred": row.is_transferred, "issued_at": iso_local(row.issued_at, timezone)}
            for row in (rows[ticket_id] for ticket_id in ticket_ids if ticket_id in rows)]
