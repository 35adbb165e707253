"""The public procedure pages for phones: /thu-tuc/<office> lists and searches the catalogue,
/thu-tuc/<office>/<code> is one procedure (the address in its QR codes), and .../poster is its
A4 notice-board poster."""

from __future__ import annotations

import base64

import qrcode
from flask import Blueprint, abort, render_template, request, url_for
from qrcode.image.svg import SvgPathFillImage

from queue_server.core.errors import InvalidInput
from queue_server.core.request_context import db, now, public_url
from queue_server.models import Office, Procedure
from queue_server.procedures import catalogue
from queue_server.setup.offices import is_served
from queue_server.tickets import lifecycle
from queue_server.tickets.queue_state import find_office, load_queue
from queue_server.web.login import page_language, secure_headers, texts

blueprint = Blueprint("procedure_pages", __name__, template_folder="templates")
blueprint.after_request(secure_headers)


def _office_or_404(slug: str) -> Office:
    office = find_office(db(), slug)
    if office is None:
        abort(404)
    return office


def _page(template: str, office: Office, **values: object) -> str:
    language = page_language()
    other = "en" if language == "vi" else "vi"
    return render_template(template, t=texts("procedures", language), language=language,
                           office=office, switch_url=request.path + f"?lang={other}", **values)


@blueprint.get("/thu-tuc/<slug>")
def procedure_list(slug: str):
    """The catalogue: search (diacritics optional), or browse by field."""
    office = _office_or_404(slug)
    query, field = request.args.get("q", "").strip(), request.args.get("field") or None
    try:
        found = catalogue.search(db(), office, query, field) if query or field else []
    except InvalidInput:
        query, found = query[:catalogue.MAX_QUERY_LENGTH], []
    return _page("procedures.list.html", office, query=query, field=field, found=found,
                 fields=catalogue.fields_of(db(), office))


@blueprint.get("/thu-tuc/<slug>/<code>")
def procedure_detail(slug: str, code: str):
    """One procedure: documents as a checklist, time, fees, forms, counters, the wait now."""
    office = _office_or_404(slug)
    procedure = catalogue.find_procedure(db(), office, code) if len(code) <= 64 else None
    if procedure is None:
        abort(404)
    return _page("procedures.detail.html", office, procedure=procedure,
                 queue=_queue(office, procedure))


@blueprint.get("/thu-tuc/<slug>/<code>/poster")
def procedure_poster(slug: str, code: str):
    """An A4 poster of the procedure with a QR code to its page, for the notice board."""
    office = _office_or_404(slug)
    procedure = catalogue.find_procedure(db(), office, code) if len(code) <= 64 else None
    if procedure is None:
        abort(404)
    address = page_address(office, procedure)
    return _page("procedures.poster.html", office, procedure=procedure, address=address,
                 qr=_qr_data_uri(address))


def page_address(office: Office, procedure: Procedure) -> str:
    """The procedure's public page, as phones open it."""
    path = url_for("procedure_pages.procedure_detail", slug=office.slug, code=procedure.code)
    return public_url() + path[len(request.script_root):]


def _queue(office: Office, procedure: Procedure) -> dict:
    service, moment = procedure.service, now()
    state = load_queue(db(), office, moment)
    return {"is_open": lifecycle.schedule_of(office).is_open(moment) and is_served(service)
            and not service.is_closed,
            "waiting": state.waiting().get(service.code, 0),
            "wait_minutes": _minutes(state.forecast_new(service.id).estimated_wait_s),
            "counters": [c.number for c in service.counters if c.is_active]}


def _minutes(seconds: int | None) -> int | None:
    return None if seconds is None else (seconds + 30) // 60


def _qr_data_uri(text: str) -> str:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4,
                         image_factory=SvgPathFillImage)
    code.add_data(text)
    code.make(fit=True)
    svg: bytes = code.make_image().to_string(encoding="utf-8")
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode()
