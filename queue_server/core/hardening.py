"""App-wide protections: security headers on every response, body limit, proxies, cookies."""

from __future__ import annotations

from typing import Any

from flask import Flask, Request, Response, abort, has_request_context, request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter, Map

# The strictest policy, for anything that sets none itself (API answers, static files,
# errors). Pages keep their own, looser policy (their blueprints set it first).
DEFAULT_CONTENT_SECURITY_POLICY = (
    "default-src 'none'; img-src 'self' data:; style-src 'self'; font-src 'self'; "
    "script-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'")
STRICT_TRANSPORT_SECURITY = "max-age=31536000"
_BODILESS = frozenset({"GET", "HEAD", "OPTIONS"})


class BoundedIntConverter(IntegerConverter):
    """<int:…> in URLs, up to what the database stores (a longer number is simply a 404)."""

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", 2**63 - 1)
        super().__init__(url_map, *args, **kwargs)


def install(app: Flask, trusted_proxies: int = 0) -> None:
    """Add the headers hook, the early input checks and the cookie policy (before routes)."""
    app.url_map.converters["int"] = BoundedIntConverter
    if trusted_proxies:
        # Behind nginx: the client's own address (for login throttling) and scheme.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=trusted_proxies,  # type: ignore[method-assign]
                                x_proto=trusted_proxies)
    app.session_interface = HttpsAwareSessionInterface()
    app.before_request(refuse_large_bodies)
    app.before_request(refuse_nul_characters)
    app.after_request(security_headers)


def receive_body() -> None:
    """Take a body within the size limit off the network now, without judging it.

    Called before the first database read of a request: SQLite's write lock is taken at the
    transaction's start, and no request may wait on a slow client's network while holding it.
    """
    if request.method in _BODILESS and not request.content_length:
        return
    limit = request.max_content_length
    if limit is None or (request.content_length or 0) <= limit:
        request.get_data(cache=True)


def refuse_large_bodies() -> None:
    """413 before any view runs, even one that never reads its body; otherwise read it now.

    Reading the body here, before any view touches the database, means no request waits on
    a slow client's network while it holds SQLite's write lock.
    """
    if request.method in _BODILESS and not request.content_length:
        return
    limit = request.max_content_length
    if limit is not None and (request.content_length or 0) > limit:
        abort(413)
    body = request.get_data(cache=True)
    # A chunked body stops quietly at the limit, which would hand views a cut body that may
    # still parse: reaching the limit means too large.
    if limit is not None and request.content_length is None and len(body) >= limit:
        abort(413)


def refuse_nul_characters() -> None:
    """400 for a NUL in the path or query: PostgreSQL cannot even compare such text."""
    if "\x00" in request.path or any("\x00" in key or "\x00" in value
                                     for key, value in request.args.items(multi=True)):
        abort(400)


_DEFAULT_HEADERS = (
    ("Content-Security-Policy", DEFAULT_CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)


def security_headers(response: Response) -> Response:
    """No sniffing, no framing, no referrer to other sites, no foreign or inline code."""
    headers = response.headers
    # One pass over the headers instead of one per default (this runs on every answer).
    present = {key.lower() for key, _value in headers.items()}
    headers.extend([(key, value) for key, value in _DEFAULT_HEADERS
                    if key.lower() not in present])
    if response.mimetype == "application/json" and "cache-control" not in present:
        # Answers carry tokens and live positions: never from a shared cache.
        headers["Cache-Control"] = "no-store"
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY)
    return response


class HttpsAwareSessionInterface(SecureCookieSessionInterface):
    """The session cookie is Secure when configured so, or whenever the request came by HTTPS."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        # API calls and screens carry no cookie: an empty session needs no signer built.
        if app.secret_key and self.get_cookie_name(app) not in request.cookies:
            return self.session_class()
        return super().open_session(app, request)

    def get_cookie_secure(self, app: Flask) -> bool:
        configured = super().get_cookie_secure(app)
        return bool(configured or (has_request_context() and request.is_secure))
