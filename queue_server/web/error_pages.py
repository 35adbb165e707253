"""HTML error pages for the addresses people open in a browser; the JSON API keeps JSON errors."""

from __future__ import annotations

import logging

from flask import Response, render_template, request

from queue_server.core.i18n import text

log = logging.getLogger(__name__)

# Each page shows both languages (the visitor may not read either), from msgctxt "error_page".
PAGES_WITH_TEXT = frozenset({404, 405, 500, 503})


def _both(key: str) -> tuple[str, str]:
    return text("error_page", key, "vi"), text("error_page", key, "en")


def wants_page() -> bool:
    """Whether this request is a browser's for a page (not the API, not a script asking JSON)."""
    if request.path.startswith(("/api/", "/socket.io")):
        return False
    accepted = request.accept_mimetypes
    return accepted["text/html"] >= accepted["application/json"]


def error_page(status: int, _code: str, text: str) -> Response | None:
    """The error as an HTML page when a browser asked for a page; None to answer in JSON."""
    if not wants_page():
        return None
    known = status in PAGES_WITH_TEXT
    titles = _both(f"{status}_title" if known else "other_title")
    texts = _both(f"{status}_text") if known else None
    try:
        # Otherwise the refusal's own words (in the visitor's language) say what went wrong.
        page = render_template("common.error.html", language="vi", status=status,
                               title=titles, text=texts or (text, ""), home=_both("home"),
                               show_english=texts is not None)
    except Exception:
        log.exception("error page %s failed", status)
        return None
    response = Response(page, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response
