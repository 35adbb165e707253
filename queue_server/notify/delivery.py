"""Who is due a "your turn is near" SMS, and the retry schedule of its delivery."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from queue_server.models import Office, Ticket, TicketStatus
from queue_server.notify.gateway import Notifier
from queue_server.tickets.forecast import Forecast

# Waits before the second, third … attempt: about eight minutes in all, then it has failed.
RETRY_DELAYS_S = (5.0, 30.0, 120.0, 300.0)


@dataclass
class Delivery:
    """The app's notifier (None: SMS is off) and its retry schedule."""

    notifier: Notifier | None
    retry_delays_s: tuple[float, ...] = RETRY_DELAYS_S


def near_tickets(office: Office, forecasts: Mapping[int, Forecast],
                 called: Ticket | None = None) -> dict[int, int]:
    """Ticket id → people ahead, for tickets at or under the office's threshold (or called)."""
    near = {ticket_id: forecast.ahead for ticket_id, forecast in forecasts.items()
            if forecast.ahead <= office.near_threshold}
    if called is not None and called.status is TicketStatus.CALLED:
        near[called.id] = 0
    return near
