"""The counter officer's console: choose a counter, then call, recall, finish, transfer, pause."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask import session as browser_session
from sqlalchemy import select

from queue_server.core.clock import local_day
from queue_server.core.request_context import db, now
from queue_server.feedback.forms import current_form
from queue_server.models import Counter, Office, Role
from queue_server.security.tokens import Principal
from queue_server.tickets.lifecycle import current_ticket
from queue_server.tickets.queue_state import find_counter_by_number, find_office
from queue_server.visits.outcomes import outcome_labels
from queue_server.web.login import (
    SESSION_USERNAME,
    csrf_token,
    logged_in_user,
    login_redirect,
    page_language,
    secure_headers,
    texts,
)

blueprint = Blueprint("counter", __name__, template_folder="templates")
blueprint.after_request(secure_headers)

# Keys the console answers to; the buttons show them. Function keys for the frequent actions
# (and Enter for Call next), letters for the ones that open a dialog first.
SHORTCUTS = {"call_next": "F1", "recall": "F2", "finish": "F3", "no_show": "F4",
             "transfer": "C", "call_number": "S", "pause": "T", "dossier": "M",
             # Sent back to complete: tick the missing documents (giấy tờ), print them.
             "missing": "G", "print_missing": "P"}
# One digit per outcome of the visit, in the order of visits.outcomes.OUTCOMES.
OUTCOME_KEYS = ("1", "2", "3", "4", "5", "6")



def _officer_of(office: Office) -> Principal | None:
    """The logged-in user if they may work at this office's counters (same rule as the API)."""
    user = logged_in_user()
    if user is None or not user.is_user:
        return None
    return user if user.role is Role.ADMIN or user.office_id == office.id else None


def _error_page(title_key: str, text_key: str, status: int):
    language = page_language()
    t = texts("counter", language)
    return render_template("counter.error.html", t=t, language=language, title=t[title_key],
                           text=t[text_key], csrf_token=csrf_token()), status


def _checked_office(slug: str):
    """(office, None) when the visitor may use it, else (None, the response to send)."""
    if logged_in_user() is None:
        return None, login_redirect()
    office = find_office(db(), slug)
    if office is None:
        return None, _error_page("not_found_title", "unknown_office", 404)
    if _officer_of(office) is None:
        return None, _error_page("forbidden_title", "forbidden", 403)
    return office, None


@blueprint.get("/counter")
def choose_office():
    """Officers go to their office; an admin picks one."""
    user = logged_in_user()
    if user is None:
        return login_redirect()
    home = db().get(Office, user.office_id) if user.office_id is not None else None
    if home is not None and home.is_active:
        return redirect(url_for("counter.choose_counter", slug=home.slug))
    if user.is_province_manager:  # no counter of their own: their page is the province's
        return redirect(url_for("dashboard.home"))
    if user.role is not Role.ADMIN:
        return _error_page("forbidden_title", "forbidden", 403)
    offices = db().scalars(select(Office).where(Office.is_active).order_by(Office.name)).all()
    language = page_language()
    return render_template("counter.offices.html", t=texts("counter", language), language=language,
                           offices=offices, csrf_token=csrf_token())


@blueprint.get("/counter/<slug>")
def choose_counter(slug: str):
    """The office's counters, with what each is doing now."""
    office, refusal = _checked_office(slug)
    if refusal is not None:
        return refusal
    counters = db().scalars(select(Counter).where(
        Counter.office_id == office.id, Counter.is_active).order_by(Counter.number)).all()
    rows = [{"counter": counter, "current": current_ticket(db(), counter),
             "services": ", ".join(s.name for s in counter.services if s.is_active)}
            for counter in counters]
    language = page_language()
    return render_template("counter.choose.html", t=texts("counter", language), language=language,
                           office=office, rows=rows, csrf_token=csrf_token(),
                           username=browser_session.get(SESSION_USERNAME, ""))


@blueprint.get("/counter/<slug>/<int:number>")
def console(slug: str, number: int):
    """The console; everything after the first paint comes over HTTP and Socket.IO."""
    office, refusal = _checked_office(slug)
    if refusal is not None:
        return refusal
    counter = find_counter_by_number(db(), office, number)
    if counter is None:
        return _error_page("not_found_title", "unknown_counter", 404)
    language = page_language()
    t = texts("counter", language)
    return render_template("counter.html", t=t, language=language, office=office,
                           counter=counter, shortcuts=SHORTCUTS, csrf_token=csrf_token(),
                           username=browser_session.get(SESSION_USERNAME, ""),
                           config=_console_config(office, counter, language, t))


@blueprint.get("/counter/<slug>/paper")
def paper_form(slug: str):
    """Type in the official paper rating form a citizen filled in, question by question."""
    office, refusal = _checked_office(slug)
    if refusal is not None:
        return refusal
    language = page_language()
    form = current_form(office)
    config = {"api": f"/api/v1/offices/{office.slug}/paper-ratings", "language": language,
              "texts": texts("counter", language)}
    return render_template(
        "counter.paper.html", t=texts("counter", language), language=language, office=office,
        form=form, levels=_level_names(form, language), csrf_token=csrf_token(),
        reasons=texts("reason", language), visits=texts("visit", language),
        today=local_day(now(), office.timezone).isoformat(), config=config,
        username=browser_session.get(SESSION_USERNAME, ""))


def _level_names(form: dict, language: str) -> list[tuple[int, str]]:
    """The form's levels, highest first, with their names (the office's, or the catalogue's)."""
    levels, labels = form["levels"], form["labels"]
    if len(labels) == levels:
        names = dict(enumerate(labels, 1))
    elif levels == 3:
        words = texts("citizen", language)
        names = {level: words[f"level3_{level}"] for level in (1, 2, 3)}
    else:
        words = texts("rating", language)
        names = {level: words[str(level)] for level in range(1, 6)}
    return [(level, names[level]) for level in range(levels, 0, -1)]


def _console_config(office: Office, counter: Counter, language: str, t: dict) -> dict:
    """What the script needs besides the live snapshot: names, URLs, strings."""
    return {
        "office": office.slug, "counter": counter.number, "language": language,
        "api": f"/api/v1/offices/{office.slug}/counters/{counter.number}",
        "login": url_for("login.login_page", next=f"/counter/{office.slug}/{counter.number}"),
        "services": [{"code": s.code, "name": s.name} for s in office.services if s.is_active],
        "counters": [{"number": c.number, "name": c.name} for c in office.counters
                     if c.is_active and c.id != counter.id],
        "priorities": {p.code: p.name for p in office.priorities if p.is_active},
        "pause_reasons": [t["pause_break"], t["pause_meeting"], t["pause_other"]],
        "keys": SHORTCUTS,
        "outcomes": [{"code": code, "label": label, "key": key} for key, (code, label) in zip(
            OUTCOME_KEYS, outcome_labels(office, language).items(), strict=True)],
        "require_outcome": office.require_outcome,
        "visit_api": "/api/v1/tickets/",
        "dossier_api": "/api/v1/dossiers/",
        "missing_print_api": "/missing-slip",
        "texts": t,
    }
