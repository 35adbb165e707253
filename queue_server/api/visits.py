"""The visit: its outcome and dossier codes corrected, a dossier's history across offices, and
the visits feed for the province's one-stop system (JSON, CSV, XLSX)."""

from __future__ import annotations

from flask import jsonify, request

from queue_server.api import openapi
from queue_server.api.blueprint import api
from queue_server.api.common import json_body, office_or_404, read_fields, refuse_unknown_parameters
from queue_server.api.stats import download, read_period, require_manager_of
from queue_server.core.db import commit_then_read
from queue_server.core.errors import Forbidden, InvalidInput, NotFound
from queue_server.core.request_context import db, now, public_url, reading
from queue_server.edge.callers import actor_of, principal, require_staff_of
from queue_server.models import DeviceKind, Office
from queue_server.realtime import broadcasts
from queue_server.reports import spreadsheets
from queue_server.tickets.queue_state import find_ticket, load_queue
from queue_server.tickets.serialize import ticket_json
from queue_server.visits import feed, recording
from queue_server.visits.dossiers import MAX_CODE_LENGTH
from queue_server.visits.history import dossier_history

FORMATS = ("json", "csv", "xlsx")
MAX_TICKET_CODE_LENGTH = 64


@api.put("/tickets/<code>/visit")
def record_visit(code: str):
    """Record or correct a visit's outcome, dossier codes and missing documents (staff of its
    office; logged); the citizen's ticket page follows."""
    ticket = find_ticket(db(), code) if len(code) <= MAX_TICKET_CODE_LENGTH else None
    if ticket is None:
        raise NotFound("ticket_not_found")
    caller = require_staff_of(ticket.office)
    fields = read_fields(json_body(), {}, {"outcome": str, "dossiers": list, "missing": list})
    recording.record_visit(db(), ticket, outcome=fields["outcome"], dossiers=fields["dossiers"],
                           missing=fields["missing"], now=now(), actor=actor_of(caller))
    commit_then_read(db())
    if fields["missing"] is not None or fields["outcome"] is not None:
        broadcasts.ticket_updated(ticket, load_queue(db(), ticket.office, now()))
    return jsonify(ticket_json(ticket, None, public_url()))


@api.get("/dossiers/<path:dossier>")
def get_dossier(dossier: str):
    """A dossier's finished visits at every office, oldest first (staff and up); 404 unseen."""
    caller = principal()
    if not caller.is_user:
        raise Forbidden("forbidden")
    history = dossier_history(db(), dossier) if len(dossier) <= MAX_CODE_LENGTH else None
    if history is None:
        raise NotFound("unknown_dossier", dossier=dossier[:MAX_CODE_LENGTH])
    return jsonify(history)


def _require_feed_reader(office: Office) -> None:
    caller = principal()
    if caller.device_kind is DeviceKind.INTEGRATION:
        if caller.office_id != office.id:
            raise Forbidden("wrong_office")
        return
    require_manager_of(office)


@api.get("/offices/<slug>/visits")
def office_visits(slug: str):
    """Finished and absent tickets of the period with dossiers, outcome, times and rating
    (manager, admin, or the office's integration token); ?format=csv|xlsx."""
    office = office_or_404(slug)
    _require_feed_reader(office)
    refuse_unknown_parameters({"from", "to", "format"})
    kind = request.args.get("format", "json")
    if kind not in FORMATS:
        raise InvalidInput("unknown_format", format=kind, known=", ".join(FORMATS))
    period = read_period(office.timezone)
    reading()
    visits = feed.visits_between(db(), office, period.first, period.last)
    if kind == "json":
        return jsonify(visits)
    table = spreadsheets.Table("Luot-tiep-nhan", list(feed.COLUMNS),
                               [feed.flat_row(visit) for visit in visits])
    name = f"luot-{office.slug}-{period.first.isoformat()}-{period.last.isoformat()}.{kind}"
    if kind == "csv":
        return download(spreadsheets.table_csv(table), spreadsheets.CSV_TYPE, name)
    return download(spreadsheets.xlsx_bytes([table]), spreadsheets.XLSX_TYPE, name)


_VISIT_BODY = {"required": True, "content": {"application/json": {
    "schema": {"$ref": "#/components/schemas/Visit"}}}}
openapi.document_paths({
    "/api/v1/tickets/{code}/visit": {"put": {
        **openapi.operation(
            "Record or correct the outcome and dossier codes of a called or finished ticket "
            "(staff of its office; logged with before and after)",
            {200: "Ticket", **dict.fromkeys((400, 401, 403, 404, 409), openapi.ERROR)},
            secure=True, parameters=[openapi.path_param("code")]),
        "requestBody": _VISIT_BODY}},
    "/api/v1/dossiers/{dossier}": {"get": openapi.operation(
        "A dossier's finished visits at every office of the server, oldest first (staff "
        "and up): dossier, contacts, visits [office, number, service, outcome, counter, "
        "officer, finished_at]", {200: "history", **dict.fromkeys((401, 403, 404),
                                                                    openapi.ERROR)},
        secure=True, parameters=[openapi.path_param("dossier")])},
    "/api/v1/offices/{office}/visits": {"get": openapi.operation(
        "The visits feed: finished and no-show tickets of the period with dossiers, outcome, "
        "times, wait and service seconds, officer, counter and rating with its answers "
        "(manager, admin, integration token); format=json (default), csv or xlsx",
        {200: "visits", **dict.fromkeys((400, 401, 403, 404), openapi.ERROR)}, secure=True,
        parameters=[openapi.path_param("office"),
                    *({"name": name, "in": "query", "required": False,
                       "schema": {"type": "string"}} for name in ("from", "to", "format"))])},
})
