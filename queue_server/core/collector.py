"""Garbage-collector settings for the long-running server worker."""

from __future__ import annotations

import gc
from collections.abc import Callable

# With 2,000 open WebSockets the worker tracks about 480,000 objects. CPython's default
# thresholds (700, 10, 10) then run a full collection every few broadcasts, and each one
# stops every greenlet, display announcements included, for about 250 ms (measured by
# bench/fanout.py: p99 411 ms at 2,000 clients with the defaults, 74–139 ms with these).
YOUNG_THRESHOLD = 10_000  # allocations between young collections: a few ms each at most
MIDDLE_THRESHOLD = 20
OLD_THRESHOLD = 100  # in effect no full collection on its own: the timer below runs them
# A closed WebSocket that lived long enough to reach the oldest generation leaves its
# cycles there until a full collection. On a timer, that garbage is bounded by the
# connections closed in those minutes, and the pause (about 180 ms at 2,000 connections)
# comes once in that time instead of with the broadcasts.
FULL_COLLECTION_EVERY_S = 300.0


def tune_for_server(start_task: Callable[..., object], sleep: Callable[[float], None]) -> None:
    """Freeze what the app built at start, keep collections young, run full ones on a timer."""
    gc.collect()
    # The modules, models and compiled queries live as long as the process; frozen, no
    # collection walks them again.
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, MIDDLE_THRESHOLD, OLD_THRESHOLD)
    start_task(_collect_forever, sleep)


def _collect_forever(sleep: Callable[[float], None]) -> None:
    while True:
        sleep(FULL_COLLECTION_EVERY_S)
        gc.collect()
