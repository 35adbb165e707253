"""Who is called next: transferred first, then priority by the office rule, then FIFO, where a
booking checked in within its window goes ahead of the walk-ins of its service."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple


class QueueEntry(NamedTuple):
    """A waiting ticket as the ordering rule sees it (a tuple: hundreds are built per call)."""

    ticket_id: int
    service_id: int
    queued_at: datetime
    is_priority: bool
    is_transferred: bool
    target_counter_id: int | None = None
    # Checked in for a booking within its window: ahead of the service's walk-ins.
    is_booked: bool = False


@dataclass(frozen=True)
class PriorityRule:
    """strict: priority always first; interleaved: one priority after N ordinary in a row."""

    mode: str = "interleaved"
    ordinary_per_priority: int = 2


def _age_key(entry: QueueEntry) -> tuple[datetime, int]:
    return (entry.queued_at, entry.ticket_id)


class Pool:
    """Waiting tickets split into FIFO lanes so each pick looks only at lane heads."""

    def __init__(self, entries: Iterable[QueueEntry]) -> None:
        self._lanes: dict[tuple[str, int], deque[QueueEntry]] = {}
        self._lanes_by_counter: dict[tuple, tuple[list, list, list, list]] = {}
        for entry in sorted(entries, key=_age_key):
            self._lanes.setdefault(self._lane_of(entry), deque()).append(entry)

    @staticmethod
    def _lane_of(entry: QueueEntry) -> tuple[str, int]:
        if entry.target_counter_id is not None:
            return ("counter", entry.target_counter_id)
        if entry.is_transferred:
            return ("transferred", entry.service_id)
        if entry.is_priority:
            return ("priority", entry.service_id)
        return ("booked" if entry.is_booked else "ordinary", entry.service_id)

    def _lanes_for(self, counter_id: int,
                   service_ids: Iterable[int]) -> tuple[list, list, list, list]:
        key = (counter_id, tuple(service_ids))
        lanes = self._lanes_by_counter.get(key)
        if lanes is None:
            lane = self._lanes.setdefault
            lanes = (
                [lane(("counter", counter_id), deque())]
                + [lane(("transferred", s), deque()) for s in key[1]],
                [lane(("priority", s), deque()) for s in key[1]],
                [lane(("booked", s), deque()) for s in key[1]],
                [lane(("ordinary", s), deque()) for s in key[1]],
            )
            self._lanes_by_counter[key] = lanes
        return lanes

    def peek(
        self, counter_id: int, service_ids: Iterable[int], streak: int, rule: PriorityRule
    ) -> QueueEntry | None:
        """The ticket this counter would call now, without taking it."""
        first_lanes, priority_lanes, booked_lanes, ordinary_lanes = self._lanes_for(
            counter_id, service_ids)
        first = _oldest_head(first_lanes)
        if first is not None:
            return first
        priority = _oldest_head(priority_lanes)
        # The priority rule compares with the first ordinary ticket, booked ones first.
        ordinary = _oldest_head(booked_lanes) or _oldest_head(ordinary_lanes)
        if priority is None or ordinary is None:
            return priority or ordinary
        if _priority_goes_first(priority, ordinary, streak, rule):
            return priority
        return ordinary

    def take(self, entry: QueueEntry) -> None:
        """Remove a picked entry (always a lane head)."""
        lane = self._lanes[self._lane_of(entry)]
        if lane[0] == entry:
            lane.popleft()
        else:
            lane.remove(entry)

    def is_empty(self) -> bool:
        """True when no ticket is left in any lane."""
        return not any(self._lanes.values())


def _oldest_head(lanes: list[deque[QueueEntry]]) -> QueueEntry | None:
    oldest = None
    for lane in lanes:
        if lane and (oldest is None or _age_key(lane[0]) < _age_key(oldest)):
            oldest = lane[0]
    return oldest


def _priority_goes_first(
    priority: QueueEntry, ordinary: QueueEntry, streak: int, rule: PriorityRule
) -> bool:
    if rule.mode == "strict":
        return True
    # Interleaving only ever moves priority forward: a priority ticket never waits
    # behind an ordinary one issued after it.
    if _age_key(priority) <= _age_key(ordinary):
        return True
    return streak >= rule.ordinary_per_priority


def next_streak(streak: int, entry: QueueEntry) -> int:
    """The counter's ordinary-in-a-row count after calling this entry."""
    if entry.is_transferred or entry.target_counter_id is not None:
        return streak
    return 0 if entry.is_priority else streak + 1
