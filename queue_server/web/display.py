"""The waiting-room TV page: /display/<office>. Public, like the board it shows."""

from __future__ import annotations

from flask import Blueprint, Response, render_template

import display

from ..api.common import db
from ..queries import find_office

blueprint = Blueprint("display", __name__, template_folder=str(display.ROOT / "templates"),
                      static_folder=str(display.ROOT / "static"),
                      static_url_path="/assets/display")

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'")


@blueprint.after_request
def page_headers(response: Response) -> Response:
    """No framing and no foreign code."""
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if response.mimetype == "text/html":
        response.headers.setdefault("Cache-Control", "no-store")
    return response


@blueprint.get("/display/<slug>")
def display_page(slug: str):  # noqa: ANN201
    """The display for one office; a friendly 404 page for an unknown office."""
    office = find_office(db(), slug)
    if office is None:
        return render_template("display.not_found.html", slug=slug), 404
    return render_template("display.page.html", office=office)
