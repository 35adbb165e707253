"""The bodies of the events a province's system receives: a visit finished, a rating received.

Plain JSON-ready dictionaries, built from what the transaction knows; whoever delivers them
(a webhook) adds the envelope and the signature.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from queue_server.models import Feedback, Ticket
from queue_server.visits.dossiers import ticket_codes
from queue_server.visits.feed import rating_json, visit_id, visit_json

VISIT_FINISHED = "visit.finished"
RATING_RECEIVED = "rating.received"


def visit_finished_event(session: Session, ticket: Ticket) -> dict:
    """{"event": "visit.finished", "visit": the feed's row} for a finished or absent ticket."""
    codes = ticket_codes(session, ticket) if ticket.dossier_code else []
    visit = visit_json(ticket.office, ticket, ticket.service, ticket.counter, ticket.officer,
                       None, dossiers=codes)
    del visit["rating"]  # rated later, if at all: rating.received says so
    return {"event": VISIT_FINISHED, "visit": visit}


def rating_received_event(session: Session, feedback: Feedback) -> dict:
    """{"event": "rating.received", "visit", "office", "number", "dossiers", "rating"}."""
    ticket = feedback.ticket
    office = ticket.office
    return {"event": RATING_RECEIVED, "visit": visit_id(office, ticket),
            "office": office.slug, "number": ticket.number,
            "dossiers": ticket_codes(session, ticket) if ticket.dossier_code else [],
            "outcome": ticket.outcome, "rating": rating_json(feedback, office.timezone)}
