"""The one table from domain error classes to HTTP status, used by the JSON API and the pages."""

from __future__ import annotations

from queue_server.core.errors import (
    Conflict,
    DomainError,
    Forbidden,
    InvalidInput,
    NotFound,
    RateLimited,
    Unauthorized,
    Unavailable,
)

HTTP_STATUS: dict[type[DomainError], int] = {
    InvalidInput: 400,
    Unauthorized: 401,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    RateLimited: 429,
    Unavailable: 503,
    DomainError: 400,
}


def http_status(error: DomainError) -> int:
    """The status of the nearest class in the table (a subclass answers like its parent)."""
    for cls in type(error).__mro__:
        if cls in HTTP_STATUS:
            return HTTP_STATUS[cls]
    return 400


def http_headers(error: DomainError) -> dict[str, str]:
    """Headers a refusal carries: Retry-After for a rate limit."""
    if isinstance(error, RateLimited):
        return {"Retry-After": str(error.retry_after)}
    return {}
