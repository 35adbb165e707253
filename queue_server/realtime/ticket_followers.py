"""After each committed queue change: new positions to the phones that follow tickets, the
finished ticket to its counter's rating tablet, the citizen's messages that fell due
(the turn is near, called, rate us) and the webhook's `visit.finished`, queued in the outbox.

Called once by each broadcaster in broadcasts.py; it costs one replay of the queue and, when
a message channel is set up, one small query for phone numbers, and never fails the action.
"""

from __future__ import annotations

import logging

from socketio import PubSubManager

from queue_server.core.clock import iso_local
from queue_server.core.extensions import socketio
from queue_server.core.request_context import now
from queue_server.models import Office, Ticket
from queue_server.notify import delivery
from queue_server.realtime import citizen_messages, rating_tablets, webhooks
from queue_server.tickets.positions import forecast_all
from queue_server.tickets.queue_state import QueueState

log = logging.getLogger(__name__)


def positions_room(office: Office) -> str:
    """Phones following any ticket of the office (joined on the ticket channel)."""
    return f"positions:{office.slug}"


def room_is_empty(room: str) -> bool:
    """Nobody listens in the room, as far as this process can know."""
    manager = socketio.server.manager  # type: ignore[attr-defined]  # the stub omits server
    if isinstance(manager, PubSubManager):  # the other processes' listeners are out of sight
        return False
    return not manager.rooms.get("/", {}).get(room)


def queue_moved(office: Office, state: QueueState, *, called: Ticket | None = None,
                finished: Ticket | None = None) -> None:
    """Announce what a committed change means for waiting citizens; never raises."""
    webhooks.visit_finished(finished)  # first: the push must not depend on the rest
    try:
        if finished is not None:
            rating_tablets.ticket_finished(finished, now())
            citizen_messages.ticket_finished(finished)
            if called is None:
                return  # a finish alone moves no one: nobody's "ahead" changes
        is_texting = citizen_messages.is_on()
        if not is_texting and room_is_empty(positions_room(office)):
            return  # the replay below would reach nobody
        forecasts = forecast_all(state)
        numbers = state.numbers()
        positions = {numbers[ticket_id]: [forecast.ahead, forecast.estimated_wait_s]
                     for ticket_id, forecast in forecasts.items() if ticket_id in numbers}
        socketio.emit("queue_positions", {
            "office": office.slug, "day": state.day.isoformat(), "positions": positions,
            "generated_at": iso_local(state.now, office.timezone)}, to=positions_room(office))
        citizen_messages.queue_moved(delivery.near_tickets(office, forecasts, called), called)
    except Exception:  # the action is committed; followers resync by snapshot
        log.exception("could not announce the new positions of office %s", office.slug)
