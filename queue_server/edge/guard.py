"""Who before what: an API route knows its caller before it reads the body or the database.

Every view of the API needs a caller unless it is marked `@public`; the check runs before
any other hook of the app (the body limit included), so an anonymous request meets 401
whatever it sends, and a forgotten check on a new route fails closed rather than open.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import current_app, request

from queue_server.core.hardening import receive_body
from queue_server.edge.callers import principal

View = TypeVar("View", bound=Callable[..., object])

_PUBLIC_VIEWS: set[Callable[..., object]] = set()
API_BLUEPRINT = "api"


def public(view: View) -> View:
    """Mark an API view as open to anyone; it checks a token itself when it takes one."""
    _PUBLIC_VIEWS.add(view)
    return view


def is_public(view: Callable[..., object] | None) -> bool:
    """Whether a view answers callers without credentials."""
    return view in _PUBLIC_VIEWS


def identify_caller() -> None:
    """401 for an API request without valid credentials to a route that is not public."""
    if request.blueprint != API_BLUEPRINT or request.endpoint is None:
        return  # pages have their own login; an unknown path is a 404 or 405 anyway
    if is_public(current_app.view_functions.get(request.endpoint)):
        return
    # The lookup may open a transaction (SQLite's write lock): the body arrives first, but
    # is read only after the caller is known.
    receive_body()
    principal()
