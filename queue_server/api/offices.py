"""Offices: the service list, the board and issuing tickets."""

import threading

from flask import jsonify, request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from queue_server.api import printing
from queue_server.api.blueprint import api
from queue_server.api.common import json_body, office_or_404, read_fields
from queue_server.core.clock import local_day
from queue_server.core.db import commit_then_read
from queue_server.core.errors import Forbidden, InvalidInput
from queue_server.core.request_context import db, now, public_url
from queue_server.edge.callers import actor_of, principal, require_staff_of
from queue_server.edge.citizens import citizen_keys
from queue_server.edge.guard import public
from queue_server.models import Channel, DeviceKind, Office, Procedure, Ticket
from queue_server.printing.jobs import serving_printer
from queue_server.privacy.citizens import Scan, scan_card
from queue_server.procedures.catalogue import procedure_for_ticket
from queue_server.realtime import broadcasts
from queue_server.setup.offices import is_served
from queue_server.tickets import lifecycle
from queue_server.tickets.board import board_snapshot
from queue_server.tickets.queue_state import load_queue
from queue_server.tickets.serialize import ticket_json


@api.get("/offices")
@public
def list_offices():
    """Every active office: slug and name (public)."""
    offices = db().scalars(select(Office).where(Office.is_active).order_by(Office.slug))
    return jsonify([{"slug": o.slug, "name": o.name} for o in offices])


@api.get("/offices/<slug>/services")
@public
def list_services(slug: str):
    """Each active service with whether it takes tickets now, its queue and its forecast."""
    office = office_or_404(slug)
    is_open = lifecycle.schedule_of(office).is_open(now())
    state = load_queue(db(), office, now())
    waiting = state.waiting()
    result = []
    for service in office.services:
        if not service.is_active:
            continue
        forecast = state.forecast_new(service.id)
        result.append({
            "code": service.code, "name": service.name,
            "name_en": service.name_en or service.name, "prefix": service.prefix,
            "is_open": is_open and is_served(service) and not service.is_closed,
            "waiting": waiting.get(service.code, 0),
            "estimated_wait_s": forecast.estimated_wait_s,
            "counters": [c.number for c in service.counters if c.is_active],
            "bookable": service.booking_capacity > 0,
        })
    return jsonify(result)


@api.get("/offices/<slug>/priorities")
@public
def list_priorities(slug: str):
    """The office's priority categories (for the kiosk's priority path)."""
    office = office_or_404(slug)
    return jsonify([{"code": p.code, "name": p.name, "name_en": p.name_en or p.name}
                    for p in office.priorities if p.is_active])


@api.get("/offices/<slug>/board")
@public
def get_board(slug: str):
    """The waiting-room display's snapshot."""
    office = office_or_404(slug)
    return jsonify(board_snapshot(db(), office, now()))


# Issues of one office take turns within a process (offices share 64 locks, so the set
# stays bounded whatever slugs arrive). Without turns, two concurrent issues at one office
# on PostgreSQL each committed past the version the other read, and both threw the office's
# cached queue away: four queries and a replan for the next issue instead of none. The
# database serialises them anyway, on the service's number and the office's version.
_ISSUE_TURNS = [threading.Lock() for _ in range(64)]
# A turn takes milliseconds. Past this wait the database is stuck: go on without the turn
# (it only keeps the cache warm) rather than stack each request's timeout behind another's.
ISSUE_TURN_WAIT_S = 1.0


@api.post("/offices/<slug>/tickets")
def issue_ticket(slug: str):
    """Issue a ticket (kiosk device of the office, or staff and up)."""
    turn = _ISSUE_TURNS[hash(slug) % len(_ISSUE_TURNS)]
    has_turn = turn.acquire(timeout=ISSUE_TURN_WAIT_S)
    try:
        return _issue_ticket(slug)
    finally:
        if has_turn:
            turn.release()


def _issue_ticket(slug: str):
    office = office_or_404(slug)
    caller = _issuer_of(office)
    fields = read_fields(json_body(), {}, {"service": str, "priority": str, "procedure": str,
                                           "citizen_id_qr": str})
    service_code, procedure = _service_and_procedure(office, fields)
    key = _idempotency_key(caller)
    issued = printing.IssuePrint(None, None)
    moment = now()  # one instant for the queue read, the ticket and its forecast
    scan = _scan(office, caller, fields.pop("citizen_id_qr"), moment)
    state = load_queue(db(), office, moment)
    try:
        ticket = lifecycle.issue_ticket(
            db(), office, service_code, now=moment, actor=actor_of(caller),
            priority_code=fields["priority"] or (scan.priority_code if scan else None),
            idempotency_key=key, procedure=procedure,
            channel=Channel.KIOSK if caller.is_device else Channel.COUNTER,
            citizen_hash=scan.citizen_hash if scan else None,
            age_band=scan.age_band if scan else None)
        # The print job joins the ticket's transaction; the slip shows the answer's forecast.
        forecast, state = state.with_issued(db(), ticket)
        issued = printing.queue_print(ticket, forecast)
        commit_then_read(db())
    except IntegrityError:
        # Two retries with one key raced on PostgreSQL: the loser returns the winner's ticket.
        db().rollback()
        winner = db().scalar(select(Ticket).where(
            Ticket.office_id == office.id, Ticket.idempotency_key == key)) if key else None
        if winner is None:
            raise
        ticket = winner
        state = load_queue(db(), office, moment)
        forecast = state.forecast(ticket)
        issued = printing.IssuePrint(
            serving_printer(db(), ticket.office_id, ticket.kiosk_id), None)
    broadcasts.ticket_issued(ticket, state)
    printing.announce(issued)
    body = ticket_json(ticket, forecast, public_url(), state.counter_numbers(ticket.service_id))
    return jsonify({**body, "print": printing.print_field(ticket, issued)}), 201


def _scan(office: Office, caller, text: str | None, moment) -> Scan | None:
    """The card scanned at the kiosk (kiosk devices only); the text goes no further."""
    if text is None:
        return None
    if not caller.is_device:
        raise Forbidden("forbidden")
    return scan_card(db(), office, text, citizen_keys(), today=local_day(moment, office.timezone))


def _service_and_procedure(office: Office, fields: dict) -> tuple[str, Procedure | None]:
    """The service asked for, or the one handling the procedure asked for."""
    if fields["procedure"] is None:
        if fields["service"] is None:
            raise InvalidInput("invalid_field", field="service", reason="required")
        return fields["service"], None
    procedure = procedure_for_ticket(db(), office, fields["procedure"])
    if fields["service"] not in (None, procedure.service.code):
        raise InvalidInput("invalid_field", field="service",
                           reason="not the service of the procedure")
    return procedure.service.code, procedure


def _issuer_of(office: Office):
    caller = principal()
    if caller.is_device:
        if caller.device_kind is not DeviceKind.KIOSK or caller.office_id != office.id:
            raise Forbidden("forbidden")
        return caller
    return require_staff_of(office)


def _idempotency_key(caller) -> str | None:
    raw = request.headers.get("Idempotency-Key")
    if raw is None:
        return None
    raw = raw.strip()
    if not 1 <= len(raw) <= 100:
        raise InvalidInput("invalid_idempotency_key")
    # Scoped to the caller, so one kiosk's key can never return another's ticket.
    owner = f"d{caller.device_id}" if caller.is_device else f"u{caller.user_id}"
    return f"{owner}:{raw}"
