"""The touch kiosk page: /kiosk/<office>. Its JavaScript speaks only the JSON API and Socket.IO."""

from __future__ import annotations

from flask import Blueprint, Response, render_template

import kiosk

from ..api.common import db
from ..queries import find_office

blueprint = Blueprint("kiosk", __name__, template_folder=str(kiosk.ROOT / "templates"),
                      static_folder=str(kiosk.ROOT / "static"),
                      static_url_path="/assets/kiosk")

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'")


@blueprint.after_request
def page_headers(response: Response) -> Response:
    """No framing, no foreign code, and no referrer (the pairing link carries the token)."""
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers["Referrer-Policy"] = "no-referrer"
    if response.mimetype == "text/html":
        response.headers.setdefault("Cache-Control", "no-store")
    return response


@blueprint.get("/kiosk/<slug>")
def kiosk_page(slug: str):  # noqa: ANN201
    """The kiosk for one office; a friendly 404 page for an unknown office."""
    office = find_office(db(), slug)
    if office is None:
        return render_template("kiosk.not_found.html", slug=slug), 404
    return render_template("kiosk.page.html", office=office)
