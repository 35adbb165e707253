"""Appointments: the free slots, a booking held and confirmed by a code sent to the phone, its
cancellation, and the check-in at the kiosk that turns it into a ticket."""

from __future__ import annotations

import logging
import time
from datetime import date, datetime

from flask import current_app, jsonify, request

from queue_server.api import openapi, printing
from queue_server.api.blueprint import api
from queue_server.api.common import (
    json_body,
    office_or_404,
    read_fields,
    refuse_unknown_parameters,
)
from queue_server.booking import bookings
from queue_server.booking.check_in import check_in
from queue_server.booking.slots import slots_of
from queue_server.core.clock import iso_local, local_day
from queue_server.core.db import commit_then_read
from queue_server.core.errors import DomainError, Forbidden, InvalidInput, RateLimited
from queue_server.core.i18n import pick_language
from queue_server.core.request_context import db, now, public_url
from queue_server.edge.callers import actor_of, principal, require_staff_of
from queue_server.edge.citizens import citizen_keys
from queue_server.edge.guard import public
from queue_server.edge.limits import check_lookup, client_address, unknown_code
from queue_server.models import Booking, Channel, DeviceKind, Office, Service
from queue_server.notify import booking_messages, phones
from queue_server.privacy.card import read_id_number
from queue_server.privacy.citizens import check_in_by_card, scan_card
from queue_server.privacy.notices import BOOKING_CONSENT_VERSION, booking_consent
from queue_server.realtime import broadcasts, citizen_messages
from queue_server.security.limits import SlidingWindow
from queue_server.tickets.queue_state import load_queue
from queue_server.tickets.serialize import ticket_json

log = logging.getLogger(__name__)
# Codes asked from one address an hour: a family books for its elders, a flood is refused.
CODES_PER_ADDRESS = 20
CODES_WINDOW_S = 3600


def booking_json(booking: Booking) -> dict:
    """The contract's Booking object."""
    zone = booking.office.timezone
    return {"code": booking.code, "office": booking.office.slug,
            "office_name": booking.office.name, "office_address": booking.office.address,
            "service": booking.service.code,
            "service_name": booking.service.name, "start": iso_local(booking.starts_at, zone),
            "end": iso_local(booking.ends_at, zone), "status": booking.status.value,
            "manage_url": f"{public_url()}/lich-hen/{booking.code}"}


def _service_of(office: Office, code: str) -> Service:
    for service in office.services:
        if service.code == code and service.is_active:
            return service
    raise InvalidInput("unknown_service", service=code)


@api.get("/offices/<slug>/slots")
@public
def list_slots(slug: str):
    """The free places of a service on a day (public)."""
    refuse_unknown_parameters({"service", "date"})
    office = office_or_404(slug)
    service = _service_of(office, request.args.get("service", ""))
    try:
        day = date.fromisoformat(request.args.get("date", ""))
    except ValueError:
        raise InvalidInput("invalid_field", field="date", reason="YYYY-MM-DD") from None
    zone = office.timezone
    return jsonify([{"start": iso_local(slot.start, zone), "end": iso_local(slot.end, zone),
                     "capacity": slot.capacity, "free": slot.free}
                    for slot in slots_of(db(), office, service, day, now())])


def _code_limits() -> SlidingWindow:
    found: SlidingWindow = current_app.extensions.setdefault(
        "booking_codes", SlidingWindow(CODES_PER_ADDRESS, CODES_WINDOW_S))
    return found


@api.post("/offices/<slug>/bookings")
@public
def create_booking(slug: str):
    """Hold a slot for a phone and send it a one-time code (public)."""
    office = office_or_404(slug)
    fields = read_fields(json_body(), {"service": str, "start": str, "phone": str},
                         {"citizen_id": str})
    phone = phones.normalize_phone(fields["phone"])
    # Given by choice, to check in with the card: only its keyed hash is kept.
    citizen_hash = (citizen_keys().hash(read_id_number(fields["citizen_id"]))
                    if fields["citizen_id"] else None)
    try:
        start = datetime.fromisoformat(fields["start"])
    except ValueError:
        raise InvalidInput("slot_not_offered") from None
    if start.tzinfo is None:
        raise InvalidInput("slot_not_offered")
    limits, address = _code_limits(), client_address()
    wait = limits.retry_after(address, time.monotonic())
    if wait is not None:
        raise RateLimited(wait, "too_many_codes", seconds=wait)
    language = pick_language(request.headers.get("Accept-Language"))
    consent = bookings.Consent(booking_consent(office, language), BOOKING_CONSENT_VERSION)
    held = bookings.hold(db(), office, fields["service"], start, phone, now=now(),
                         citizen_hash=citizen_hash, consent=consent)
    db().commit()
    limits.hit(address, time.monotonic())
    _send(held.booking, "booking_otp", booking_messages.otp_data(held.booking, held.otp))
    return jsonify({"booking": held.booking.hold_id,
                    "expires_at": iso_local(held.booking.otp_expires_at, office.timezone)}), 202


@api.post("/bookings/<booking>/confirm")
@public
def confirm_booking(booking: str):
    """Confirm a held booking with the code the phone received (public)."""
    fields = read_fields(json_body(), {"otp": str}, {})
    check_lookup()
    try:
        confirmed = bookings.confirm(db(), booking, fields["otp"], now=now())
    except DomainError as refusal:
        db().commit()  # the wrong code counts
        if refusal.code == "booking_not_found":
            unknown_code()
        raise
    db().commit()
    _send(confirmed, "booking", booking_messages.booking_data(confirmed),
          dedupe_key=f"booking:{confirmed.id}")
    return jsonify(booking_json(confirmed)), 201


@api.get("/bookings/<code>")
@public
def get_booking(code: str):
    """A booking by its code (public, the code is the secret)."""
    return jsonify(booking_json(_booking_or_count(code)))


@api.delete("/bookings/<code>")
@public
def cancel_booking(code: str):
    """Cancel a booking by its code; its place is free again (public)."""
    booking = _booking_or_count(code)
    bookings.cancel(db(), booking.code, now=now())
    db().commit()
    return jsonify(booking_json(booking))


def _booking_or_count(code: str) -> Booking:
    check_lookup()
    try:
        return bookings.by_code(db(), code)
    except DomainError:
        unknown_code()
        raise


def _kiosk_or_staff_of(office: Office):
    caller = principal()
    if caller.is_device:
        if caller.device_kind is not DeviceKind.KIOSK or caller.office_id != office.id:
            raise Forbidden("forbidden")
        return caller
    return require_staff_of(office)


@api.post("/offices/<slug>/check-ins")
def create_check_in(slug: str):
    """Check a booking in: its ticket, ahead of the walk-ins within its window."""
    office = office_or_404(slug)
    caller = _kiosk_or_staff_of(office)
    fields = read_fields(json_body(), {}, {"booking": str, "citizen_id_qr": str})
    moment = now()
    state = load_queue(db(), office, moment)
    channel = Channel.KIOSK if caller.is_device else Channel.COUNTER
    if fields["booking"] is not None:
        ticket = check_in(db(), office, fields["booking"], now=moment, actor=actor_of(caller),
                          channel=channel)
    elif fields["citizen_id_qr"] is not None and caller.is_device:
        scan = scan_card(db(), office, fields["citizen_id_qr"], citizen_keys(),
                         today=local_day(moment, office.timezone))
        ticket = check_in_by_card(db(), office, scan, now=moment, actor=actor_of(caller),
                                  channel=channel)
    else:
        raise InvalidInput("invalid_field", field="booking", reason="required")
    forecast, state = state.with_issued(db(), ticket)
    issued = printing.queue_print(ticket, forecast)
    commit_then_read(db())
    broadcasts.ticket_issued(ticket, state)
    printing.announce(issued)
    body = ticket_json(ticket, forecast, public_url(), state.counter_numbers(ticket.service_id))
    return jsonify({**body, "print": printing.print_field(ticket, issued)}), 201


def _send(booking: Booking, kind: str, data: dict[str, object],
          dedupe_key: str | None = None) -> None:
    """Queue a message to the booking's phone after the commit; the demo logs it instead."""
    prefix = dedupe_key.rsplit(":", 1)[0] if dedupe_key else None
    citizen_messages.booking_messages_after_commit([booking.id], kind, lambda _again: data,
                                                   prefix)


_BOOKING = {"description": "the booking: code, office, service, start, end, status,"
                           " manage_url"}
_ERRORS = dict.fromkeys((400, 404, 409, 429), openapi.ERROR)
_OFFICE = openapi.path_param("office")


def _body(required: list[str], properties: dict) -> dict:
    return {"required": True, "content": {"application/json": {"schema": {
        "type": "object", "required": required, "properties": properties}}}}


openapi.document_paths({
    "/api/v1/offices/{office}/slots": {"get": openapi.operation(
        "The slots of a service on a day with their free places (public)",
        {200: "[{start, end, capacity, free}]", 400: openapi.ERROR, 404: openapi.ERROR},
        parameters=[_OFFICE,
                    {"name": "service", "in": "query", "required": True,
                     "schema": {"type": "string"}},
                    {"name": "date", "in": "query", "required": True,
                     "schema": {"type": "string", "format": "date"}}])},
    "/api/v1/offices/{office}/bookings": {"post": {
        **openapi.operation(
            "Hold a slot for a phone and send it a 6-digit code (public)",
            {202: "booking (the id to confirm), expires_at", **_ERRORS}, parameters=[_OFFICE]),
        "requestBody": _body(["service", "start", "phone"], {
            "service": {"type": "string"},
            "start": {"type": "string", "format": "date-time"},
            "phone": {"type": "string", "description": "a Vietnamese mobile number"},
            "citizen_id": {"type": "string", "pattern": "^[0-9]{12}$",
                           "description": "optional: the 12-digit ID number, to check in"
                                          " with the card (only its keyed hash is kept)"}})}},
    "/api/v1/bookings/{booking}/confirm": {"post": {
        **openapi.operation(
            "Confirm a held booking with the code the phone received (public)",
            {201: _BOOKING, **_ERRORS}, parameters=[openapi.path_param("booking")]),
        "requestBody": _body(["otp"], {"otp": {"type": "string", "pattern": "^[0-9]{6}$"}})}},
    "/api/v1/bookings/{code}": {
        "get": openapi.operation("A booking by its code (public, the code is the secret)",
                                 {200: _BOOKING, 404: openapi.ERROR, 429: openapi.ERROR},
                                 parameters=[openapi.path_param("code")]),
        "delete": openapi.operation("Cancel a booking by its code; its place is free again",
                                    {200: _BOOKING, **_ERRORS},
                                    parameters=[openapi.path_param("code")])},
    "/api/v1/offices/{office}/check-ins": {"post": {
        **openapi.operation(
            "Check a booking in at the kiosk: its ticket, ahead of the walk-ins within its"
            " window (kiosk of the office, or staff)",
            {201: "the Ticket with booking and booking_late",
             **dict.fromkeys((400, 401, 403, 404, 409), openapi.ERROR)},
            secure=True, parameters=[_OFFICE]),
        "requestBody": _body([], {"booking": {"type": "string"},
                                  "citizen_id_qr": {"type": "string", "description":
                                                    "instead of booking (kiosk devices): the"
                                                    " text of the citizen ID card's QR code"}})}},
})
