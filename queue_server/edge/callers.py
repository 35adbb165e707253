"""Who is calling: the bearer token or the browser's session cookie behind a request.

Shared by the edges (the JSON API, the pages and the Socket.IO channels), so that a token is
checked, cached and revoked in one place.
"""

from __future__ import annotations

import hmac
import time
from datetime import timedelta

from flask import g, request
from flask import session as browser_session

from queue_server.core.errors import Forbidden, Unauthorized
from queue_server.core.request_context import db, now, state
from queue_server.models import Office, Role
from queue_server.security.tokens import (
    Principal,
    PrincipalCache,
    authenticate,
    device_seen_due,
    record_device_seen,
)
from queue_server.tickets.lifecycle import Actor

_principals = PrincipalCache()


# What the login page keeps in the signed session cookie (see queue_server.web.login).
SESSION_TOKEN, SESSION_CSRF, SESSION_EXPIRES_AT = "token", "csrf", "expires_at"
SESSION_USER_ID, SESSION_ROLE, SESSION_OFFICE_ID = "user_id", "role", "office_id"
CSRF_HEADER = "X-CSRF-Token"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def principal() -> Principal:
    """The caller behind the bearer token or the browser's session cookie; 401 when neither."""
    if "principal" not in g:
        header = request.headers.get("Authorization", "")
        if not header and SESSION_TOKEN in browser_session:
            caller: Principal = _session_caller()
            g.principal = caller
            return caller
        scheme, _, token = header.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise Unauthorized("missing_token")
        g.principal = _checked(token)
    known: Principal = g.principal
    return known


def session_principal() -> Principal | None:
    """The user logged in through the session cookie; None when absent, expired or revoked."""
    token = browser_session.get(SESSION_TOKEN)
    expires_at = browser_session.get(SESSION_EXPIRES_AT)
    if not isinstance(token, str) or not isinstance(expires_at, int):
        return None
    if expires_at <= now().timestamp():
        return None
    try:
        return _checked(token)
    except Unauthorized:
        return None


def csrf_matches(candidate: str | None) -> bool:
    """Whether a submitted CSRF token is the session's own."""
    expected = browser_session.get(SESSION_CSRF)
    return bool(isinstance(expected, str) and isinstance(candidate, str)
                and hmac.compare_digest(expected.encode(), candidate.encode()))


def _session_caller() -> Principal:
    # A cookie rides along with any request the browser makes, so changes also need the
    # token that only our own pages can read; a bearer token cannot be forged that way.
    caller = session_principal()
    if caller is None:
        raise Unauthorized("bad_token")
    if request.method not in _SAFE_METHODS and not csrf_matches(request.headers.get(CSRF_HEADER)):
        raise Forbidden("csrf_failed")
    return caller


def _checked(token: str) -> Principal:
    moment = time.monotonic()
    cached = _principals.get(token, moment)
    if cached is not None and (cached.expires_at is None or cached.expires_at > now()):
        return cached
    found = check_token(token)
    _principals.put(token, found, moment)
    return found


def check_token(token: str) -> Principal:
    """The caller behind a token, checked in the database now; notes a device as seen."""
    found = authenticate(db(), token, now=now(), device_idle_limit=device_idle_limit())
    if device_seen_due(found, now()):
        g.device_seen = found.device_id
    return found


def device_idle_limit() -> timedelta:
    """How long a device token may go unused (QUEUE_DEVICE_TOKEN_IDLE_DAYS)."""
    return timedelta(days=state().settings.device_token_idle_days)


def record_device_seen_after_request(_error: BaseException | None = None) -> None:
    """Write last_seen_at of the device this request authenticated, when it is due.

    After the request, not during it: the request's transaction may only read (nothing would
    be committed), or may be holding SQLite's write lock; committing in its middle would split
    what it reads from what it writes. So the request's session ends first (closing only
    rolls back what was not committed, as the end of the request would), and the write gets
    a short transaction of its own that never waits (see auth.record_device_seen).
    """
    device_id = g.pop("device_seen", None)
    if device_id is None:
        return
    request_session = g.pop("db_session", None)
    if request_session is not None:
        request_session.close()
    with state().sessions() as session:
        record_device_seen(session, device_id, now=now())


def forget_principals() -> None:
    """Drop cached tokens (after a revocation or a password change)."""
    _principals.clear()


def actor_of(caller: Principal) -> Actor:
    """The caller as the lifecycle logs it."""
    return Actor(user_id=caller.user_id, device_id=caller.device_id)


def require_staff_of(office: Office) -> Principal:
    """A logged-in user allowed to work at this office's counters."""
    caller = principal()
    if not caller.is_user:
        raise Forbidden("forbidden")
    if caller.role is Role.ADMIN:
        return caller
    if caller.office_id != office.id:
        raise Forbidden("wrong_office")
    return caller
