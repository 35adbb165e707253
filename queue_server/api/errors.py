"""One place that maps errors to HTTP status and {"error": {"code", "message"}}."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, request
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException

from queue_server.core.error_status import http_headers, http_status
from queue_server.core.errors import DomainError
from queue_server.core.i18n import message, pick_language

log = logging.getLogger(__name__)

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
                   **params: object):  # noqa: ANN201
    """A JSON error in the visitor's language."""
    language = pick_language(request.headers.get("Accept-Language"))
    text = message(message_key or code, language, **params)
    response = jsonify({"error": {"code": code, "message": text}})
    response.status_code = status
    return response


def _rollback() -> None:
    from flask import g

    session = g.get("db_session")
    if session is not None:
        try:
            session.rollback()
        except Exception:  # noqa: BLE001 - the database may be gone; the answer matters more
            log.warning("rollback failed", exc_info=True)


def register_error_handlers(app: Flask) -> None:
    """Install the handlers: domain errors, HTTP errors, database outages, anything else."""

    @app.errorhandler(DomainError)
    def _domain(error: DomainError):  # noqa: ANN202
        _rollback()
        response = error_response(http_status(error), error.code, error.message_key,
                                  **error.params)
        response.headers.update(http_headers(error))
        return response

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):  # noqa: ANN202
        _rollback()
        code = _HTTP_CODES.get(error.code or 500, "invalid_request")
        response = error_response(error.code or 500, code)
        if error.code == 405 and getattr(error, "valid_methods", None):
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response

    @app.errorhandler(OperationalError)
    @app.errorhandler(DBAPIError)
    def _database(error: Exception):  # noqa: ANN202
        _rollback()
        log.error("database unavailable: %s", error)
        response = error_response(503, "unavailable")
        response.headers["Retry-After"] = "5"
        return response

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):  # noqa: ANN202
        _rollback()
        log.exception("unexpected error on %s %s", request.method, request.path)
        return error_response(500, "internal_error")
