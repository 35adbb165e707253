"""Garbage-collector settings for the long-running server worker."""

from __future__ import annotations

import gc

# With 2,000 open WebSockets the worker tracks about 480,000 objects. CPython's default
# thresholds (700, 10, 10) then run a full collection every few broadcasts, and each one
# stops every greenlet, display announcements included, for about 250 ms (measured by
# bench/fanout.py: p99 411 ms at 2,000 clients with the defaults, 82–120 ms with these).
YOUNG_THRESHOLD = 10_000  # allocations between young collections: a few ms each at most
MIDDLE_THRESHOLD = 20
# Young collections between full ones (CPython also waits for the long-lived objects to
# grow by a quarter): full collections become rare, yet still run, so cycles left by
# closed connections are reclaimed.
OLD_THRESHOLD = 100


def tune_for_server() -> None:
    """Freeze what the app built at start and make full collections rare."""
    gc.collect()
    # The modules, models and compiled queries live as long as the process; frozen, no
    # collection walks them again.
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, MIDDLE_THRESHOLD, OLD_THRESHOLD)
