"""Request helpers shared by the API modules: session, clock, input, auth."""

from __future__ import annotations

import time

from flask import g, request

from ..auth import Principal, PrincipalCache, authenticate
from ..context import db, now, public_url, state  # noqa: F401 - re-exported
from ..errors import Forbidden, InvalidInput, NotFound, Unauthorized
from ..models import Office, Role
from ..queries import find_office
from ..queue import Actor

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
    values = {}
    for name, kind in {**required, **optional}.items():
        value = body.get(name, _MISSING)
        if value is _MISSING or (value is None and name in optional):
            if name in required:
                raise InvalidInput("invalid_field", field=name, reason="required")
            values[name] = None
            continue
        if isinstance(value, bool) and kind is not bool or not isinstance(value, kind):
            raise InvalidInput("invalid_field", field=name, reason=f"must be {kind.__name__}")
        values[name] = value
    return values


def office_or_404(slug: str) -> Office:
    """The active office with this slug, or 404 unknown_office."""
    office = find_office(db(), slug)
    if office is None:
        raise NotFound("unknown_office", office=slug)
    return office


_principals = PrincipalCache()


def principal() -> Principal:
    """The caller behind the bearer token; 401 when missing or bad."""
    if "principal" not in g:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise Unauthorized("missing_token")
        g.principal = _checked(token)
    return g.principal


def _checked(token: str) -> Principal:
    moment = time.monotonic()
    cached = _principals.get(token, moment)
    if cached is not None and (cached.expires_at is None or cached.expires_at > now()):
        return cached
    found = authenticate(db(), token, now=now())
    _principals.put(token, found, moment)
    return found


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
