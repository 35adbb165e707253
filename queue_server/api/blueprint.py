"""The API's one blueprint, and what it does around every request."""

from __future__ import annotations

from flask import Blueprint, Response, request

from queue_server.edge import limits
from queue_server.edge.callers import record_device_seen_after_request

api = Blueprint("api", __name__, url_prefix="/api/v1")

# On every request of the app, Socket.IO events included (they run in a request context too).
api.teardown_app_request(record_device_seen_after_request)


def _has_code() -> bool:
    return "code" in (request.view_args or {})


@api.before_request
def refuse_guessers() -> None:
    """429 for any lookup by code (/tickets/{code}…) from a client that guessed too often."""
    if _has_code():
        limits.check_lookup()


@api.after_request
def count_unknown_codes(response: Response) -> Response:
    """Count an answer that says the code does not exist."""
    if response.status_code == 404 and _has_code():
        body = response.get_json(silent=True) or {}
        if (body.get("error") or {}).get("code") == "ticket_not_found":
            limits.unknown_code()
    return response
