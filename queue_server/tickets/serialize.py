"""Plain JSON views of tickets and counters, as the contract spells them."""

from __future__ import annotations

from queue_server.core.clock import iso_local
from queue_server.models import Counter, Ticket, TicketStatus
from queue_server.tickets.forecast import Forecast


def ticket_json(ticket: Ticket, forecast: Forecast | None, public_url: str,
                counters: list[int] | None = None) -> dict:
    """The contract's Ticket object; `counters` saves reading the service's counters."""
    office = ticket.office
    waiting = ticket.status is TicketStatus.WAITING
    return {
        "code": ticket.code,
        "number": ticket.number,
        "office": office.slug,
        "service": ticket.service.code,
        "service_name": ticket.service.name,
        "service_name_en": ticket.service.name_en or ticket.service.name,
        "status": ticket.status.value,
        "priority": ticket.priority.code if ticket.priority else None,
        "ahead": forecast.ahead if forecast else (None if waiting else 0),
        "estimated_wait_s": forecast.estimated_wait_s if forecast else (None if waiting else 0),
        "counter": ticket.counter.number if ticket.counter else None,
        "counters": counters if counters is not None else [
            c.number for c in ticket.service.counters if c.is_active],
        "issued_at": iso_local(ticket.issued_at, office.timezone),
        "called_at": iso_local(ticket.last_called_at, office.timezone),
        "finished_at": iso_local(ticket.finished_at, office.timezone),
        "recall_count": ticket.recall_count,
        "procedure": ({"code": ticket.procedure.code, "name": ticket.procedure.name}
                      if ticket.procedure_id is not None and ticket.procedure else None),
        "outcome": ticket.outcome,
        # dossier_code holds the first code: a ticket without it has none, and no query.
        "dossiers": [dossier.normalised for dossier in ticket.dossiers]
        if ticket.dossier_code else [],
        # With the supplement outcome: the procedure's documents the citizen must still bring.
        "missing": list(ticket.missing_documents or []),
        # The booking checked in for this ticket (None: a walk-in), and whether it came late.
        "booking": ticket.booking_code,
        "booking_late": ticket.booking_late,
        "track_url": f"{public_url}/t/{ticket.code}",
    }


def counter_json(counter: Counter) -> dict:
    """A counter's public state."""
    return {
        "number": counter.number,
        "name": counter.name,
        "services": [s.code for s in counter.services if s.is_active],
        "is_paused": counter.is_paused,
        "pause_reason": counter.pause_reason,
        "paused_at": iso_local(counter.paused_at, counter.office.timezone),
    }
