"""Who is due a "your turn is near" message after a change of the queue."""

from __future__ import annotations

from collections.abc import Mapping

from queue_server.models import Office, Ticket, TicketStatus
from queue_server.tickets.forecast import Forecast


def near_tickets(office: Office, forecasts: Mapping[int, Forecast],
                 called: Ticket | None = None) -> dict[int, int]:
    """Ticket id → people ahead, for tickets at or under the office's threshold (or called)."""
    near = {ticket_id: forecast.ahead for ticket_id, forecast in forecasts.items()
            if forecast.ahead <= office.near_threshold}
    if called is not None and called.status is TicketStatus.CALLED:
        near[called.id] = 0
    return near
