""""Your turn is near" by SMS: the office's options, and the phone number given at the kiosk."""

from __future__ import annotations

from flask import current_app, jsonify
from sqlalchemy.exc import IntegrityError

from queue_server.api import openapi
from queue_server.api.blueprint import api
from queue_server.api.common import json_body, office_or_404, read_fields
from queue_server.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from queue_server.core.request_context import db, now
from queue_server.edge.callers import principal, require_staff_of
from queue_server.edge.guard import public
from queue_server.models import DeviceKind, Office, Ticket
from queue_server.notify import phones
from queue_server.realtime import sms_sender
from queue_server.tickets.queue_state import find_ticket, load_queue

MAX_CODE_LENGTH = 64



def _sms_enabled() -> bool:
    return sms_sender.delivery_of(current_app).notifier is not None


@api.get("/offices/<slug>/near-turn")
@public
def near_turn_options(slug: str):
    """When the office says "your turn is near", and whether the kiosk may offer an SMS."""
    office = office_or_404(slug)
    return jsonify({"near_threshold": office.near_threshold, "sms_enabled": _sms_enabled(),
                    "phone_retention_hours": office.phone_retention_hours})


def _kiosk_or_staff_of(office: Office) -> None:
    caller = principal()  # cached from the first call
    if caller.is_device:
        if caller.device_kind is not DeviceKind.KIOSK or caller.office_id != office.id:
            raise Forbidden("forbidden")
        return
    require_staff_of(office)


def _ticket_or_404(code: str) -> Ticket:
    ticket = find_ticket(db(), code) if len(code) <= MAX_CODE_LENGTH else None
    if ticket is None:
        raise NotFound("ticket_not_found")
    return ticket


@api.post("/tickets/<code>/sms")
def register_sms(code: str):
    """Keep a phone number for one "your turn is near" SMS (the office's kiosk or staff)."""
    ticket = _ticket_or_404(code)
    _kiosk_or_staff_of(ticket.office)
    fields = read_fields(json_body(), {"phone": str, "consent": bool}, {})
    if not fields["consent"]:
        raise InvalidInput("consent_required")
    if not _sms_enabled():
        raise Conflict("sms_unavailable")
    try:
        _request, is_new = phones.register_phone(db(), ticket, fields["phone"], now=now())
        db().commit()
    except IntegrityError:  # the same ticket twice at once: the first number stands
        db().rollback()
        _request, is_new = phones.register_phone(db(), ticket, fields["phone"], now=now())
        db().commit()
    _send_if_already_near(ticket)
    office = ticket.office
    return jsonify({"status": "pending", "near_threshold": office.near_threshold,
                    "phone_retention_hours": office.phone_retention_hours}), (
        201 if is_new else 200)


def _send_if_already_near(ticket: Ticket) -> None:
    # Registered with the threshold already reached: no queue change may come to trigger it.
    forecast = load_queue(db(), ticket.office, now()).forecast(ticket)
    if forecast is not None and forecast.ahead <= ticket.office.near_threshold:
        app = current_app._get_current_object()  # type: ignore[attr-defined]  # the proxy's own
        sms_sender.send_due(app, db(), {ticket.id: forecast.ahead})


_REQUEST = {"type": "object", "required": ["phone", "consent"], "properties": {
    "phone": {"type": "string", "description": "a Vietnamese mobile number: 09…, +849…"},
    "consent": {"const": True, "description": "the citizen agreed to the one-line purpose"}}}
_ERRORS = dict.fromkeys((400, 401, 403, 404, 409, 429), openapi.ERROR)

openapi.document_paths({
    "/api/v1/offices/{office}/near-turn": {"get": openapi.operation(
        "When the office says the turn is near, and whether SMS is offered (public)",
        {200: "near_threshold, sms_enabled, phone_retention_hours", 404: openapi.ERROR},
        parameters=[openapi.path_param("office")])},
    "/api/v1/tickets/{code}/sms": {"post": {
        **openapi.operation(
            "Keep a phone number for one near-turn SMS (kiosk of the office, or staff)",
            {201: "status, near_threshold, phone_retention_hours",
             200: "the same number again: nothing changed", **_ERRORS},
            secure=True, parameters=[openapi.path_param("code")]),
        "requestBody": {"required": True,
                        "content": {"application/json": {"schema": _REQUEST}}}}},
})
