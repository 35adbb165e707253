"""The touch kiosk page: /kiosk/<office>. Its JavaScript speaks only the JSON API and Socket.IO."""

from __future__ import annotations

from flask import render_template

from queue_server.core.i18n import LANGUAGES, page_texts
from queue_server.core.request_context import db
from queue_server.privacy.notices import privacy_notices
from queue_server.tickets.queue_state import find_office
from queue_server.web.frontends import KIOSK_ROOT, frontend_blueprint

# No referrer: the pairing link carries the device token.
blueprint = frontend_blueprint("kiosk", KIOSK_ROOT, referrer_policy="no-referrer")


@blueprint.get("/kiosk/<slug>")
def kiosk_page(slug: str):
    """The kiosk for one office; a friendly 404 page for an unknown office."""
    office = find_office(db(), slug)
    if office is None:
        return render_template("kiosk.not_found.html", slug=slug), 404
    notices = privacy_notices(office)
    texts = {language: {**page_texts("kiosk", language), "privacyNotice": notices[language]}
             for language in LANGUAGES}
    return render_template("kiosk.page.html", office=office, texts=texts, notice=notices["vi"])
