"""Messages to the citizen's phone (Zalo or SMS): the office's options, and the number given at
the kiosk or on the ticket page with the citizen's consent.
"""

from __future__ import annotations

import logging

from flask import jsonify, request
from sqlalchemy.exc import IntegrityError

from queue_server.api import openapi
from queue_server.api.blueprint import api
from queue_server.api.common import json_body, office_or_404, read_fields
from queue_server.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from queue_server.core.i18n import pick_language
from queue_server.core.request_context import db, now
from queue_server.edge.callers import principal, require_staff_of
from queue_server.edge.guard import public
from queue_server.edge.limits import check_lookup, unknown_code
from queue_server.models import DeviceKind, Office, Ticket
from queue_server.notify import phones
from queue_server.notify.consent import CONSENT_VERSION, consent_text, consent_texts
from queue_server.realtime import citizen_messages
from queue_server.tickets.queue_state import find_ticket, load_queue

MAX_CODE_LENGTH = 64
log = logging.getLogger(__name__)


def _channels(office: Office) -> list[str]:
    return citizen_messages.worker().offer.channels_of(office)


def _kinds(office: Office) -> list[str]:
    return citizen_messages.worker().offer.kinds_of(office)


@api.get("/offices/<slug>/near-turn")
@public
def near_turn_options(slug: str):
    """When the office says "your turn is near", which channels it offers, and the consent."""
    office = office_or_404(slug)
    channels = _channels(office)
    language = pick_language(request.headers.get("Accept-Language"))
    return jsonify({"near_threshold": office.near_threshold, "sms_enabled": "sms" in channels,
                    "phone_retention_hours": office.phone_retention_hours,
                    "channels": channels, "consent_version": CONSENT_VERSION,
                    "consent_text": consent_text(office, channels, _kinds(office), language),
                    "consent_texts": consent_texts(office, channels, _kinds(office))})


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
    """Keep a phone number for the near-turn SMS (the office's kiosk or staff)."""
    ticket = _ticket_or_404(code)
    _kiosk_or_staff_of(ticket.office)
    fields = read_fields(json_body(), {"phone": str, "consent": bool}, {})
    if not fields["consent"]:
        raise InvalidInput("consent_required")
    if "sms" not in _channels(ticket.office):
        raise Conflict("sms_unavailable")
    return _register(ticket, fields["phone"], "sms", ["sms"])


@api.post("/tickets/<code>/notify")
@public
def register_notify(code: str):
    """Keep a phone number for the ticket's messages on the chosen channel (public, by code)."""
    check_lookup()  # an address that guessed many codes waits, as for the ticket page
    fields = read_fields(json_body(), {"phone": str, "consent": bool},
                         {"channel": str, "consent_version": str})
    try:
        ticket = _ticket_or_404(code)
    except NotFound:
        unknown_code()
        raise
    channels = _channels(ticket.office)
    if not fields["consent"]:
        raise InvalidInput("consent_required")
    if not channels:
        raise Conflict("messages_unavailable")
    if fields["consent_version"] not in (None, CONSENT_VERSION):
        raise Conflict("consent_outdated")
    channel = fields["channel"]
    if channel is not None and channel not in channels:
        raise InvalidInput("unknown_channel", channel=channel, known=", ".join(channels))
    return _register(ticket, fields["phone"], channel, channels)


def _register(ticket: Ticket, phone: str, channel: str | None, channels: list[str]):
    language = pick_language(request.headers.get("Accept-Language"))
    consent = phones.Consent(consent_text(ticket.office, channels, _kinds(ticket.office),
                                          language), CONSENT_VERSION, channel)
    try:
        _contact, is_new = phones.register_contact(db(), ticket, phone, consent, now=now())
        db().commit()
    except IntegrityError:  # the same ticket twice at once: the first number stands
        db().rollback()
        _contact, is_new = phones.register_contact(db(), ticket, phone, consent, now=now())
        db().commit()
    _queue_if_already_near(ticket)
    office = ticket.office
    order = [channel] + [c for c in channels if c != channel] if channel else channels
    return jsonify({"status": "pending", "near_threshold": office.near_threshold,
                    "phone_retention_hours": office.phone_retention_hours,
                    "channels": order, "consent_version": CONSENT_VERSION}), (
        201 if is_new else 200)


def _queue_if_already_near(ticket: Ticket) -> None:
    # Registered with the threshold already reached: no queue change may come to trigger it.
    try:
        forecast = load_queue(db(), ticket.office, now()).forecast(ticket)
        if forecast is not None and forecast.ahead <= ticket.office.near_threshold:
            citizen_messages.queue_moved({ticket.id: forecast.ahead}, None)
    except Exception:  # the number is kept: the next queue change queues the message
        log.exception("could not queue a near-turn message just registered")


_PROPERTIES: dict[str, object] = {
    "phone": {"type": "string", "description": "a Vietnamese mobile number: 09…, +849…"},
    "consent": {"const": True, "description": "the citizen agreed to the one-line purpose"}}
_REQUEST = {"type": "object", "required": ["phone", "consent"], "properties": _PROPERTIES}
_NOTIFY = {"type": "object", "required": ["phone", "consent"], "properties": {
    **_PROPERTIES,
    "channel": {"enum": ["zalo", "sms"],
                "description": "tried first; the office's other channels follow"},
    "consent_version": {"type": "string", "description": "the version the citizen read"}}}
_ERRORS = dict.fromkeys((400, 401, 403, 404, 409, 429), openapi.ERROR)

openapi.document_paths({
    "/api/v1/offices/{office}/near-turn": {"get": openapi.operation(
        "When the office says the turn is near, its channels and consent text (public)",
        {200: "near_threshold, sms_enabled, phone_retention_hours, channels, consent_version,"
              " consent_text", 404: openapi.ERROR},
        parameters=[openapi.path_param("office")])},
    "/api/v1/tickets/{code}/sms": {"post": {
        **openapi.operation(
            "Keep a phone number for one near-turn SMS (kiosk of the office, or staff)",
            {201: "status, near_threshold, phone_retention_hours",
             200: "the same number again: nothing changed", **_ERRORS},
            secure=True, parameters=[openapi.path_param("code")]),
        "requestBody": {"required": True,
                        "content": {"application/json": {"schema": _REQUEST}}}}},
    "/api/v1/tickets/{code}/notify": {"post": {
        **openapi.operation(
            "Keep a phone number for the ticket's messages, Zalo or SMS (public, by code)",
            {201: "status, near_threshold, phone_retention_hours, channels, consent_version",
             200: "the same number and channel again: nothing changed",
             **dict.fromkeys((400, 404, 409, 429), openapi.ERROR)},
            parameters=[openapi.path_param("code")]),
        "requestBody": {"required": True,
                        "content": {"application/json": {"schema": _NOTIFY}}}}},
})
