"""One place that maps errors to HTTP status and {"error": {"code", "message"}}."""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Flask, Response, jsonify, request
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from queue_server.core.error_status import http_headers, http_status
from queue_server.core.errors import DomainError
from queue_server.core.i18n import message, pick_language

log = logging.getLogger(__name__)

ErrorPage = Callable[[int, str, str], Response | None]

_HTTP_CODES = {
    400: "invalid_request",
    401: "missing_token",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "body_too_large",
    415: "invalid_json",
    429: "too_many_requests",
}


def error_response(status: int, code: str, message_key: str | None = None, /,
                   **params: object):
    """A JSON error in the visitor's language."""
    return _json_error(status, code, _text(code, message_key, params))


def _text(code: str, message_key: str | None, params: dict[str, object]) -> str:
    language = pick_language(request.headers.get("Accept-Language"))
    return message(message_key or code, language, **params)


def _json_error(status: int, code: str, text: str) -> Response:
    response = jsonify({"error": {"code": code, "message": text}})
    response.status_code = status
    return response


def _rollback() -> None:
    from flask import g

    session = g.get("db_session")
    if session is not None:
        try:
            session.rollback()
        except Exception:  # the database may be gone; the answer matters more
            log.warning("rollback failed", exc_info=True)


def register_error_handlers(app: Flask, page: ErrorPage | None = None) -> None:
    """Install the handlers: domain errors, HTTP errors, database outages, anything else.

    `page(status, code, message)` answers a browser's page address in HTML; it returns None
    for everything else (the API, scripts asking for JSON), which gets the JSON error.
    """

    def answer(status: int, code: str, message_key: str | None = None, /,
               **params: object):
        text = _text(code, message_key, params)
        shown = page(status, code, text) if page else None
        return shown or _json_error(status, code, text)

    @app.errorhandler(DomainError)
    def _domain(error: DomainError):
        _rollback()
        response = answer(http_status(error), error.code, error.message_key, **error.params)
        response.headers.update(http_headers(error))
        return response

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        _rollback()
        code = _HTTP_CODES.get(error.code or 500, "invalid_request")
        response = answer(error.code or 500, code)
        allowed = getattr(error, "valid_methods", None)  # MethodNotAllowed's
        if error.code == 405 and allowed:
            response.headers["Allow"] = ", ".join(allowed)
        return response

    @app.errorhandler(OperationalError)
    @app.errorhandler(DBAPIError)
    def _database(error: Exception):
        _rollback()
        log.error("database unavailable: %s", error)
        response = answer(503, "unavailable")
        response.headers["Retry-After"] = "5"
        return response

    @app.errorhandler(PoolTimeout)
    def _overloaded(error: Exception):
        # Every connection of the pool stayed busy past its timeout: the process is overloaded,
        # not broken, and a client that tries again shortly will be served.
        _rollback()
        log.warning("overloaded: %s", error)
        response = answer(503, "unavailable")
        response.headers["Retry-After"] = "2"
        return response

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        _rollback()
        log.error("unexpected error on %s %s", request.method, request.path, exc_info=error)
        return answer(500, "internal_error")
