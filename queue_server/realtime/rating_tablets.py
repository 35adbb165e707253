"""The rating tablet's Socket.IO channel: who may join it, and the ask after a finish."""

from __future__ import annotations

from datetime import datetime

from flask_socketio import join_room

from queue_server.core.errors import Forbidden, NotFound
from queue_server.core.extensions import socketio
from queue_server.core.request_context import db, now
from queue_server.feedback.rating_desk import pending_rating, rating_request, rating_room
from queue_server.models import DeviceKind, Ticket, TicketStatus
from queue_server.security.tokens import Principal
from queue_server.tickets.queue_state import find_counter_by_number, find_office


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
    return pending_rating(db(), counter, now())


def ticket_finished(ticket: Ticket, moment: datetime) -> None:
    """Ask the counter's tablet to rate a ticket just finished there."""
    if ticket.status is not TicketStatus.DONE or ticket.counter is None:
        return
    socketio.emit("rating_requested", rating_request(ticket, moment),
                  to=rating_room(ticket.office.slug, ticket.counter.number))
