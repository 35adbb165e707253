"""Where to go now: GET /api/v1/waits?service=CODE or ?procedure=CODE across the province."""

from __future__ import annotations

from flask import Response, current_app, request

from queue_server.api import openapi
from queue_server.api.blueprint import api
from queue_server.api.common import refuse_unknown_parameters
from queue_server.core.clock import iso_local
from queue_server.core.errors import InvalidInput
from queue_server.core.request_context import db, now, public_url, reading
from queue_server.edge.answers import AnswerCache
from queue_server.edge.guard import public
from queue_server.network.waits import OfficeWait, waits_for_procedure, waits_for_service

# How long one answer serves every phone that asks: queues move in minutes, not seconds.
WAITS_TTL_S = 5
_CACHE_KEY = "queue_server.waits"


def waits_cache() -> AnswerCache:
    """This app's kept answers (one per app, so a test's app starts empty)."""
    cache: AnswerCache = current_app.extensions.setdefault(_CACHE_KEY,
                                                           AnswerCache(WAITS_TTL_S))
    return cache


@api.get("/waits")
@public
def list_waits():
    """The offices serving a service or procedure: open first, then by estimated wait."""
    refuse_unknown_parameters({"service", "procedure"})
    service, procedure = request.args.get("service"), request.args.get("procedure")
    if bool(service) == bool(procedure) or len(service or procedure or "") > 64:
        raise InvalidInput("service_or_procedure_required")
    kind, code = ("service", service) if service else ("procedure", procedure)
    base = public_url()
    body = waits_cache().get((kind, code, base), lambda: _answer(kind, str(code), base))
    return Response(body, mimetype="application/json",
                    headers={"Cache-Control": f"public, max-age={WAITS_TTL_S}"})


def _answer(kind: str, code: str, base: str) -> bytes:
    reading()  # a read across every office must not hold SQLite's write lock
    find = waits_for_service if kind == "service" else waits_for_procedure
    payload = [wait_json(wait, base) for wait in find(db(), code, now())]
    return current_app.json.dumps(payload).encode()


def wait_json(wait: OfficeWait, base: str) -> dict:
    """One office of the answer."""
    office, service = wait.office, wait.service
    booking_url = (f"{base}/dat-lich/{office.slug}"
                   if service.booking_capacity > 0 and not service.is_closed else None)
    if booking_url:
        url = booking_url
    elif wait.procedure is not None:
        url = f"{base}/thu-tuc/{office.slug}/{wait.procedure.code}"
    else:
        url = f"{base}/province/{office.slug}"
    return {"office": office.slug, "name": office.name, "kind": office.kind,
            "area": office.area, "address": office.address, "location": office.location,
            "open_now": wait.is_open, "next_open": iso_local(wait.next_open, office.timezone),
            "waiting": wait.waiting, "estimated_wait_s": wait.estimated_wait_s, "url": url,
            "booking_url": booking_url, "service": service.code, "service_name": service.name,
            "service_name_en": service.name_en or service.name}


def _documentation() -> dict:
    query = [{"name": name, "in": "query", "required": False, "schema": {"type": "string"},
              "description": text} for name, text in [
        ("service", "a service code (exactly one of service, procedure)"),
        ("procedure", "a procedure code of the catalogue (exactly one of service, procedure)")]]
    return {"/api/v1/waits": {"get": openapi.operation(
        "Where to go now (public): every office of the province serving the service or "
        "procedure, open first, then by estimated wait; each with office, name, kind, area, "
        "address, location [lat, lon] or null, open_now, next_open, waiting, "
        "estimated_wait_s, url, booking_url, service, service_name. Kept a few seconds",
        {200: "list of offices", 400: openapi.ERROR, 404: openapi.ERROR},
        parameters=query)}}


openapi.document_paths(_documentation())
