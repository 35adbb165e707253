"""/admin: an office's procedure catalogue: find one, edit it and its documents, print its
A4 poster (the public page with a QR code)."""

from __future__ import annotations

from flask import request, url_for
from sqlalchemy import select

from queue_server.core.request_context import db, now
from queue_server.models import Office, Procedure
from queue_server.procedures import catalogue
from queue_server.setup.procedure_edits import procedure_values, update_procedure
from queue_server.web.admin.pages import (
    Visitor,
    admin_page,
    attempt,
    blueprint,
    changed,
    form_errors,
    form_values,
    not_found,
    refusal_status,
    render,
    saved,
)

LISTED = 200


@blueprint.get("/admin/offices/<slug>/procedures")
@admin_page()
def procedures(visitor: Visitor, office: Office):
    """The catalogue, searched like the kiosk does, hidden procedures last."""
    query = request.args.get("q", "")[:catalogue.MAX_QUERY_LENGTH]
    found = _listed(office, query)
    return render("admin.procedures.html", visitor, office=office, section="procedures",
                  found=found, query=query, limit=LISTED)


def _listed(office: Office, query: str) -> list[Procedure]:
    if query.strip():
        return catalogue.search(db(), office, query, limit=LISTED)
    return list(db().scalars(select(Procedure).where(Procedure.office_id == office.id)
                             .order_by(Procedure.is_hidden, Procedure.field, Procedure.name)
                             .limit(LISTED)))


def _find(office: Office, code: str) -> Procedure | None:
    return db().scalar(select(Procedure).where(Procedure.office_id == office.id,
                                               Procedure.code == code))


def _form(visitor: Visitor, office: Office, procedure: Procedure, values, errors: dict,
          status: int = 200):
    services = [service for service in office.services if service.is_active]
    return render("admin.procedure.html", visitor, status, office=office,
                  section="procedures", procedure=procedure, values=values, errors=errors,
                  service_options=[(s.code, s.name) for s in services])


@blueprint.get("/admin/offices/<slug>/procedures/<code>")
@admin_page()
def procedure_page(visitor: Visitor, office: Office, code: str):
    """One procedure's form."""
    procedure = _find(office, code)
    if procedure is None:
        return not_found()
    return _form(visitor, office, procedure, procedure_values(procedure), {})


@blueprint.post("/admin/offices/<slug>/procedures/<code>")
@admin_page()
def update_procedure_page(visitor: Visitor, office: Office, code: str):
    """Save a procedure; kiosks and phones read the new text at once."""
    procedure = _find(office, code)
    if procedure is None:
        return not_found()
    is_changed, error = attempt(lambda: update_procedure(
        db(), procedure, form_values(), now=now(), by=visitor.changer))
    if error is not None:
        return _form(visitor, office, procedure, request.form, form_errors(error),
                     refusal_status(error))
    changed(office, is_changed)
    return saved(url_for("admin.procedures", slug=office.slug), is_changed)
