"""The visits feed for the province's one-stop system: one row per finished or absent ticket,
with its dossier codes, outcome, times, officer, counter and rating."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from queue_server.core.clock import iso_local
from queue_server.models import (
    Counter,
    Feedback,
    Office,
    Service,
    Ticket,
    TicketStatus,
    User,
)
from queue_server.visits.dossiers import codes_by_ticket

FEED_STATUSES = (TicketStatus.DONE, TicketStatus.NO_SHOW)
# The spreadsheet's columns, in order (CSV and XLSX); nested values are flattened.
COLUMNS = ("visit", "office", "day", "number", "service", "status", "outcome", "dossiers",
           "issued_at", "called_at", "finished_at", "wait_s", "service_s", "counter",
           "officer", "rating", "levels", "form_version", "answers", "rated_at")


def visits_between(session: Session, office: Office, first: date, last: date) -> list[dict]:
    """The office's finished and absent tickets of these local days, in order of issue."""
    rows = session.execute(
        select(Ticket, Service, Counter, User, Feedback)
        .join(Service, Service.id == Ticket.service_id)
        .outerjoin(Counter, Counter.id == Ticket.counter_id)
        .outerjoin(User, User.id == Ticket.officer_id)
        .outerjoin(Feedback, Feedback.ticket_id == Ticket.id)
        .where(Ticket.office_id == office.id, Ticket.day >= first, Ticket.day <= last,
               Ticket.status.in_(FEED_STATUSES))
        .order_by(Ticket.issued_at, Ticket.id)).all()
    codes = codes_by_ticket(session, [row[0].id for row in rows if row[0].dossier_code])
    return [visit_json(office, *row, dossiers=codes.get(row[0].id, [])) for row in rows]


def visit_json(office: Office, ticket: Ticket, service: Service, counter: Counter | None,
               officer: User | None, feedback: Feedback | None, *,
               dossiers: list[str]) -> dict:
    """One visit as the feed and the visit.finished event give it."""
    zone = office.timezone
    return {
        "visit": visit_id(office, ticket),
        "office": office.slug, "day": ticket.day.isoformat(), "number": ticket.number,
        "service": service.code, "status": ticket.status.value, "outcome": ticket.outcome,
        "dossiers": dossiers,
        "issued_at": iso_local(ticket.issued_at, zone),
        "called_at": iso_local(ticket.called_at, zone),
        "finished_at": iso_local(ticket.finished_at, zone),
        "wait_s": _seconds(ticket.called_at, ticket.issued_at),
        "service_s": (_seconds(ticket.finished_at, ticket.last_called_at)
                      if ticket.status is TicketStatus.DONE else None),
        "counter": counter.number if counter else None,
        "officer": officer.username if officer else None,
        "officer_name": (officer.full_name or officer.username) if officer else None,
        "rating": rating_json(feedback, zone) if feedback else None,
    }


def rating_json(feedback: Feedback, timezone: str) -> dict:
    """A rating with the form version it answered and its answers (no comment: free text may
    hold personal data, and the feed leaves the server)."""
    return {"rating": feedback.rating, "levels": feedback.levels,
            "form_version": feedback.form_version, "answers": dict(feedback.answers or {}),
            "reasons": list(feedback.reasons or []),
            "visits": feedback.visits.value if feedback.visits else None,
            "source": feedback.source.value, "rated_at": iso_local(feedback.rated_at, timezone)}


def visit_id(office: Office, ticket: Ticket) -> str:
    """A stable id for a visit that reveals nothing of the ticket's lookup code."""
    return f"{office.slug}/{ticket.day.isoformat()}/{ticket.number}"


def flat_row(visit: dict) -> list[object]:
    """One visit as a spreadsheet row, in COLUMNS order."""
    rating = visit["rating"] or {}
    values = {**visit, "dossiers": " ".join(visit["dossiers"]),
              "officer": visit["officer_name"], "rating": rating.get("rating"),
              "levels": rating.get("levels"), "form_version": rating.get("form_version"),
              "answers": "; ".join(f"{code}={level}"
                                   for code, level in (rating.get("answers") or {}).items()),
              "rated_at": rating.get("rated_at")}
    return [values[column] for column in COLUMNS]


def _seconds(later: datetime | None, earlier: datetime | None) -> int | None:
    if later is None or earlier is None:
        return None
    return round((later - earlier).total_seconds())
