"""Ahead and estimated wait for every waiting ticket of an office at once.

One replay of the calling rule serves them all: replaying until one ticket is called is a
prefix of replaying until the queue is empty, so each ticket's forecast is read off the
full replay. It gives the same answers as `QueueState.forecast`, ticket by ticket (a test
keeps them in step), for the cost of one forecast.
"""

from __future__ import annotations

from collections import Counter as Tally
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from queue_server.models import Office, Ticket, TicketStatus
from queue_server.tickets.forecast import CounterState, Forecast, forecast_for, simulate
from queue_server.tickets.ordering import QueueEntry
from queue_server.tickets.queue_state import QueueState, office_rule


def forecast_all(state: QueueState) -> dict[int, Forecast]:
    """Ticket id → forecast, for every waiting ticket in the state."""
    entries, counters, durations = _inputs(state)
    rule = office_rule(state.office)
    running = [c for c in counters if not c.is_paused]
    calls_by: Tally[int] = Tally()  # calls each counter has made so far in the replay
    result: dict[int, Forecast] = {}
    servers_of: dict[tuple, list[int]] = {}  # by (service, target counter): few distinct
    for call in simulate(entries, running, durations, rule):
        key = (call.entry.service_id, call.entry.target_counter_id)
        servers = servers_of.get(key)
        if servers is None:
            servers = servers_of[key] = [c.counter_id for c in running
                                         if _can_serve(c, call.entry)]
        if servers:
            wait = max(0, round((call.at - state.now).total_seconds()))
            result[call.entry.ticket_id] = Forecast(sum(calls_by[s] for s in servers), wait)
        calls_by[call.counter_id] += 1
    for entry in entries:
        if entry.ticket_id not in result:
            # Only paused counters serve it, or none: the one-ticket rule decides.
            result[entry.ticket_id] = forecast_for(entry, entries, counters, durations, rule,
                                                   state.now)
    return result


def waiting_numbers(session: Session, office: Office, day: date) -> dict[int, str]:
    """Ticket id → number, for the office's tickets waiting on that day."""
    return dict(session.execute(
        select(Ticket.id, Ticket.number)
        .where(Ticket.office_id == office.id, Ticket.day == day,
               Ticket.status == TicketStatus.WAITING)).all())


def _inputs(state: QueueState) -> tuple[list[QueueEntry], list[CounterState], dict]:
    return state.queue.entries, state.counters, state.queue.durations_s


def _can_serve(counter: CounterState, entry: QueueEntry) -> bool:
    # The same rule as the forecast's: a ticket sent to one counter waits for that one.
    if entry.target_counter_id is not None:
        return counter.counter_id == entry.target_counter_id
    return entry.service_id in counter.service_ids
