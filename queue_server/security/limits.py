"""The limits that slow down abuse, as plain in-process counters (each process counts its own).

Logins: exponential backoff per (username, client) and per client, capped short. Only failed
logins count, and every rule names the client address, so an attacker slows down only logins
that come from their own address: an officer at another machine is never held back, and even at
the attacker's machine the wait is at most `MAX_LOCK_S`.

Public ticket lookups: unknown codes per client in a sliding window (so codes cannot be
enumerated); refused feedback posts per client likewise.
"""

from __future__ import annotations

import math
import threading
from collections import deque
from dataclasses import dataclass, field

# ---- logins ----

MAX_LOCK_S = 300.0  # the longest any rule makes anyone wait
FORGET_AFTER_S = 15 * 60  # failures older than this (since the last one) are forgotten
MAX_KEYS = 50_000  # memory bound: the oldest entries go first


@dataclass(frozen=True)
class Rule:
    """Free failures, then a wait of 1 s, 2 s, 4 s … per further failure, up to MAX_LOCK_S."""

    name: str
    free_failures: int


USER_AT_CLIENT = Rule("user_at_client", free_failures=5)
CLIENT = Rule("client", free_failures=30)


@dataclass
class _Entry:
    failures: int
    last_failure_at: float
    locked_until: float


class LoginThrottle:
    """In-process failure counts; thread-safe; all times in seconds (`now` is passed in)."""

    def __init__(self, max_keys: int = MAX_KEYS) -> None:
        self._entries: dict[tuple[str, ...], _Entry] = {}
        self._lock = threading.Lock()
        self._max_keys = max_keys

    def retry_after(self, username: str, client: str, now: float) -> int | None:
        """Seconds to wait before this login may be tried, or None when it may be tried now."""
        with self._lock:
            waits = [entry.locked_until - now for key in self._keys(username, client)
                     if (entry := self._entries.get(key)) is not None]
        longest = max(waits, default=0.0)
        return math.ceil(longest) if longest > 0 else None

    def failed(self, username: str, client: str, now: float) -> None:
        """Count a failed login against the (username, client) pair and the client."""
        with self._lock:
            for key, rule in zip(self._keys(username, client), (USER_AT_CLIENT, CLIENT),
                                 strict=True):
                self._count(key, rule, now)
            if len(self._entries) > self._max_keys:
                self._prune(now)

    def succeeded(self, username: str, client: str) -> None:
        """A correct password clears its pair, never the client's count (or one own account
        would let an attacker reset the limit on guessing others)."""
        with self._lock:
            self._entries.pop(self._keys(username, client)[0], None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    @staticmethod
    def _keys(username: str, client: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        return ("user", username.strip().lower()[:64], client), ("client", client)

    def _count(self, key: tuple[str, ...], rule: Rule, now: float) -> None:
        entry = self._entries.get(key)
        if entry is None or now - entry.last_failure_at > FORGET_AFTER_S:
            entry = self._entries[key] = _Entry(0, now, now)
        entry.failures += 1
        entry.last_failure_at = now
        beyond = entry.failures - rule.free_failures
        if beyond > 0:
            entry.locked_until = now + lock_seconds(beyond)

    def _prune(self, now: float) -> None:
        stale = [key for key, entry in self._entries.items()
                 if now - entry.last_failure_at > FORGET_AFTER_S and entry.locked_until <= now]
        for key in stale:
            del self._entries[key]
        # Still too many: a flood of fresh keys; drop the oldest half rather than grow.
        if len(self._entries) > self._max_keys:
            by_age = sorted(self._entries, key=lambda key: self._entries[key].last_failure_at)
            for key in by_age[: len(by_age) // 2]:
                del self._entries[key]


def lock_seconds(beyond: int) -> float:
    """The wait after the n-th failure past the free ones: 1, 2, 4, … capped at MAX_LOCK_S."""
    return min(2.0 ** min(beyond - 1, 30), MAX_LOCK_S)


# ---- lookups and feedback ----

WINDOW_S = 600
# A phone never mistypes a code (it comes from the QR); a handful of misses is a guess.
UNKNOWN_CODES_PER_WINDOW = 30
# Phones behind one Wi-Fi router share an address, so a rating that counts is never limited
# (one per finished ticket is the rule already); only refused posts are counted.
FEEDBACK_REFUSALS_PER_WINDOW = 30


class SlidingWindow:
    """In-process and thread-safe; times are plain seconds (`moment` is passed in)."""

    def __init__(self, limit: int, window_s: float, max_clients: int = 20_000) -> None:
        self.limit, self.window_s = limit, window_s
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()
        self._max_clients = max_clients

    def retry_after(self, client: str, moment: float) -> int | None:
        """Seconds until the client may act again, or None when it may act now."""
        with self._lock:
            events = self._recent(client, moment)
            if events is None or len(events) < self.limit:
                return None
            return max(1, math.ceil(events[0] + self.window_s - moment))

    def hit(self, client: str, moment: float) -> None:
        """Count one event for the client."""
        with self._lock:
            if client not in self._events and len(self._events) >= self._max_clients:
                self._forget_idle(moment)
            events = self._recent(client, moment)
            if events is None:
                events = self._events[client] = deque()
            events.append(moment)
            while len(events) > self.limit:
                events.popleft()

    def _recent(self, client: str, moment: float) -> deque[float] | None:
        events = self._events.get(client)
        while events and events[0] <= moment - self.window_s:
            events.popleft()
        return events

    def _forget_idle(self, moment: float) -> None:
        # A flood of new clients: drop the idle ones, and all of them if that is not enough.
        idle = [client for client, events in self._events.items()
                if not events or events[-1] <= moment - self.window_s]
        for client in idle:
            del self._events[client]
        if len(self._events) >= self._max_clients:
            self._events.clear()


@dataclass
class TicketLimits:
    """One process's windows for the public ticket endpoints."""

    unknown_codes: SlidingWindow = field(
        default_factory=lambda: SlidingWindow(UNKNOWN_CODES_PER_WINDOW, WINDOW_S))
    feedback: SlidingWindow = field(
        default_factory=lambda: SlidingWindow(FEEDBACK_REFUSALS_PER_WINDOW, WINDOW_S))
