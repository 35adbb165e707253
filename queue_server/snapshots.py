"""The counter console's snapshot: state, current ticket, the waiting list it calls from."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Counter, Ticket
from .queries import queue_entries
from .queue import current_ticket
from .serialize import counter_json, ticket_json
from .timeutil import iso_local, local_day


def counter_snapshot(session: Session, counter: Counter, now: datetime, public_url: str) -> dict:
    """What the counter console shows (also the counter channel's snapshot)."""
    office = counter.office
    current = current_ticket(session, counter)
    service_ids = {s.id for s in counter.services}
    waiting = sorted(
        (e for e in queue_entries(session, office, local_day(now, office.timezone))
         if e.target_counter_id == counter.id
         or (e.target_counter_id is None and e.service_id in service_ids)),
        key=lambda e: (e.queued_at, e.ticket_id))
    tickets = {t.id: t for t in session.scalars(
        select(Ticket).where(Ticket.id.in_([e.ticket_id for e in waiting])))} if waiting else {}
    return {
        "counter": counter_json(counter),
        "current": ticket_json(current, None, public_url) if current else None,
        "waiting": [_waiting_row(tickets[e.ticket_id], e.is_transferred) for e in waiting],
        "min_recalls_before_no_show": office.min_recalls_before_no_show,
    }


def _waiting_row(ticket: Ticket, is_transferred: bool) -> dict:
    return {"number": ticket.number, "service": ticket.service.code,
            "priority": ticket.priority.code if ticket.priority else None,
            "transferred": is_transferred,
            "issued_at": iso_local(ticket.issued_at, ticket.office.timezone)}
