"""Tickets by lookup code: read (public, the code is the secret) and cancel (staff)."""

from flask import jsonify

from queue_server.api.blueprint import api
from queue_server.core.db import commit_then_read
from queue_server.core.errors import NotFound
from queue_server.core.request_context import db, now, public_url
from queue_server.edge.callers import actor_of, require_staff_of
from queue_server.edge.guard import public
from queue_server.realtime import broadcasts
from queue_server.tickets import lifecycle
from queue_server.tickets.queue_state import find_ticket, load_queue, ticket_forecast
from queue_server.tickets.serialize import ticket_json

MAX_CODE_LENGTH = 64


def _ticket_or_404(code: str):
    ticket = find_ticket(db(), code) if len(code) <= MAX_CODE_LENGTH else None
    if ticket is None:
        raise NotFound("ticket_not_found")
    return ticket


@api.get("/tickets/<code>")
@public
def get_ticket(code: str):
    """One ticket with its live position."""
    ticket = _ticket_or_404(code)
    return jsonify(ticket_json(ticket, ticket_forecast(db(), ticket, now()), public_url()))


@api.post("/tickets/<code>/cancel")
def cancel_ticket(code: str):
    """Cancel a waiting ticket (staff of its office)."""
    ticket = _ticket_or_404(code)
    caller = require_staff_of(ticket.office)
    moment = now()
    state = load_queue(db(), ticket.office, moment)
    lifecycle.cancel_ticket(db(), ticket, now=moment, actor=actor_of(caller))
    state = state.after(db(), tickets=(ticket,))
    commit_then_read(db())
    broadcasts.queue_changed(ticket.office, ticket, state)
    return jsonify(ticket_json(ticket, None, public_url(),
                               state.counter_numbers(ticket.service_id)))
