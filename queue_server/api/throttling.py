"""Throttled logins for the API and the login page: 429 with Retry-After when locked."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, request

from queue_server.api.common import db, now, state
from queue_server.core.errors import RateLimited, Unauthorized
from queue_server.security.login_throttle import LoginThrottle
from queue_server.security.tokens import IssuedToken, issue_user_token


class TooManyAttempts(RateLimited):
    """Logins from this client are paused for `retry_after` seconds."""

    code = "too_many_attempts"

    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after, "too_many_attempts", seconds=retry_after)


def login_throttle() -> LoginThrottle:
    """This process's throttle (see README, Security: why in-process is enough)."""
    return current_app.extensions.setdefault("login_throttle", LoginThrottle())


def client_address() -> str:
    """The caller's address (the proxy's X-Forwarded-For when QUEUE_TRUSTED_PROXIES is set)."""
    return request.remote_addr or "unknown"


def throttled_login(username: str, password: str) -> IssuedToken:
    """issue_user_token, refused early while this (username, client) is locked out."""
    throttle, client, moment = login_throttle(), client_address(), now().timestamp()
    wait = throttle.retry_after(username, client, moment)
    if wait is not None:
        raise TooManyAttempts(wait)
    lifetime = timedelta(seconds=state().settings.token_lifetime_s)
    try:
        issued = issue_user_token(db(), username, password, now=now(), lifetime=lifetime)
    except Unauthorized:
        throttle.failed(username, client, moment)
        raise
    throttle.succeeded(username, client)
    return issued
