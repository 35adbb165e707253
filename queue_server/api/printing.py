"""Printing: agents acknowledge jobs and report printer state; staff reprint and watch printers."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import Response, jsonify, request

from printer.profiles import get_profile
from queue_server.api import openapi
from queue_server.api.blueprint import api
from queue_server.api.common import json_body, office_or_404, read_fields
from queue_server.core.errors import Forbidden, InvalidInput, NotFound
from queue_server.core.request_context import db, now, public_url
from queue_server.edge.callers import principal, require_staff_of
from queue_server.edge.guard import public
from queue_server.models import Device, DeviceKind, PrinterState, PrintJob, Ticket
from queue_server.printing import jobs as print_jobs
from queue_server.printing.slips import build_missing_slip, build_slip
from queue_server.realtime import broadcasts
from queue_server.tickets.forecast import Forecast
from queue_server.tickets.queue_state import find_ticket, ticket_forecast

log = logging.getLogger(__name__)

MAX_CODE_LENGTH = 64
PREVIEW_PROFILE = "80mm"


# Used by the issue view (offices.py): the job joins the ticket's transaction.

@dataclass(frozen=True)
class IssuePrint:
    """Which printer serves a just-issued ticket, and its job (None: none, or it failed)."""

    printer: Device | None
    job: PrintJob | None


def queue_print(ticket: Ticket, forecast: Forecast | None) -> IssuePrint:
    """Add the ticket's print job to the open transaction; a failure never stops the issue."""
    session = db()
    printer = print_jobs.serving_printer(session, ticket.office_id, ticket.kiosk_id)
    if printer is None:
        return IssuePrint(None, None)  # most counters' desks: no slip to build at all
    try:
        with session.begin_nested():
            slip = _slip_of(ticket, forecast)
            job = print_jobs.queue_ticket_print(session, ticket, slip, now=now(), printer=printer)
            return IssuePrint(printer, job)
    except Exception:  # the ticket matters more than its paper copy
        log.exception("could not queue the print of ticket %s", ticket.number)
        return IssuePrint(printer, None)


def print_field(ticket: Ticket, issued: IssuePrint) -> dict:
    """The issue answer's "print" object (read after commit)."""
    if issued.printer is None:
        return {"status": "no_printer"}
    return print_jobs.print_outcome(db(), ticket, now=now(), job=issued.job)


def announce(issued: IssuePrint) -> None:
    """Hand a committed job to its printer's agent, if one listens."""
    if issued.job is not None:
        broadcasts.print_job_queued(issued.job)


def _slip_of(ticket: Ticket, forecast: Forecast | None) -> dict:
    track_url = f"{public_url()}/t/{ticket.code}"
    return build_slip(ticket, forecast, track_url).to_dict()


def _ticket_or_404(code: str) -> Ticket:
    ticket = find_ticket(db(), code) if len(code) <= MAX_CODE_LENGTH else None
    if ticket is None:
        raise NotFound("ticket_not_found")
    return ticket


def _printer_caller() -> Device:
    """The printer device behind the bearer token; 403 for anyone else."""
    caller = principal()
    if caller.device_kind is not DeviceKind.PRINTER:
        raise Forbidden("not_a_printer")
    printer = db().get(Device, caller.device_id)
    assert printer is not None  # its token has just been checked
    return printer


@api.post("/print-jobs/<int:job_id>/ack")
def acknowledge_print_job(job_id: int):
    """The agent's outcome for one job: printed, or failed with the reason."""
    printer = _printer_caller()
    fields = read_fields(json_body(), {"status": str}, {"error": str})
    if fields["status"] not in ("printed", "failed"):
        raise InvalidInput("invalid_field", field="status", reason="printed or failed")
    job = print_jobs.acknowledge_job(db(), printer, job_id, printed=fields["status"] == "printed",
                                   error=fields["error"], now=now())
    db().commit()
    return jsonify({"id": job.id, "status": job.status.value, "attempts": job.attempts})


@api.post("/printers/status")
def report_printer_status():
    """The agent's report on its printer (also its heartbeat); `job` counts a failed try."""
    printer = _printer_caller()
    fields = read_fields(json_body(), {"state": str}, {"error": str, "job": int})
    states = {state.value: state for state in PrinterState}
    if fields["state"] not in states:
        raise InvalidInput("invalid_field", field="state", reason="ok, error or paper_out")
    print_jobs.record_printer_status(db(), printer, states[fields["state"]], fields["error"],
                                   now=now(), job_id=fields["job"])
    db().commit()
    health = print_jobs.printer_health(db(), printer, now=now())
    return jsonify(print_jobs.health_json(health, printer.office.timezone))


@api.get("/offices/<slug>/printers")
def list_printers(slug: str):
    """The office's printers: state, last error, last report and unprinted jobs (staff)."""
    office = office_or_404(slug)
    require_staff_of(office)
    healths = print_jobs.office_printers(db(), office, now=now())
    return jsonify([print_jobs.health_json(health, office.timezone) for health in healths])


@api.post("/tickets/<code>/reprint")
def reprint_ticket(code: str):
    """Print a ticket again (staff of its office), optionally on a named printer."""
    ticket = _ticket_or_404(code)
    caller = require_staff_of(ticket.office)
    fields = read_fields(json_body(), {}, {"printer": str})
    slip = _slip_of(ticket, ticket_forecast(db(), ticket, now()))
    job = print_jobs.reprint_ticket(db(), ticket, slip, now=now(), user_id=caller.user_id,
                                  printer_name=fields["printer"])
    db().commit()
    announce(IssuePrint(job.printer, job))
    return jsonify({"print": print_jobs.print_outcome(db(), ticket, now=now(), job=job)}), 201


@api.post("/tickets/<code>/missing-slip")
def print_missing(code: str):
    """Print the documents the visit found missing, as a checklist slip (staff of its office),
    on a named printer or the one serving the ticket's kiosk."""
    ticket = _ticket_or_404(code)
    caller = require_staff_of(ticket.office)
    fields = read_fields(json_body(), {}, {"printer": str})
    slip = None
    if ticket.missing_documents and ticket.procedure is not None:
        page = f"{public_url()}/thu-tuc/{ticket.office.slug}/{ticket.procedure.code}"
        slip = build_missing_slip(ticket, page, now=now()).to_dict()
    job = print_jobs.queue_missing_print(db(), ticket, slip or {}, now=now(),
                                         user_id=caller.user_id, printer_name=fields["printer"])
    db().commit()
    announce(IssuePrint(job.printer, job))
    return jsonify({"print": print_jobs.job_outcome(db(), job, now=now())}), 201


@api.get("/tickets/<code>/slip.png")
@public
def slip_preview(code: str):
    """The ticket as the paper shows it (public: the code is the secret, as for the ticket)."""
    ticket = _ticket_or_404(code)
    name = request.args.get("profile", PREVIEW_PROFILE)
    try:
        profile = get_profile(name)
    except ValueError:
        raise InvalidInput("invalid_field", field="profile", reason="unknown profile") from None
    from printer.render import render_png  # Pillow and escpos load on first use

    slip = build_slip(ticket, ticket_forecast(db(), ticket, now()),
                      f"{public_url()}/t/{ticket.code}")
    response = Response(render_png(slip, profile), mimetype="image/png")
    # Private and fresh: the picture carries the secret link and the live position.
    response.cache_control.private = True
    response.cache_control.no_store = True
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _with_body(operation: dict, schema: dict, *, required: bool = True) -> dict:
    """An operation with an inline JSON request body."""
    content = {"application/json": {"schema": {"type": "object", **schema}}}
    return {**operation, "requestBody": {"required": required, "content": content}}


def _documentation() -> dict:
    code, office = openapi.path_param("code"), openapi.path_param("office")
    job = openapi.path_param("job_id", "integer")
    errors = dict.fromkeys((400, 401, 403, 404, 409), openapi.ERROR)
    string = {"type": "string"}
    return {
        "/api/v1/print-jobs/{job_id}/ack": {"post": _with_body(openapi.operation(
            "A print agent reports a job printed or failed (printer device token)",
            {200: "id, status, attempts", **errors}, secure=True, parameters=[job]),
            {"required": ["status"], "properties": {
                "status": {"enum": ["printed", "failed"]}, "error": string}})},
        "/api/v1/printers/status": {"post": _with_body(openapi.operation(
            "A print agent reports its printer's state; also its heartbeat",
            {200: "the printer's row as in the office's printer list", **errors}, secure=True),
            {"required": ["state"], "properties": {
                "state": {"enum": ["ok", "error", "paper_out"]}, "error": string,
                "job": {"type": "integer", "description": "a job that just failed to print"}}})},
        "/api/v1/offices/{office}/printers": {"get": openapi.operation(
            "The office's printers: name, kiosk, state, last error, last seen, pending jobs",
            {200: "list of printers", **errors}, secure=True, parameters=[office])},
        "/api/v1/tickets/{code}/reprint": {"post": _with_body(openapi.operation(
            "Print the ticket again (staff of its office)",
            {201: "print: status, printer, job", **errors}, secure=True, parameters=[code]),
            {"properties": {"printer": string}}, required=False)},
        "/api/v1/tickets/{code}/missing-slip": {"post": _with_body(openapi.operation(
            "Print the visit's missing documents as a checklist slip (staff of its office); "
            "409 nothing_missing, no_printer",
            {201: "print: status, printer, job", **errors}, secure=True, parameters=[code]),
            {"properties": {"printer": string}}, required=False)},
        "/api/v1/tickets/{code}/slip.png": {"get": openapi.operation(
            "The printed ticket as a PNG image (profile: 80mm, tm-t88, 58mm)",
            {200: {"description": "PNG image", "content": {"image/png": {"schema": string}}},
             400: openapi.ERROR, 404: openapi.ERROR},
            parameters=[code, {"name": "profile", "in": "query", "required": False,
                               "schema": string}])},
    }


openapi.document_paths(_documentation())
