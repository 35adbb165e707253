"""The per-client limits applied to requests: logins, ticket lookups by code and feedback posts."""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from flask import current_app, request

from queue_server.core.errors import RateLimited, Unauthorized
from queue_server.core.request_context import db, now, state
from queue_server.security.limits import LoginThrottle, TicketLimits
from queue_server.security.tokens import IssuedToken, issue_user_token

log = logging.getLogger(__name__)



def client_address() -> str:
    """The caller's address (the proxy's X-Forwarded-For when QUEUE_TRUSTED_PROXIES is set)."""
    return request.remote_addr or "unknown"


def login_throttle() -> LoginThrottle:
    """This process's login throttle (docs/administration-and-security.md: why in-process)."""
    throttle: LoginThrottle = current_app.extensions.setdefault("login_throttle",
                                                                LoginThrottle())
    return throttle


def ticket_limits() -> TicketLimits:
    """This process's limits on the public ticket endpoints."""
    found: TicketLimits = current_app.extensions.setdefault("ticket_limits", TicketLimits())
    return found


def throttled_login(username: str, password: str) -> IssuedToken:
    """issue_user_token, refused early while this (username, client) is locked out."""
    throttle, client, moment = login_throttle(), client_address(), now().timestamp()
    wait = throttle.retry_after(username, client, moment)
    if wait is not None:
        raise RateLimited(wait, "too_many_attempts", seconds=wait)
    lifetime = timedelta(seconds=state().settings.token_lifetime_s)
    try:
        issued = issue_user_token(db(), username, password, now=now(), lifetime=lifetime)
    except Unauthorized:
        throttle.failed(username, client, moment)
        log.info("login refused: user %r from %s", username, client)
        raise
    throttle.succeeded(username, client)
    return issued


def check_lookup() -> None:
    """Refuse any lookup by code from a client that guessed too many unknown codes."""
    wait = ticket_limits().unknown_codes.retry_after(client_address(), time.monotonic())
    if wait is not None:
        raise RateLimited(wait)


def unknown_code() -> None:
    """Count a lookup of a code that does not exist."""
    ticket_limits().unknown_codes.hit(client_address(), time.monotonic())


def check_feedback() -> None:
    """Refuse feedback from a phone's address that had too many posts refused."""
    wait = ticket_limits().feedback.retry_after(client_address(), time.monotonic())
    if wait is not None:
        raise RateLimited(wait)


def feedback_refused() -> None:
    """Count a refused feedback post (bad input, unknown, unfinished or already rated ticket)."""
    ticket_limits().feedback.hit(client_address(), time.monotonic())
