"""Unknown ticket codes are counted per client on every /tickets/{code}… route; too many → 429."""

from __future__ import annotations

from flask import Response, request

from queue_server.api import api
from queue_server.security import lookup_limits


def _has_code() -> bool:
    return "code" in (request.view_args or {})


@api.before_request
def refuse_guessers() -> None:
    """429 for any lookup by code from a client that guessed too often."""
    if _has_code():
        lookup_limits.check_lookup()


@api.after_request
def count_unknown_codes(response: Response) -> Response:
    """Count an answer that says the code does not exist."""
    if response.status_code == 404 and _has_code():
        body = response.get_json(silent=True) or {}
        if (body.get("error") or {}).get("code") == "ticket_not_found":
            lookup_limits.unknown_code()
    return response
