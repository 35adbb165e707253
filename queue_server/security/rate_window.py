"""A per-client sliding-window counter: at most `limit` events in `window_s` seconds."""

from __future__ import annotations

import math
import threading
from collections import deque


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
