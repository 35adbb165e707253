"""The citizen's live ticket page behind the QR: /t/<code>. Public: the code is the secret."""

from __future__ import annotations

from flask import Response, make_response, render_template, request

from queue_server.core.error_status import http_headers
from queue_server.core.errors import RateLimited
from queue_server.core.i18n import LANGUAGES, page_texts, text
from queue_server.core.request_context import db, now, public_url
from queue_server.edge import limits
from queue_server.feedback.forms import current_form
from queue_server.feedback.ratings import is_rated
from queue_server.models import Ticket
from queue_server.notify import phones
from queue_server.notify.consent import CONSENT_VERSION, consent_texts
from queue_server.privacy.notices import privacy_notices
from queue_server.realtime import citizen_messages
from queue_server.tickets.queue_state import find_ticket, ticket_forecast
from queue_server.tickets.serialize import ticket_json
from queue_server.web.citizen import ROOT
from queue_server.web.frontends import frontend_blueprint

MAX_CODE_LENGTH = 64

# No referrer: the address is the ticket's secret.
blueprint = frontend_blueprint("ticket_page", ROOT, referrer_policy="no-referrer")


@blueprint.after_request
def keep_out_of_search_engines(response):
    """The pages are reached by QR only; nothing here belongs in an index."""
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _refusal(status: int, reason: str, headers: dict | None = None) -> Response:
    """A plain page in Vietnamese with the English below; reason names its catalogue texts."""
    body = render_template("citizen.not_found.html", blueprint="ticket_page",
                           title=text("ticket_page", f"{reason}_title", "vi"),
                           text=text("ticket_page", f"{reason}_text", "vi"),
                           english=text("ticket_page", f"{reason}_text", "en"))
    return make_response(body, status, headers or {})


@blueprint.get("/t/<code>")
def ticket_page(code: str):
    """The ticket with its live position; a plain page for an unknown code (counted)."""
    try:
        limits.check_lookup()
    except RateLimited as refusal:
        return _refusal(429, "too_many", http_headers(refusal))
    ticket = find_ticket(db(), code) if len(code) <= MAX_CODE_LENGTH else None
    if ticket is None:
        limits.unknown_code()
        return _refusal(404, "not_found")
    snapshot = ticket_json(ticket, ticket_forecast(db(), ticket, now()), public_url())
    config = {"code": ticket.code, "root": request.script_root,
              "near_threshold": ticket.office.near_threshold,
              "is_rated": is_rated(db(), ticket), "ticket": snapshot,
              "rating_form": current_form(ticket.office),
              "messages": _messages(ticket)}
    notices = privacy_notices(ticket.office)
    texts = {language: {**page_texts("citizen", language), "privacyNotice": notices[language]}
             for language in LANGUAGES}
    return render_template("ticket.page.html", ticket=ticket, office=ticket.office, config=config,
                           texts=texts, notice=notices["vi"])


def _messages(ticket: Ticket) -> dict:
    """The channels the citizen may choose for the ticket's messages, with the consent."""
    offer = citizen_messages.worker().offer
    channels = offer.channels_of(ticket.office)
    if not channels:
        return {"channels": []}
    return {"channels": channels, "consent_version": CONSENT_VERSION,
            "consent_texts": consent_texts(ticket.office, channels, offer.kinds_of(ticket.office)),
            # Whether a number was given already (never the number itself).
            "has_number": bool(phones.contacts_of(db(), [ticket.id]))}
