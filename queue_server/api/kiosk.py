"""What a kiosk asks before issuing: which device its token is, and whether the office is open."""

from __future__ import annotations

from flask import jsonify, request

from queue_server.api import openapi
from queue_server.api.blueprint import api
from queue_server.api.common import office_or_404
from queue_server.core.clock import iso_local
from queue_server.core.errors import Forbidden
from queue_server.core.i18n import message, pick_language
from queue_server.core.request_context import db, now
from queue_server.edge.callers import principal
from queue_server.edge.guard import public
from queue_server.models import Device
from queue_server.tickets import lifecycle


@api.get("/devices/me")
def current_device():
    """The device behind the bearer token: name, kind and office; 403 for a user token."""
    caller = principal()
    if not caller.is_device:
        raise Forbidden("forbidden")
    device = db().get(Device, caller.device_id)
    assert device is not None  # its token has just been checked
    return jsonify({"name": device.name, "kind": device.kind.value,
                    "office": device.office.slug})


@api.get("/offices/<slug>/opening")
@public
def office_opening(slug: str):
    """Whether the office takes tickets now and, when not, when it reopens (public)."""
    office = office_or_404(slug)
    schedule = lifecycle.schedule_of(office)
    moment = now()
    if schedule.is_open(moment):
        return jsonify({"is_open": True, "reason": None, "message": None, "reopens_at": None})
    reason = "holiday" if schedule.is_holiday(moment) else "office_closed"
    reopens_at = schedule.next_opening(moment)
    language = pick_language(request.headers.get("Accept-Language"))
    return jsonify({
        "is_open": False, "reason": reason,
        "message": message(reason, language, reopens_at=reopens_at),
        "reopens_at": iso_local(reopens_at, office.timezone),
    })


openapi.document_paths({
    "/api/v1/devices/me": {"get": openapi.operation(
        "The device behind the token (kiosks check their pairing with it)",
        {200: "name, kind, office", 401: openapi.ERROR, 403: openapi.ERROR}, secure=True)},
    "/api/v1/offices/{office}/opening": {"get": openapi.operation(
        "Whether the office is open now; if not, why, when it reopens and a message to show",
        {200: "is_open, reason (office_closed or holiday), message, reopens_at",
         404: openapi.ERROR}, parameters=[openapi.path_param("office")])},
})
