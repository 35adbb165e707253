"""The procedure catalogue: search and read (public), print a checklist (kiosk or staff)."""

from __future__ import annotations

from flask import jsonify, request

from queue_server.api import openapi, printing
from queue_server.api.blueprint import api
from queue_server.api.common import json_body, office_or_404, read_fields, refuse_unknown_parameters
from queue_server.api.stats import read_period, require_manager_of
from queue_server.core.errors import Forbidden
from queue_server.core.request_context import db, now, public_url, reading
from queue_server.edge.callers import principal, require_staff_of
from queue_server.edge.guard import public
from queue_server.models import DeviceKind, Office, Procedure
from queue_server.printing import jobs as print_jobs
from queue_server.printing.slips import build_checklist_slip
from queue_server.procedures import catalogue
from queue_server.reports.procedures import procedure_report
from queue_server.setup.offices import is_served
from queue_server.tickets import lifecycle
from queue_server.tickets.queue_state import load_queue


@api.get("/offices/<slug>/procedures")
@public
def list_procedures(slug: str):
    """The office's procedures matching q (any words, diacritics optional), best first."""
    office = office_or_404(slug)
    refuse_unknown_parameters({"q", "field"})
    found = catalogue.search(db(), office, request.args.get("q", ""),
                             request.args.get("field") or None)
    return jsonify([catalogue.procedure_json(procedure) for procedure in found])


@api.get("/offices/<slug>/procedure-fields")
@public
def list_procedure_fields(slug: str):
    """The catalogue's fields (lĩnh vực) with their number of procedures, for browsing."""
    office = office_or_404(slug)
    return jsonify([{"name": field.name, "count": field.count}
                    for field in catalogue.fields_of(db(), office)])


@api.get("/offices/<slug>/procedures/<code>")
@public
def get_procedure(slug: str, code: str):
    """One procedure with everything, and the current wait at the service that handles it."""
    office = office_or_404(slug)
    procedure = catalogue.procedure_or_404(db(), office, code)
    return jsonify({**catalogue.procedure_json(procedure, is_full=True),
                    "page_url": page_url(office, procedure), **_queue_of(office, procedure)})


def _queue_of(office: Office, procedure: Procedure) -> dict:
    service = procedure.service
    moment = now()
    state = load_queue(db(), office, moment)
    is_open = (lifecycle.schedule_of(office).is_open(moment) and is_served(service)
               and not service.is_closed and service.is_active)
    return {"is_open": is_open, "waiting": state.waiting().get(service.code, 0),
            "estimated_wait_s": state.forecast_new(service.id).estimated_wait_s}


def page_url(office: Office, procedure: Procedure) -> str:
    """The procedure's public page, the address in its QR codes."""
    return f"{public_url()}/thu-tuc/{office.slug}/{procedure.code}"


@api.post("/offices/<slug>/procedures/<code>/print")
def print_checklist(slug: str, code: str):
    """Print the procedure's checklist on the printer serving this kiosk (kiosk or staff)."""
    office = office_or_404(slug)
    caller = principal()
    if caller.is_device:
        if caller.device_kind is not DeviceKind.KIOSK or caller.office_id != office.id:
            raise Forbidden("forbidden")
    else:
        caller = require_staff_of(office)
    read_fields(json_body(), {}, {})
    procedure = catalogue.procedure_or_404(db(), office, code)
    slip = build_checklist_slip(procedure, page_url(office, procedure), now=now())
    job = print_jobs.queue_checklist_print(
        db(), office, caller.device_id if caller.is_device else None, slip.to_dict(),
        now=now(), user_id=caller.user_id)
    db().commit()
    printing.announce(printing.IssuePrint(job.printer, job))
    return jsonify({"print": print_jobs.job_outcome(db(), job, now=now())}), 201


@api.get("/offices/<slug>/stats/procedures")
def procedure_stats(slug: str):
    """Tickets, outcomes and waits per procedure for a period (manager of the office, admin)."""
    office = office_or_404(slug)
    require_manager_of(office)
    refuse_unknown_parameters({"from", "to"})
    period = read_period(office.timezone)
    reading()
    return jsonify(procedure_report(db(), office, period))


def _documentation() -> dict:
    office, code = openapi.path_param("office"), openapi.path_param("code")
    query = [{"name": name, "in": "query", "required": False, "schema": {"type": "string"},
              "description": text} for name, text in [
        ("q", "words in any order; diacritics and case optional"),
        ("field", "only this field (lĩnh vực), as listed by procedure-fields")]]
    errors = dict.fromkeys((400, 401, 403, 404, 409), openapi.ERROR)
    return {
        "/api/v1/offices/{office}/procedures": {"get": openapi.operation(
            "Search the office's procedures, best match first (public)",
            {200: "list of code, name, field, service, documents, processing_time, fees",
             400: openapi.ERROR, 404: openapi.ERROR}, parameters=[office, *query])},
        "/api/v1/offices/{office}/procedure-fields": {"get": openapi.operation(
            "The catalogue's fields with how many procedures each has (public)",
            {200: "list of name, count", 404: openapi.ERROR}, parameters=[office])},
        "/api/v1/offices/{office}/procedures/{code}": {"get": openapi.operation(
            "One procedure with forms, legal basis, counters and the current wait (public)",
            {200: "the procedure", 404: openapi.ERROR}, parameters=[office, code])},
        "/api/v1/offices/{office}/stats/procedures": {"get": openapi.operation(
            "Per procedure for a period, the most often sent back to complete first: issued, "
            "called, served, no_show, cancelled, no_show_share, outcomes {code: served "
            "tickets}, supplement, supplement_share (of served), missing [{document, count, "
            "share}] (the documents most often missing), wait_s {mean, p50, p90, max} "
            "(manager, admin)",
            {200: "office, from, to, by_procedure", **errors}, secure=True,
            parameters=[office, *[{"name": name, "in": "query", "required": False,
                                   "schema": {"type": "string", "format": "date"}}
                                  for name in ("from", "to")]])},
        "/api/v1/offices/{office}/procedures/{code}/print": {"post": openapi.operation(
            "Print the procedure's checklist on the kiosk's printer (kiosk device or staff)",
            {201: "print: status, printer, job", **errors}, secure=True,
            parameters=[office, code])},
    }


openapi.document_paths(_documentation())
