"""The waiting-room TV page: /display/<office>. Public, like the board it shows."""

from __future__ import annotations

from flask import render_template

from queue_server.core.i18n import LANGUAGES, page_texts, text
from queue_server.core.request_context import db
from queue_server.tickets.queue_state import find_office
from queue_server.web.frontends import DISPLAY_ROOT, frontend_blueprint

blueprint = frontend_blueprint("display", DISPLAY_ROOT)


@blueprint.get("/display/<slug>")
def display_page(slug: str):
    """The display for one office; a friendly 404 page for an unknown office."""
    office = find_office(db(), slug)
    if office is None:
        english = " ".join((text("display", "notFoundHeading", "en", slug=slug),
                            text("display", "notFoundText", "en")))
        return render_template(
            "display.not_found.html", title=text("display", "notFoundTitle", "vi"),
            heading=text("display", "notFoundHeading", "vi", slug=slug),
            text=text("display", "notFoundText", "vi"), english=english), 404
    texts = {language: page_texts("display", language) for language in LANGUAGES}
    return render_template("display.page.html", office=office, texts=texts)
