"""The start page at /: where each office's screens are, for the staff who set up a desk."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for
from sqlalchemy import select

from queue_server.core.request_context import db
from queue_server.models import Office
from queue_server.web.login import page_language, secure_headers, texts

blueprint = Blueprint("start", __name__, template_folder="templates")
blueprint.after_request(secure_headers)


@blueprint.get("/")
def start_page():
    """Links to every office's screens (public: the same offices the API lists)."""
    language = page_language()
    offices = db().scalars(select(Office).where(Office.is_active).order_by(Office.name)).all()
    other = "en" if language == "vi" else "vi"
    return render_template("start.html", t=texts("start", language), language=language,
                           offices=offices, switch_url=url_for("start.start_page", lang=other))
