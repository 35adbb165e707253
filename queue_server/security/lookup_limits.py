"""Per-client limits on the public ticket endpoints: unknown lookup codes (so codes cannot be
enumerated) and refused feedback. In-process, like the login throttle: each process counts its own.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from flask import current_app, request

from queue_server.core.errors import DomainError
from queue_server.security.rate_window import SlidingWindow

WINDOW_S = 600
# A phone never mistypes a code (it comes from the QR); a handful of misses is a guess.
UNKNOWN_CODES_PER_WINDOW = 30
# Phones behind one Wi-Fi router share an address, so a rating that counts is never limited
# (one per finished ticket is the rule already); only refused posts are counted.
FEEDBACK_REFUSALS_PER_WINDOW = 30


class TooManyRequests(DomainError):
    """This client must wait `retry_after` seconds."""

    status = 429
    code = "too_many_requests"

    def __init__(self, retry_after: int) -> None:
        super().__init__("too_many_requests")
        self.retry_after = retry_after
        self.headers = {"Retry-After": str(retry_after)}


@dataclass
class Limits:
    unknown_codes: SlidingWindow = field(
        default_factory=lambda: SlidingWindow(UNKNOWN_CODES_PER_WINDOW, WINDOW_S))
    feedback: SlidingWindow = field(
        default_factory=lambda: SlidingWindow(FEEDBACK_REFUSALS_PER_WINDOW, WINDOW_S))


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
    """Refuse feedback from a phone's address that had too many posts refused."""
    wait = limits().feedback.retry_after(client(), time.monotonic())
    if wait is not None:
        raise TooManyRequests(wait)


def feedback_refused() -> None:
    """Count a refused feedback post (bad input, unknown, unfinished or already rated ticket)."""
    limits().feedback.hit(client(), time.monotonic())
