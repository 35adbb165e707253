"""The manager's dashboard: live monitor, reports with charts, feedback inbox, the monthly
officer report (printable), and the province's monitor and league table for province managers
(managers without an office) and admins. Data comes from the JSON API.
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask import session as browser_session
from sqlalchemy import select

from queue_server.booking.days import bookings_of_day, figures_of_day
from queue_server.core.clock import local_day, local_time
from queue_server.core.errors import DomainError
from queue_server.core.formats import BROWSER_LOCALES
from queue_server.core.request_context import db, now, reading
from queue_server.models import Office, Role, User
from queue_server.reports.labels import (
    CRITERIA_NAMES,
    DEFINITIONS,
    RATINGS,
    REASONS,
    VISITS,
    both,
)
from queue_server.reports.officers import month_period, officer_report
from queue_server.tickets.queue_state import find_office
from queue_server.visits.outcomes import OUTCOMES, outcome_labels
from queue_server.web.login import (
    SESSION_USERNAME,
    csrf_token,
    logged_in_user,
    login_redirect,
    page_language,
    secure_headers,
    texts,
)

blueprint = Blueprint("dashboard", __name__, template_folder="templates",
                      static_folder="static", static_url_path="/assets/dashboard")
blueprint.after_request(secure_headers)


def _page(template: str, status: int = 200, **values: object):
    language = page_language()
    t = texts("dashboard", language)
    return render_template(template, t=t, language=language, csrf_token=csrf_token(),
                           username=browser_session.get(SESSION_USERNAME, ""),
                           **values), status


def _refusal(text_key: str, status: int):
    return _page("dashboard.error.html", status, message_key=text_key)


def _checked_office(slug: str):
    """(office, None) when the visitor manages it, else (None, the response to send)."""
    user = logged_in_user()
    if user is None:
        return None, login_redirect()
    office = find_office(db(), slug)
    if office is None:
        return None, _refusal("unknown_office", 404)
    if not user.is_user or not user.manages(office.id):
        return None, _refusal("forbidden", 403)
    return office, None


@blueprint.get("/dashboard")
def home():
    """Managers go to their office; province managers and admins see the province."""
    user = logged_in_user()
    if user is None:
        return login_redirect()
    if user.oversees_province:
        return _page("dashboard.province.html", config=_province_config())
    office = db().get(Office, user.office_id) if user.office_id else None
    if user.role is Role.MANAGER and office is not None and office.is_active:
        return redirect(url_for("dashboard.office_dashboard", slug=office.slug))
    return _refusal("forbidden", 403)


@blueprint.get("/dashboard/<slug>")
def office_dashboard(slug: str):
    """The live monitor, the reports with charts and exports, and the feedback inbox."""
    office, refusal = _checked_office(slug)
    if refusal is not None:
        return refusal
    listed = bookings_of_day(db(), office, local_day(now(), office.timezone))
    return _page("dashboard.html", office=office, config=_office_config(office),
                 booking_figures=figures_of_day(listed),
                 province_link=_oversees_province(),
                 clock=lambda moment: local_time(moment, office.timezone).strftime("%H:%M"))


def _oversees_province() -> bool:
    user = logged_in_user()
    return user is not None and user.oversees_province


def _is_province_manager() -> bool:
    user = logged_in_user()
    return user is not None and user.is_province_manager


@blueprint.get("/dashboard/<slug>/officers")
def officers_page(slug: str):
    """The monthly officer report as a printable page (?month=YYYY-MM)."""
    office, refusal = _checked_office(slug)
    if refusal is not None:
        return refusal
    month = request.args.get("month") or local_day(now(), office.timezone).isoformat()[:7]
    try:
        period = month_period(month)
    except DomainError:
        return _refusal("invalid_month", 400)
    reading()  # a month of tickets: never hold SQLite's write lock while reading them
    report = officer_report(db(), office, period)
    return _page("dashboard.officers.html", office=office, report=report, month=month,
                 reasons={code: names[0] for code, names in REASONS.items()})


def _labels(office: Office | None = None) -> dict:
    labels = {"reasons": both(REASONS), "ratings": both(RATINGS), "visits": both(VISITS),
              "criteria": both(CRITERIA_NAMES),
              # The survey's order: the page's JSON sorts keys.
              "criteria_order": list(CRITERIA_NAMES), "outcome_order": list(OUTCOMES)}
    if office is not None:
        labels["outcomes"] = {code: {language: outcome_labels(office, language)[code]
                                     for language in ("vi", "en")} for code in OUTCOMES}
    return labels


def _office_config(office: Office) -> dict:
    """What the script needs besides the API: names, URLs, strings, the office's people."""
    language = page_language()
    today = local_day(now(), office.timezone).isoformat()
    people = db().scalars(select(User).where(
        User.office_id == office.id, User.is_active).order_by(User.username)).all()
    return {
        "office": office.slug, "office_name": office.name, "language": language,
        "locale": BROWSER_LOCALES[language],
        "today": today, "api": f"/api/v1/offices/{office.slug}",
        "login": url_for("login.login_page", next=f"/dashboard/{office.slug}"),
        "officers_page": url_for("dashboard.officers_page", slug=office.slug),
        "services": [{"code": s.code, "name": s.name} for s in office.services],
        "counters": [{"number": c.number, "name": c.name} for c in office.counters],
        "people": [{"username": u.username, "name": u.full_name or u.username,
                    "role": u.role.value} for u in people],
        "target_working_days": office.feedback_target_days,
        # A province manager reads; answering the office's citizens is the office's work.
        "read_only": _is_province_manager(),
        "labels": _labels(office), "texts": texts("dashboard", language),
        "definitions": [{"term": term, "text": vi if language == "vi" else en}
                        for term, vi, en in DEFINITIONS],
    }


def _province_config() -> dict:
    language = page_language()
    first = db().scalar(select(Office).where(Office.is_active).order_by(Office.name))
    today = local_day(now(), first.timezone if first else "Asia/Ho_Chi_Minh").isoformat()
    return {"language": language, "locale": BROWSER_LOCALES[language], "today": today,
            "api": "/api/v1/stats", "monitor": "/api/v1/monitor",
            "login": url_for("login.login_page", next="/dashboard"),
            "texts": texts("dashboard", language)}
