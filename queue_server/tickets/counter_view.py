"""The counter console's snapshot: state, current ticket, the waiting list in calling order."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from queue_server.core.clock import iso_local
from queue_server.models import Counter, Ticket
from queue_server.tickets.lifecycle import current_ticket
from queue_server.tickets.queue_state import QueueState, load_queue
from queue_server.tickets.serialize import counter_json, ticket_json

# The console shows the head of the queue; the count covers everyone.
WAITING_LIST_LENGTH = 50
# Given as `current`: the counter is known to serve no ticket (None means "read it").
NO_TICKET = object()


def counter_snapshot(session: Session, counter: Counter, now: datetime, public_url: str,
                     state: QueueState | None = None,
                     current: Ticket | object | None = None) -> dict:
    """What the counter console shows (also the counter channel's snapshot)."""
    office = counter.office
    if current is None:
        current = current_ticket(session, counter)
    elif current is NO_TICKET:
        current = None
    state = state or load_queue(session, office, now)
    current = current if isinstance(current, Ticket) else None
    return {
        "counter": counter_json(counter),
        "current": ticket_json(current, None, public_url,
                               state.counter_numbers(current.service_id)) if current else None,
        **waiting_list(state, counter.id),
        "min_recalls_before_no_show": office.min_recalls_before_no_show,
        "min_seconds_before_no_show": office.min_seconds_before_no_show,
    }


def waiting_list(state: QueueState, counter_id: int) -> dict:
    """How many the counter may call, and the first of them in the order it would."""
    count, head = state.calling_order(counter_id, WAITING_LIST_LENGTH)
    timezone, codes = state.office.timezone, state.queue.service_codes
    return {"waiting_count": count, "waiting": [
        {"number": listed.number, "service": codes.get(entry.service_id),
         "priority": listed.priority, "transferred": entry.is_transferred,
         "booked": bool(entry.is_booked),
         "issued_at": iso_local(listed.issued_at, timezone)}
        for entry, listed in state.listed_rows(head)]}
