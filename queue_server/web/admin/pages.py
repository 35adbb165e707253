"""What every /admin page shares: the blueprint, who the visitor is, rendering, refusals."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, redirect, render_template, request
from flask import session as browser_session
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from queue_server.core.error_status import http_status
from queue_server.core.errors import DomainError
from queue_server.core.i18n import message
from queue_server.core.request_context import db
from queue_server.edge.callers import csrf_matches
from queue_server.models import Office, Role
from queue_server.notify.delivery_log import zalo_token_problem
from queue_server.realtime import admin_changes
from queue_server.security.tokens import Principal
from queue_server.setup.audit_log import Changer
from queue_server.setup.fields import FormInvalid
from queue_server.setup.names import NAME_MAX
from queue_server.tickets.queue_state import find_office
from queue_server.web.login import (
    SESSION_USERNAME,
    csrf_token,
    logged_in_user,
    login_redirect,
    page_language,
    secure_headers,
    texts,
)

blueprint = Blueprint("admin", __name__, template_folder="../templates")
blueprint.after_request(secure_headers)

# What a redirect after a change may say (never free text in the address).
NOTICES = ("saved", "created", "nothing_changed", "password_reset_done", "revoked_done")
MULTI_VALUED = ("services",)


@dataclass(frozen=True)
class Visitor:
    """The manager or admin using the pages, and how their changes are logged."""

    user: Principal
    username: str
    changer: Changer

    @property
    def is_admin(self) -> bool:
        return self.user.role is Role.ADMIN


def admin_page(*, admins_only: bool = False) -> Callable:
    """Login, role, office (from <slug>) and, for a POST, the CSRF token, in that order."""
    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def guarded(**kwargs: Any):
            user = logged_in_user()
            if user is None or not user.is_user:
                return login_redirect()
            # A province manager reads every office's figures and changes none of them.
            if (user.role is Role.STAFF or user.is_province_manager
                    or (admins_only and user.role is not Role.ADMIN)):
                return error_page("forbidden_title", "forbidden", 403)
            if "slug" in kwargs:
                office = find_office(db(), kwargs.pop("slug"))
                if office is None:
                    return not_found()
                if user.role is not Role.ADMIN and user.office_id != office.id:
                    return error_page("forbidden_title", "forbidden_office", 403)
                kwargs["office"] = office
            if request.method == "POST" and not csrf_matches(request.form.get("csrf_token")):
                return error_page("stale_title", "stale_form", 400)
            return view(_visitor(user), **kwargs)
        return guarded
    return decorate


def _visitor(user: Principal) -> Visitor:
    username = browser_session.get(SESSION_USERNAME, "")
    changer = Changer(user_id=user.user_id, name=username, role=user.role,
                      office_id=user.office_id, address=request.remote_addr,
                      agent=request.user_agent.string[:200] or None)
    return Visitor(user, username, changer)


def page_texts() -> dict[str, str]:
    return texts("admin", page_language())


def render(template: str, visitor: Visitor | None, status: int = 200, **context: object):
    """A page with the shared frame: texts, language, CSRF token, the visitor, a notice."""
    language = page_language()
    notice = request.args.get("done")
    if visitor is not None and "token_problem" not in context:
        context["token_problem"] = zalo_token_problem(db())
    page = render_template(
        template, t=texts("admin", language), language=language, csrf_token=csrf_token(),
        visitor=visitor, notice=notice if notice in NOTICES else None,
        other_language="en" if language == "vi" else "vi", name_max=NAME_MAX, **context)
    return page, status


def error_page(title_key: str, text_key: str, status: int):
    t = page_texts()
    text = t.get(text_key) or message(text_key, page_language())
    return render("admin.error.html", None, status, title=t[title_key], text=text)


def form_values() -> dict[str, object]:
    """The submitted form: one value per field, lists for multi-valued fields."""
    form: MultiDict = request.form
    values: dict[str, object] = {key: form.get(key) for key in form if key != "csrf_token"}
    for key in MULTI_VALUED:
        if key in form or f"{key}_shown" in form:
            values[key] = form.getlist(key)
    return values


def form_errors(error: DomainError) -> dict[str, tuple[str, str]]:
    """Field name → (message, code); "form" for a refusal of the whole form."""
    language = page_language()
    if isinstance(error, FormInvalid):
        return {problem.field: (message(problem.key, language, **problem.params), problem.code)
                for problem in error.problems}
    return {"form": (message(error.message_key, language, **error.params), error.code)}


def refusal_status(error: DomainError) -> int:
    """The page's status for a refusal: the same table as the JSON API."""
    return http_status(error)


def attempt(change: Callable[[], Any]) -> tuple[Any, DomainError | None]:
    """Run a domain change and commit; on a refusal roll back and hand the refusal back."""
    try:
        result = change()
        db().commit()
    except DomainError as error:
        db().rollback()
        return None, error
    return result, None


def done(target: str, notice: str):
    """Back to a page after a change (303: the browser follows with a GET)."""
    return redirect(f"{target}?{urlencode({'done': notice})}", code=303)


def saved(target: str, is_changed: object):
    """Back to a page after an edit, saying whether it changed anything."""
    return done(target, "saved" if is_changed else "nothing_changed")


def not_found():
    """The admin's 404 page."""
    return error_page("not_found_title", "not_found", 404)


def changed(office: Office | None, is_changed: object = True, *, user_id: int | None = None,
            device_id: int | None = None) -> None:
    """After commit: kiosks and displays of the office refresh; tokens are re-checked, and a
    logged-out account's or revoked device's connections are closed."""
    admin_changes.access_changed(user_id=user_id, device_id=device_id)
    if office is not None and is_changed:
        admin_changes.office_changed(office)


def offices_of(visitor: Visitor) -> list[Office]:
    """The offices this visitor manages."""
    query = select(Office).where(Office.is_active).order_by(Office.name)
    if not visitor.is_admin:
        query = query.where(Office.id == visitor.user.office_id)
    return list(db().scalars(query))


