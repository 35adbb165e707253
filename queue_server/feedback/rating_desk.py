"""The counter's rating tablet: the finished ticket it asks about, and its channel's name."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from queue_server.core.clock import iso_local
from queue_server.feedback.forms import current_form
from queue_server.models import Counter, Feedback, Ticket, TicketStatus

log = logging.getLogger(__name__)

# How long the tablet shows the form after a finish before it goes back to idle.
RATING_WINDOW_S = 30


def rating_room(office_slug: str, counter_number: int) -> str:
    """The Socket.IO room of one counter's rating tablet."""
    return f"rating:{office_slug}:{counter_number}"


def pending_rating(session: Session, counter: Counter, moment: datetime) -> dict:
    """The ticket the counter finished in the last RATING_WINDOW_S and not yet rated, or None."""
    ticket = session.scalar(
        select(Ticket)
        .outerjoin(Feedback, Feedback.ticket_id == Ticket.id)
        .where(Ticket.counter_id == counter.id, Ticket.status == TicketStatus.DONE,
               Ticket.finished_at >= moment - timedelta(seconds=RATING_WINDOW_S),
               Feedback.id.is_(None))
        .order_by(Ticket.finished_at.desc(), Ticket.id.desc()).limit(1))
    return {"office": counter.office.slug, "counter": counter.number,
            "ticket": rating_request(ticket, moment) if ticket else None}


def rating_request(ticket: Ticket, moment: datetime) -> dict:
    """What the tablet needs to ask about one finished ticket (the code is how it answers)."""
    assert ticket.finished_at is not None  # a finished ticket
    shown_until = ticket.finished_at + timedelta(seconds=RATING_WINDOW_S)
    return {"code": ticket.code, "number": ticket.number, "service": ticket.service.code,
            "service_name": ticket.service.name,
            "counter": ticket.counter.number if ticket.counter else None,
            "finished_at": iso_local(ticket.finished_at, ticket.office.timezone),
            "form": current_form(ticket.office),
            "expires_in_s": max(0, round((shown_until - moment).total_seconds()))}
