"""Per-client limits on the public ticket endpoints: unknown lookup codes (so codes cannot be
enumerated) and feedback. In-process, like the login throttle: each process counts its own.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from flask import current_app, request

from queue_server.core.errors import RateLimited
from queue_server.security.rate_window import SlidingWindow

WINDOW_S = 600
# A phone never mistypes a code (it comes from the QR); a handful of misses is a guess.
UNKNOWN_CODES_PER_WINDOW = 30
# Phones behind one Wi-Fi router share an address: room for a busy hall's ratings.
FEEDBACK_PER_WINDOW = 30


class TooManyRequests(RateLimited):
    """This client must wait `retry_after` seconds."""


@dataclass
class Limits:
    unknown_codes: SlidingWindow = field(
        default_factory=lambda: SlidingWindow(UNKNOWN_CODES_PER_WINDOW, WINDOW_S))
    feedback: SlidingWindow = field(
        default_factory=lambda: SlidingWindow(FEEDBACK_PER_WINDOW, WINDOW_S))


def limits() -> Limits:
    """This app's limits (one set per process)."""
    return current_app.extensions.setdefault("ticket_limits", Limits())


def client() -> str:
    """The caller's address (the proxy's X-Forwarded-For when QUEUE_TRUSTED_PROXIES is set)."""
    return request.remote_addr or "unknown"


def check_lookup() -> None:
    """Refuse any lookup by code from a client that guessed too many unknown codes."""
    wait = limits().unknown_codes.retry_after(client(), time.monotonic())
    if wait is not None:
        raise TooManyRequests(wait)


def unknown_code() -> None:
    """Count a lookup of a code that does not exist."""
    limits().unknown_codes.hit(client(), time.monotonic())


def check_feedback() -> None:
    """Count one feedback post from a phone; refuse beyond the limit."""
    window, moment = limits().feedback, time.monotonic()
    wait = window.retry_after(client(), moment)
    if wait is not None:
        raise TooManyRequests(wait)
    window.hit(client(), moment)
