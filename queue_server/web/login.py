"""Browser sessions: the login page, logout, and what other pages need to check the login."""

from __future__ import annotations

import secrets
from datetime import timedelta
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, Response, redirect, render_template, request, url_for
from flask import session as browser_session
from flask.blueprints import BlueprintSetupState
from sqlalchemy import delete
from werkzeug.wrappers import Response as BaseResponse

from queue_server.core.error_status import http_headers
from queue_server.core.errors import RateLimited, Unauthorized
from queue_server.core.i18n import LANGUAGES, message, page_texts
from queue_server.core.request_context import db
from queue_server.edge.callers import (
    SESSION_CSRF,
    SESSION_EXPIRES_AT,
    SESSION_OFFICE_ID,
    SESSION_ROLE,
    SESSION_TOKEN,
    SESSION_USER_ID,
    csrf_matches,
    forget_principals,
    session_principal,
)
from queue_server.edge.limits import throttled_login
from queue_server.models import ApiToken, Office, Role
from queue_server.security.tokens import IssuedToken, Principal, hash_token

blueprint = Blueprint("login", __name__, template_folder="templates", static_folder="static",
                      static_url_path="/web-static")

SESSION_USERNAME, SESSION_LANGUAGE = "username", "lang"
MAX_USERNAME, MAX_PASSWORD = 64, 1024



@blueprint.record_once
def _configure_cookie(setup: BlueprintSetupState) -> None:
    # The session cookie: script cannot read it, other sites' forms do not send it, and it
    # lasts a working day (the same lifetime as a user's bearer token).
    settings = setup.app.extensions["queue"].settings
    setup.app.config.update(
        SESSION_COOKIE_NAME="queue_session", SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=bool(settings.public_url
                                   and settings.public_url.startswith("https://")),
        PERMANENT_SESSION_LIFETIME=timedelta(seconds=settings.token_lifetime_s))


def texts(page: str, language: str) -> dict[str, str]:
    """One language's texts of a page (its msgctxt in the catalogue)."""
    return page_texts(page, language)


def page_language() -> str:
    """The visitor's language: ?lang= (remembered in the session), else Vietnamese."""
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        browser_session[SESSION_LANGUAGE] = asked
        return asked
    remembered = browser_session.get(SESSION_LANGUAGE)
    return remembered if remembered in LANGUAGES else "vi"


def csrf_token() -> str:
    """The session's CSRF token, created on first use; pages put it in a meta tag."""
    token = browser_session.get(SESSION_CSRF)
    if not isinstance(token, str):
        token = browser_session[SESSION_CSRF] = secrets.token_urlsafe(32)
    return token


def logged_in_user() -> Principal | None:
    """The user of this browser session, or None (never a bearer token: pages use cookies)."""
    return session_principal()


def login_redirect() -> BaseResponse:
    """Send the visitor to the login page, coming back here afterwards."""
    target = request.full_path if request.query_string else request.path
    return redirect(url_for("login.login_page") + "?" + urlencode({"next": target}))


def secure_headers(response: Response) -> Response:
    """No framing (the buttons act on the queue), no foreign scripts, no caching of pages."""
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
        "frame-ancestors 'none'; form-action 'self'")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if response.mimetype == "text/html":
        response.headers.setdefault("Cache-Control", "no-store")
    return response


blueprint.after_request(secure_headers)


@blueprint.get("/login")
def login_page():
    """The login form; a logged-in visitor goes straight on."""
    user = logged_in_user()
    if user is not None:
        return redirect(_destination(user))
    return _render_login()


@blueprint.post("/login")
def log_in():
    """Check the username and password, then start a browser session."""
    language = page_language()
    username = request.form.get("username", "").strip()[:MAX_USERNAME]
    password = request.form.get("password", "")[:MAX_PASSWORD]
    if not csrf_matches(request.form.get("csrf_token")):
        return _render_login(error=texts("login", language)["stale_form"], username=username,
                             status=400)
    if not username or not password:
        return _render_login(error=texts("login", language)["missing_fields"],
                             username=username, status=400)
    try:
        issued = throttled_login(username, password)
    except RateLimited as refusal:
        page, status = _render_login(error=message(refusal.message_key, language,
                                                   **refusal.params),
                                     username=username, status=429)
        return page, status, http_headers(refusal)
    except Unauthorized as refusal:
        # The same words whether the username exists or not.
        return _render_login(error=message(refusal.message_key, language), username=username,
                             status=401)
    db().commit()
    _start_session(issued, language)
    return redirect(_safe_next(request.args.get("next")) or _home(issued.user.office_id,
                                                                   issued.user.role))


def _start_session(issued: IssuedToken, language: str) -> None:
    # A new session from scratch (and a new CSRF token), so nothing set before login survives.
    user = issued.user
    browser_session.clear()
    browser_session.permanent = True
    browser_session.update({
        SESSION_TOKEN: issued.token, SESSION_CSRF: secrets.token_urlsafe(32),
        SESSION_EXPIRES_AT: int(issued.expires_at.timestamp()), SESSION_USER_ID: user.id,
        SESSION_ROLE: user.role.value, SESSION_OFFICE_ID: user.office_id,
        SESSION_USERNAME: user.username, SESSION_LANGUAGE: language})


@blueprint.get("/logout")
def logout_page():
    """A one-button page: logging out changes state, so it is a POST with the CSRF token."""
    if logged_in_user() is None:
        return redirect(url_for("login.login_page"))
    language = page_language()
    came_from = urlsplit(request.referrer).path if request.referrer else None
    return render_template("login.logout.html", t=texts("login", language), language=language,
                           csrf_token=csrf_token(),
                           back=_safe_next(came_from) or url_for("counter.choose_office"))


@blueprint.post("/logout")
def log_out():
    """End the session: forget the cookie and revoke the token behind it."""
    submitted = request.form.get("csrf_token") or request.headers.get("X-CSRF-Token")
    if browser_session.get(SESSION_TOKEN) and not csrf_matches(submitted):
        return redirect(url_for("login.logout_page"))
    token = browser_session.get(SESSION_TOKEN)
    if isinstance(token, str):
        db().execute(delete(ApiToken).where(ApiToken.token_hash == hash_token(token)))
        db().commit()
        forget_principals()
    language = browser_session.get(SESSION_LANGUAGE)
    browser_session.clear()
    if language in LANGUAGES:
        browser_session[SESSION_LANGUAGE] = language
    return redirect(url_for("login.login_page", done="1"))


def _render_login(*, error: str | None = None, username: str = "", status: int = 200):
    language = page_language()
    t = texts("login", language)
    next_target = _safe_next(request.args.get("next"))
    other = "en" if language == "vi" else "vi"
    switch_query = {"lang": other, **({"next": next_target} if next_target else {})}
    notice = t["logged_out"] if request.args.get("done") and not error else None
    page = render_template(
        "login.html", t=t, language=language, error=error, notice=notice, username=username,
        csrf_token=csrf_token(), next_target=next_target,
        switch_url=url_for("login.login_page") + "?" + urlencode(switch_query))
    return page, status


def _destination(user: Principal) -> str:
    assert user.role is not None  # a user's principal, not a device's
    return _safe_next(request.args.get("next")) or _home(user.office_id, user.role)


def _home(office_id: int | None, role: Role) -> str:
    # Managers and admins start at the dashboard (it links to counters and admin);
    # officers start at their office's counter chooser.
    if role in (Role.MANAGER, Role.ADMIN):
        return url_for("dashboard.home")
    office = db().get(Office, office_id) if office_id is not None else None
    if office is not None and office.is_active:
        return url_for("counter.choose_counter", slug=office.slug)
    return url_for("counter.choose_office")


def _safe_next(target: str | None) -> str | None:
    """A path on this server to return to, or None (never another site)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(character) < 32 for character in target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None
