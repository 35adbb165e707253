"""The counter's rating tablet: its Socket.IO channel and the finished ticket it asks about."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask_socketio import join_room
from sqlalchemy import select
from sqlalchemy.orm import Session

from queue_server.core.clock import iso_local
from queue_server.core.errors import Forbidden, NotFound
from queue_server.core.extensions import socketio
from queue_server.core.request_context import db, now
from queue_server.models import Counter, DeviceKind, Feedback, Ticket, TicketStatus
from queue_server.security.tokens import Principal
from queue_server.tickets.queue_state import find_counter_by_number, find_office

log = logging.getLogger(__name__)

# How long the tablet shows the form after a finish before it goes back to idle.
RATING_WINDOW_S = 30


def rating_room(office_slug: str, counter_number: int) -> str:
    return f"rating:{office_slug}:{counter_number}"


def subscribe(data: dict, caller: Principal | None) -> dict:
    """Join a counter's rating channel (rating tablets of its office only); its snapshot."""
    slug = data.get("office")
    office = find_office(db(), slug) if isinstance(slug, str) else None
    if office is None:
        raise NotFound("unknown_office", office=slug)
    if (caller is None or caller.device_kind is not DeviceKind.RATING
            or caller.office_id != office.id):
        raise Forbidden("not_a_rating_tablet")
    number = data.get("counter")
    counter = find_counter_by_number(db(), office, number) if isinstance(number, int) else None
    if counter is None:
        raise NotFound("unknown_counter", counter=number)
    join_room(rating_room(office.slug, counter.number))
    return snapshot(db(), counter, now())


def snapshot(session: Session, counter: Counter, moment: datetime) -> dict:
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
            "expires_in_s": max(0, round((shown_until - moment).total_seconds()))}


def ticket_finished(ticket: Ticket, moment: datetime) -> None:
    """Ask the counter's tablet to rate a ticket just finished there."""
    if ticket.status is not TicketStatus.DONE or ticket.counter is None:
        return
    socketio.emit("rating_requested", rating_request(ticket, moment),
                  to=rating_room(ticket.office.slug, ticket.counter.number))
