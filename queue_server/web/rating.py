"""The counter's rating tablet: /rate/<office>/<counter>, paired with a `rating` device token."""

from __future__ import annotations

from flask import render_template, request

from queue_server.core.i18n import LANGUAGES, page_texts, text
from queue_server.core.request_context import db
from queue_server.tickets.queue_state import find_counter_by_number, find_office
from queue_server.web.citizen import ROOT
from queue_server.web.frontends import frontend_blueprint

# No referrer: the pairing link carries the device token.
blueprint = frontend_blueprint("rating", ROOT, referrer_policy="no-referrer")


@blueprint.get("/rate/<slug>/<int:number>")
def rating_page(slug: str, number: int):
    """The tablet of one counter; a plain 404 page for an unknown office or counter."""
    office = find_office(db(), slug)
    counter = find_counter_by_number(db(), office, number) if office else None
    if office is None or counter is None:
        body = render_template(
            "citizen.not_found.html", blueprint="rating",
            title=text("rating_page", "unknown_counter_title", "vi"),
            text=text("rating_page", "unknown_counter_text", "vi", number=number, office=slug),
            english=text("rating_page", "unknown_counter_text", "en", number=number, office=slug))
        return body, 404
    config = {"office": office.slug, "counter": counter.number, "root": request.script_root}
    texts = {language: page_texts("citizen", language) for language in LANGUAGES}
    return render_template("rating.page.html", office=office, counter=counter, config=config,
                           texts=texts)
