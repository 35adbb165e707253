"""The province's page for phones: /province lets a citizen pick a service or procedure and see
where to go now (its JavaScript asks GET /api/v1/waits and measures distances on the phone);
/province/<office> is one office: where it is, its hours, its queues now."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, abort, current_app, render_template, request
from sqlalchemy import select

from queue_server.core.clock import local_day
from queue_server.core.request_context import db, now
from queue_server.edge.answers import AnswerCache
from queue_server.models import Office, Procedure
from queue_server.network import directory
from queue_server.setup.network import current_province
from queue_server.tickets import lifecycle
from queue_server.tickets.queue_state import find_office, load_queue
from queue_server.web.login import page_language, secure_headers, texts

blueprint = Blueprint("province_pages", __name__, template_folder="templates")
blueprint.after_request(secure_headers)
# The list of services changes when a manager edits one: phones may see it a little late.
OFFERS_TTL_S = 30
_CACHE_KEY = "queue_server.province_offers"
ZONE = "Asia/Ho_Chi_Minh"


def _offers_cache() -> AnswerCache:
    cache: AnswerCache = current_app.extensions.setdefault(_CACHE_KEY,
                                                           AnswerCache(OFFERS_TTL_S))
    return cache


def _page(template: str, **values: object) -> str:
    language = page_language()
    other = "en" if language == "vi" else "vi"
    # The switch keeps what the citizen chose.
    kept = {key: value for key, value in request.args.items() if key != "lang"}
    province = current_province(db())
    return render_template(template, t=texts("province", language), language=language,
                           province_name=province.name if province else None,
                           switch_url=request.path + "?" + urlencode({**kept, "lang": other}),
                           **values)


@blueprint.get("/province")
def province_page():
    """Choose a service (or search a procedure), then see the offices, best first."""
    service = request.args.get("service", "")[:64]
    procedure = request.args.get("procedure", "")[:64]
    query = request.args.get("q", "").strip()[:200]
    services = _offers_cache().get("services", lambda: directory.services_offered(db()))
    chosen = None
    if service:
        chosen = next((offer for offer in services if offer.code == service), None)
    elif procedure:
        name = directory.procedure_name(db(), procedure)
        chosen = directory.Offer(procedure, name, name, 0) if name else None
    return _page("province.html", services=services, service=service, procedure=procedure,
                 chosen=chosen, query=query,
                 found=directory.find_procedures(db(), query) if query else [],
                 today=local_day(now(), ZONE).isoformat())


@blueprint.get("/province/<slug>")
def office_page(slug: str):
    """One office for citizens: kind, address, map position, hours, each service's queue now."""
    office = find_office(db(), slug)
    if office is None:
        abort(404)
    return _page("province.office.html", office=office, queues=_queues(office),
                 has_catalogue=db().scalar(select(Procedure.id).where(
                     Procedure.office_id == office.id, Procedure.is_hidden.is_(False))
                     .limit(1)) is not None)


def _queues(office: Office) -> list[dict]:
    moment = now()
    state = load_queue(db(), office, moment)
    is_open, waiting = lifecycle.schedule_of(office).is_open(moment), state.waiting()
    rows = []
    for service in office.services:
        if not service.is_active:
            continue
        serving = is_open and bool(state.counter_numbers(service.id)) and not service.is_closed
        wait = state.forecast_new(service.id).estimated_wait_s if serving else None
        rows.append({"service": service, "is_open": serving,
                     "waiting": waiting.get(service.code, 0),
                     "wait_minutes": None if wait is None else (wait + 30) // 60,
                     "bookable": service.booking_capacity > 0 and not service.is_closed})
    return rows
