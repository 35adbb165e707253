"""Request helpers shared by the API modules: the JSON body, its fields, query parameters."""

from __future__ import annotations

from typing import Any

from flask import request

from queue_server.core.errors import InvalidInput, NotFound
from queue_server.core.request_context import db
from queue_server.models import Office
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
