"""People ahead and estimated wait, by replaying the calling rule on the current queue.

The forecast simulates the counters: each open counter that serves the ticket's queue
becomes free when its current ticket is expected to end (call time + the service's
recent mean duration), then calls the next ticket exactly as `call_next` would (same
`Pool`, same priority rule, same per-counter streak), and is busy for that ticket's
service mean. `ahead` counts the tickets called before this one by counters that can
serve it; `estimated_wait_s` is the simulated call time minus now. The service mean is
an exponentially weighted mean of recent real service times (see `queue.finish`), or
the configured mean until five real ones exist. Paused counters are left out unless
every counter that serves the ticket is paused; then they count as resuming now.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from .ordering import Pool, PriorityRule, QueueEntry, next_streak


@dataclass(frozen=True)
class CounterState:
    """A counter as the simulation sees it."""

    counter_id: int
    service_ids: frozenset[int]
    free_at: datetime
    streak: int = 0
    is_paused: bool = False


@dataclass(frozen=True)
class Forecast:
    ahead: int
    estimated_wait_s: int | None


@dataclass(frozen=True)
class _Call:
    at: datetime
    counter_id: int
    entry: QueueEntry


def simulate(
    entries: Iterable[QueueEntry],
    counters: Iterable[CounterState],
    durations_s: Mapping[int, float],
    rule: PriorityRule,
    stop_at_ticket: int | None = None,
) -> list[_Call]:
    """Replay calls until the queue empties (or the given ticket is called)."""
    pool = Pool(entries)
    # A heap of (free at, counter id, streak); a counter with nothing it may call now
    # never will (the simulation has no arrivals), so it simply leaves the heap.
    heap = [(c.free_at, c.counter_id, c.streak, c.service_ids) for c in counters]
    heapq.heapify(heap)
    calls: list[_Call] = []
    while heap:
        free_at, counter_id, streak, service_ids = heapq.heappop(heap)
        entry = pool.peek(counter_id, service_ids, streak, rule)
        if entry is None:
            continue
        pool.take(entry)
        calls.append(_Call(free_at, counter_id, entry))
        if entry.ticket_id == stop_at_ticket:
            break
        busy = timedelta(seconds=durations_s.get(entry.service_id, 600))
        heapq.heappush(heap, (free_at + busy, counter_id, next_streak(streak, entry),
                              service_ids))
    return calls


def forecast_for(
    entry: QueueEntry,
    entries: list[QueueEntry],
    counters: list[CounterState],
    durations_s: Mapping[int, float],
    rule: PriorityRule,
    now: datetime,
) -> Forecast:
    """Ahead and estimated wait for one waiting entry (which must be in `entries`)."""
    running = _running_counters(counters, entry, now)
    calls = simulate(entries, running, durations_s, rule, stop_at_ticket=entry.ticket_id)
    if not calls or calls[-1].entry.ticket_id != entry.ticket_id:
        same_queue = [e for e in entries if e.service_id == entry.service_id]
        position = sorted(same_queue, key=lambda e: (e.queued_at, e.ticket_id)).index(entry)
        return Forecast(ahead=position, estimated_wait_s=None)
    servers = {c.counter_id for c in running if _can_serve(c, entry)}
    ahead = sum(1 for call in calls[:-1] if call.counter_id in servers)
    wait = max(0, round((calls[-1].at - now).total_seconds()))
    return Forecast(ahead=ahead, estimated_wait_s=wait)


def _running_counters(
    counters: list[CounterState], entry: QueueEntry, now: datetime
) -> list[CounterState]:
    running = [c for c in counters if not c.is_paused]
    if any(_can_serve(c, entry) for c in running):
        return running
    resumed = [replace(c, free_at=max(c.free_at, now), is_paused=False)
               for c in counters if c.is_paused and _can_serve(c, entry)]
    return running + resumed


def _can_serve(counter: CounterState, entry: QueueEntry) -> bool:
    if entry.target_counter_id is not None:
        return counter.counter_id == entry.target_counter_id
    return entry.service_id in counter.service_ids
