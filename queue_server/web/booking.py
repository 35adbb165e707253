"""The booking pages for phones: /dat-lich/<office> books a slot (its JavaScript speaks only
the JSON API), /lich-hen/<code> shows a booking with its QR code for the kiosk."""

from __future__ import annotations

import base64

import qrcode
from flask import Blueprint, Response, abort, render_template, request
from qrcode.image.svg import SvgPathFillImage
from sqlalchemy import select

from queue_server.booking import bookings
from queue_server.booking.calendar import booking_ics
from queue_server.booking.slots import bookable_days
from queue_server.core.clock import local_time
from queue_server.core.errors import NotFound
from queue_server.core.request_context import db, now, public_url
from queue_server.models import Procedure
from queue_server.privacy.notices import booking_consent, privacy_notice
from queue_server.tickets.queue_state import find_office
from queue_server.web.login import page_language, secure_headers, texts

# A phone's list stays short enough to scroll; the catalogue page searches the rest.
MAX_PROCEDURES = 300
blueprint = Blueprint("booking_pages", __name__, template_folder="templates")
blueprint.after_request(secure_headers)


def _page(template: str, **values: object) -> str:
    language = page_language()
    other = "en" if language == "vi" else "vi"
    return render_template(template, t=texts("booking", language), language=language,
                           switch_url=request.path + f"?lang={other}", **values)


@blueprint.get("/dat-lich/<slug>")
def booking_page(slug: str):
    """Choose a service, a day, a free slot, give the phone number, then the code."""
    office = find_office(db(), slug)
    if office is None:
        abort(404)
    services = [service for service in office.services
                if service.is_active and not service.is_closed and service.booking_capacity > 0]
    procedures = list(db().scalars(select(Procedure).where(
        Procedure.office_id == office.id, Procedure.is_hidden.is_(False),
        Procedure.service_id.in_([service.id for service in services]))
        .order_by(Procedure.name).limit(MAX_PROCEDURES))) if services else []
    language = page_language()
    return _page("booking.page.html", office=office, services=services, procedures=procedures,
                 codes={service.id: service.code for service in services},
                 days=bookable_days(office, now()),
                 consent=booking_consent(office, language),
                 notice=privacy_notice(office, language))


@blueprint.get("/lich-hen/<code>")
def booking_detail(code: str):
    """A booking: its code as a QR for the kiosk's scanner, the time, the service, cancel."""
    try:
        booking = bookings.by_code(db(), code)
    except NotFound:
        abort(404)
    start = local_time(booking.starts_at, booking.office.timezone)
    end = local_time(booking.ends_at, booking.office.timezone)
    return _page("booking.detail.html", booking=booking, office=booking.office,
                 when=f"{start:%H:%M}–{end:%H:%M} {start:%d/%m/%Y}", qr=_qr_data_uri(booking.code))


@blueprint.get("/lich-hen/<code>/lich-hen.ics")
def booking_calendar(code: str):
    """The booking as an "add to calendar" file."""
    try:
        booking = bookings.by_code(db(), code)
    except NotFound:
        abort(404)
    words = texts("booking", page_language())
    service = booking.service.name
    body = booking_ics(booking, summary=f"{words['detail_title']}: {service}",
                       description=f"{words['code']}: {booking.code}. {words['how_to_check_in']}",
                       url=f"{public_url()}/lich-hen/{booking.code}", now=now())
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": f'attachment; filename="lich-hen-{booking.code}.ics"'})


def _qr_data_uri(text: str) -> str:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4,
                         image_factory=SvgPathFillImage)
    code.add_data(text)
    code.make(fit=True)
    svg: bytes = code.make_image().to_string(encoding="utf-8")
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode()
