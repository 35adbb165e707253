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
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from queue_server.tickets.ordering import Pool, PriorityRule, QueueEntry, next_streak


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


# A plan made this long ago still answers where time has moved it; its estimates are then
# at most this much too short.
MAX_PLAN_DRIFT = timedelta(seconds=2)


@dataclass
class Plan:
    """The simulated rest of the day, kept to answer "if I took a ticket now" in O(counters).

    A new ordinary ticket is the youngest in the office, so under every ordering rule a
    counter calls it only once nothing else it serves is left: the first counter serving
    its service to run dry in the simulation (heap order: time, then counter id). Adding
    that ticket changes nothing else, so `take_new` updates the plan in place instead of
    replaying the whole queue.

    Time passing changes a simulation only through the counters that start "now" (idle, or
    past their expected end): until the first busy counter is due, the plan is exact as it
    is; when every counter starts now, the whole day moves later by the time passed and the
    plan is exact moved by as much. Only a mix of both needs a replay, past MAX_PLAN_DRIFT.
    """

    now: datetime
    running: list[CounterState]
    durations_s: Mapping[int, float]
    call_times: dict[int, list[datetime]]
    dry_at: dict[int, datetime]
    exact_until: datetime  # no running counter's start depends on "now" before this
    all_start_now: bool

    @classmethod
    def simulate(cls, entries: Iterable[QueueEntry], counters: list[CounterState],
                 durations_s: Mapping[int, float], rule: PriorityRule, now: datetime) -> Plan:
        """Replay the whole queue once on the running counters."""
        running = [c for c in counters if not c.is_paused]
        calls = simulate(entries, running, durations_s, rule)
        call_times: dict[int, list[datetime]] = {c.counter_id: [] for c in running}
        dry_at = {c.counter_id: c.free_at for c in running}
        for call in calls:
            call_times[call.counter_id].append(call.at)
            busy = timedelta(seconds=durations_s.get(call.entry.service_id, 600))
            dry_at[call.counter_id] = call.at + busy
        starts = [c.free_at for c in running]
        return cls(now, running, durations_s, call_times, dry_at,
                   exact_until=min(starts, default=now),
                   all_start_now=all(start <= now for start in starts))

    def answers_at(self, now: datetime) -> bool:
        """Whether this plan may answer at `now`, or the queue must be replayed."""
        drift = now - self.now
        return timedelta(0) <= drift and (now <= self.exact_until or self.all_start_now
                                          or drift <= MAX_PLAN_DRIFT)

    def _shift(self, now: datetime) -> timedelta:
        # When every counter started at the plan's "now", the day starts later by as much.
        return now - self.now if self.all_start_now else timedelta(0)

    def first_free(self, service_id: int) -> int | None:
        """The running counter that would call a new ticket of the service; None: none."""
        servers = [c.counter_id for c in self.running if service_id in c.service_ids]
        if not servers:
            return None
        return min(servers, key=lambda counter_id: (self.dry_at[counter_id], counter_id))

    def forecast_new(self, service_id: int, now: datetime) -> Forecast | None:
        """What a new ordinary ticket would be told; None when no running counter serves it."""
        chosen = self.first_free(service_id)
        if chosen is None:
            return None
        at = self.dry_at[chosen]
        ahead = 0
        for counter in self.running:
            if service_id not in counter.service_ids:
                continue
            times = self.call_times[counter.counter_id]
            # Calls at the same instant come first from counters with smaller ids (heap order).
            ahead += (bisect_right if counter.counter_id <= chosen else bisect_left)(times, at)
        wait = at + self._shift(now) - now
        return Forecast(ahead=ahead, estimated_wait_s=max(0, round(wait.total_seconds())))

    def take_new(self, service_id: int) -> None:
        """Record that a new ordinary ticket of the service joined the queue."""
        chosen = self.first_free(service_id)
        if chosen is None:
            return
        at = self.dry_at[chosen]
        self.call_times[chosen].append(at)
        self.dry_at[chosen] = at + timedelta(seconds=self.durations_s.get(service_id, 600))
