"""/admin home and offices: choose an office, create one, edit its settings."""


from __future__ import annotations

from flask import redirect, request, url_for

from queue_server.core.request_context import db, now
from queue_server.models import Office, OfficeFileState
from queue_server.setup import offices as office_setup
from queue_server.setup.fields import outcome_labels_lines, rating_form_lines
from queue_server.web.admin.pages import (
    Visitor,
    admin_page,
    attempt,
    blueprint,
    changed,
    done,
    form_errors,
    form_values,
    offices_of,
    refusal_status,
    render,
    saved,
)

# ---- home and offices ----

@blueprint.get("/admin")
@admin_page()
def home(visitor: Visitor):
    """Admins choose an office; a manager goes straight to theirs."""
    offices = offices_of(visitor)
    if not visitor.is_admin and len(offices) == 1:
        return redirect(url_for("admin.office_page", slug=offices[0].slug))
    return render("admin.home.html", visitor, offices=offices)


@blueprint.get("/admin/offices/new")
@admin_page(admins_only=True)
def new_office(visitor: Visitor):
    """The form for a new office."""
    defaults = office_setup.NEW_OFFICE_DEFAULTS
    return render("admin.office_new.html", visitor, values=defaults, errors={})


@blueprint.post("/admin/offices")
@admin_page(admins_only=True)
def create_office(visitor: Visitor):
    """Create an office, then go to its services."""
    office, error = attempt(lambda: office_setup.create_office(db(), form_values(), now=now(),
                                                       by=visitor.changer))
    if error is not None:
        return render("admin.office_new.html", visitor, refusal_status(error),
                      values=request.form, errors=form_errors(error))
    return done(url_for("admin.services", slug=office.slug), "created")


@blueprint.get("/admin/offices/<slug>")
@admin_page()
def office_page(visitor: Visitor, office: Office):
    """The office's settings."""
    return _office_form(visitor, office, admin_values(office), {})


@blueprint.post("/admin/offices/<slug>")
@admin_page()
def update_office(visitor: Visitor, office: Office):
    """Save the office's settings."""
    is_changed, error = attempt(lambda: office_setup.update_office(db(), office, form_values(),
                                                           now=now(), by=visitor.changer))
    if error is not None:
        return _office_form(visitor, office, request.form, form_errors(error),
                            refusal_status(error))
    changed(office, is_changed)
    return saved(url_for("admin.office_page", slug=office.slug), is_changed)


def _office_form(visitor: Visitor, office: Office, values, errors: dict, status: int = 200):
    in_file = db().get(OfficeFileState, office.id) is not None
    return render("admin.office.html", visitor, status, office=office, section="settings",
                  values=values, errors=errors, in_file=in_file)


def admin_values(office: Office) -> dict[str, object]:
    """The office's settings as the form shows them."""
    values = {name: getattr(office, name) for name in office_setup.OFFICE_LOGGED}
    values["priority_mode"] = office.priority_mode.value
    values["holidays"] = "\n".join(_day_month_year(day) for day in office.holidays)
    values["require_outcome"] = "yes" if office.require_outcome else "no"
    values["rating_form"] = rating_form_lines(office.rating_form)
    values["outcome_labels"] = outcome_labels_lines(office.outcome_labels or {})
    return values


def _day_month_year(iso_day: str) -> str:
    year, month, day = iso_day.split("-")
    return f"{day}/{month}/{year}"


