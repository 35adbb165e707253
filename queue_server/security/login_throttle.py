"""Login throttling: exponential backoff per (username, client) and per client, capped short.

Only failed logins count. Every rule names the client address, so an attacker slows down only
logins that come from their own address: an officer at another machine is never held back,
and even at the attacker's machine the wait is at most `MAX_LOCK_S`.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

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
