"""After each committed queue change: new positions to the phones that follow tickets, the
finished ticket to its counter's rating tablet, and "your turn is near" SMS that fell due.

Called once by each broadcaster in events.py; it costs one replay of the queue, one small
query for the waiting numbers and one for pending SMS, and never fails the action.
"""

from __future__ import annotations

import logging

from flask import current_app

from queue_server.core.clock import iso_local
from queue_server.core.extensions import socketio
from queue_server.core.request_context import db, now
from queue_server.models import Office, Ticket
from queue_server.notify import delivery
from queue_server.realtime import rating_tablets, sms_sender
from queue_server.tickets.positions import forecast_all, waiting_numbers
from queue_server.tickets.queue_state import QueueState

log = logging.getLogger(__name__)


def positions_room(office: Office) -> str:
    """Phones following any ticket of the office (joined on the ticket channel)."""
    return f"positions:{office.slug}"


def queue_moved(office: Office, state: QueueState, *, called: Ticket | None = None,
                finished: Ticket | None = None) -> None:
    """Announce what a committed change means for waiting citizens; never raises."""
    try:
        if finished is not None:
            rating_tablets.ticket_finished(finished, now())
            if called is None:
                return  # a finish alone moves no one: nobody's "ahead" changes
        forecasts = forecast_all(state)
        numbers = waiting_numbers(db(), office, state.day)
        positions = {numbers[ticket_id]: [forecast.ahead, forecast.estimated_wait_s]
                     for ticket_id, forecast in forecasts.items() if ticket_id in numbers}
        socketio.emit("queue_positions", {
            "office": office.slug, "day": state.day.isoformat(), "positions": positions,
            "generated_at": iso_local(state.now, office.timezone)}, to=positions_room(office))
        near = delivery.near_tickets(office, forecasts, called)
        app = current_app._get_current_object()  # type: ignore[attr-defined]  # the proxy's own
        sms_sender.send_due(app, db(), near)
    except Exception:  # the action is committed; followers resync by snapshot
        log.exception("could not announce the new positions of office %s", office.slug)
