"""Request helpers shared by the API modules: session, clock, input, auth."""

from __future__ import annotations

import hmac
import time
from datetime import timedelta
from typing import Any

from flask import g, request
from flask import session as browser_session

from queue_server.core.errors import Forbidden, InvalidInput, NotFound, Unauthorized

# Re-exported for the views (the `x as x` form says so to ruff and mypy).
from queue_server.core.request_context import db as db
from queue_server.core.request_context import now as now
from queue_server.core.request_context import public_url as public_url
from queue_server.core.request_context import state as state
from queue_server.models import Office, Role
from queue_server.security.tokens import (
    Principal,
    PrincipalCache,
    authenticate,
    device_seen_due,
    record_device_seen,
)
from queue_server.tickets.lifecycle import Actor
from queue_server.tickets.queue_state import find_office

_MISSING = object()


def json_body() -> dict:
    """The request's JSON object; an empty body counts as {}."""
    if not request.get_data(cache=True):
        return {}
    body = request.get_json(silent=True, cache=True)
    if not isinstance(body, dict):
        raise InvalidInput("invalid_json")
    return body


def read_fields(body: dict, required: dict[str, type], optional: dict[str, type]) -> dict:
    """Check types and refuse unknown fields; missing optional fields come back as None."""
    for name in body:
        if name not in required and name not in optional:
            raise InvalidInput("unknown_field", "unknown_field", field=name)
    values: dict[str, Any] = {}
    for name, kind in {**required, **optional}.items():
        value = body.get(name, _MISSING)
        if value is _MISSING or (value is None and name in optional):
            if name in required:
                raise InvalidInput("invalid_field", field=name, reason="required")
            values[name] = None
            continue
        if (isinstance(value, bool) and kind is not bool) or not isinstance(value, kind):
            raise InvalidInput("invalid_field", field=name, reason=f"must be {kind.__name__}")
        _check_storable(name, value)
        values[name] = value
    return values


def _check_storable(name: str, value: object) -> None:
    # What the database cannot hold or even compare would end as a 500, not a 400.
    if isinstance(value, int) and not -(2**63) <= value < 2**63:
        raise InvalidInput("invalid_field", field=name, reason="out of range")
    if isinstance(value, str) and "\x00" in value:
        raise InvalidInput("invalid_field", field=name, reason="contains a NUL character")


def refuse_unknown_parameters(allowed: set[str]) -> None:
    """400 for any query parameter the route does not take (an empty name included)."""
    for name in request.args:
        if name not in allowed:
            raise InvalidInput("unknown_parameter", name=name)


def office_or_404(slug: str) -> Office:
    """The active office with this slug, or 404 unknown_office."""
    office = find_office(db(), slug)
    if office is None:
        raise NotFound("unknown_office", office=slug)
    return office


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


def reading() -> None:
    """Read a report in a transaction of its own that never blocks writers.

    The request's session starts with BEGIN IMMEDIATE (SQLite's write lock, see db.py); a
    report reads for up to a second, and kiosks must not wait behind it.
    """
    db().commit()
    db().connection(execution_options={"sqlite_begin": "DEFERRED"})
