"""A ticket's QR code as SVG, drawn locally (public: the code is the secret)."""

from __future__ import annotations

import qrcode
from flask import Response
from qrcode.image.svg import SvgPathFillImage

from queue_server.api import openapi
from queue_server.api.blueprint import api
from queue_server.core.errors import NotFound
from queue_server.core.request_context import db, public_url
from queue_server.edge.guard import public
from queue_server.tickets.queue_state import find_ticket
from queue_server.tickets.serialize import ticket_json

MAX_CODE_LENGTH = 64
QUIET_ZONE_MODULES = 4  # what the QR standard asks for around the symbol


def qr_svg(text: str) -> bytes:
    """An SVG QR code of text: white background, quiet zone, error correction M."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M,
                         border=QUIET_ZONE_MODULES, image_factory=SvgPathFillImage)
    code.add_data(text)
    code.make(fit=True)
    svg: bytes = code.make_image().to_string(encoding="utf-8")
    return svg


@api.get("/tickets/<code>/qr.svg")
@public
def ticket_qr(code: str):
    """The QR code of the ticket's track_url, for the kiosk screen."""
    ticket = find_ticket(db(), code) if len(code) <= MAX_CODE_LENGTH else None
    if ticket is None:
        raise NotFound("ticket_not_found")
    track_url = ticket_json(ticket, None, public_url())["track_url"]
    response = Response(qr_svg(track_url), mimetype="image/svg+xml")
    # Private: the picture carries the secret link.
    response.cache_control.private = True
    response.cache_control.max_age = 3600
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


openapi.document_paths({
    "/api/v1/tickets/{code}/qr.svg": {"get": openapi.operation(
        "The QR code of the ticket's track_url as SVG", {
            200: {"description": "SVG image", "content": {"image/svg+xml": {
                "schema": {"type": "string"}}}},
            404: openapi.ERROR},
        parameters=[openapi.path_param("code")])},
})
