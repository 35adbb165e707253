"""The visits feed for the province's one-stop system: one row per finished or absent ticket,
with its dossier codes, outcome, missing documents, times, officer, counter and rating."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from queue_server.core.clock import iso_local
from queue_server.models import (
    Counter,
    Feedback,
    FeedbackSource,
    Office,
    Service,
    Ticket,
    TicketStatus,
    User,
    VisitCount,
)
from queue_server.visits.dossiers import codes_by_ticket

FEED_STATUSES = (TicketStatus.DONE, TicketStatus.NO_SHOW)
# The spreadsheet's columns, in order (CSV and XLSX); nested values are flattened.
COLUMNS = ("visit", "office", "day", "number", "service", "status", "outcome", "dossiers",
           "missing", "issued_at", "called_at", "finished_at", "wait_s", "service_s", "counter",
           "officer", "rating", "levels", "form_version", "answers", "rated_at")


def visits_between(session: Session, office: Office, first: date, last: date) -> list[dict]:
    """The office's finished and absent tickets of these local days, in order of issue."""
    # Columns, not entities: a month of a busy office is thousands of rows.
    rows = session.execute(
        select(Ticket.id, Ticket.day, Ticket.number, Ticket.status, Ticket.outcome,
               Ticket.dossier_code, Ticket.missing_documents, Ticket.issued_at,
               Ticket.called_at, Ticket.last_called_at, Ticket.finished_at, Service.code,
               Counter.number, User.username, User.full_name,
               Feedback.rating, Feedback.levels, Feedback.form_version, Feedback.answers,
               Feedback.reasons, Feedback.visits, Feedback.source, Feedback.rated_at)
        .join(Service, Service.id == Ticket.service_id)
        .outerjoin(Counter, Counter.id == Ticket.counter_id)
        .outerjoin(User, User.id == Ticket.officer_id)
        .outerjoin(Feedback, Feedback.ticket_id == Ticket.id)
        .where(Ticket.office_id == office.id, Ticket.day >= first, Ticket.day <= last,
               Ticket.status.in_(FEED_STATUSES))
        .order_by(Ticket.issued_at, Ticket.id)).all()
    codes = codes_by_ticket(session, [row[0] for row in rows if row[5]])
    visits = []
    for (ticket_id, day, number, status, outcome, _first_code, missing, issued_at, called_at,
         last_called_at, finished_at, service, counter, username, full_name, *rating) in rows:
        visit = _visit(office, day=day, number=number, service=service, status=status,
                       outcome=outcome, dossiers=codes.get(ticket_id, []),
                       missing=list(missing or []), issued_at=issued_at,
                       called_at=called_at, last_called_at=last_called_at,
                       finished_at=finished_at, counter=counter, username=username,
                       full_name=full_name)
        visit["rating"] = _rating(office.timezone, *rating) if rating[0] is not None else None
        visits.append(visit)
    return visits


def visit_json(office: Office, ticket: Ticket, service: Service, counter: Counter | None,
               officer: User | None, feedback: Feedback | None, *,
               dossiers: list[str]) -> dict:
    """One visit as the feed and the visit.finished event give it."""
    visit = _visit(office, day=ticket.day, number=ticket.number, service=service.code,
                   status=ticket.status, outcome=ticket.outcome, dossiers=dossiers,
                   missing=list(ticket.missing_documents or []), issued_at=ticket.issued_at,
                   called_at=ticket.called_at,
                   last_called_at=ticket.last_called_at, finished_at=ticket.finished_at,
                   counter=counter.number if counter else None,
                   username=officer.username if officer else None,
                   full_name=officer.full_name if officer else None)
    visit["rating"] = rating_json(feedback, office.timezone) if feedback else None
    return visit


def _visit(office: Office, *, day: date, number: str, service: str, status: TicketStatus,
           outcome: str | None, dossiers: list[str], missing: list[str], issued_at: datetime,
           called_at: datetime | None, last_called_at: datetime | None,
           finished_at: datetime | None, counter: int | None, username: str | None,
           full_name: str | None) -> dict:
    zone = office.timezone
    return {
        "visit": f"{office.slug}/{day.isoformat()}/{number}",
        "office": office.slug, "day": day.isoformat(), "number": number,
        "service": service, "status": status.value, "outcome": outcome,
        "dossiers": dossiers,
        # With the supplement outcome: the procedure's documents the citizen must still bring.
        "missing": missing,
        "issued_at": iso_local(issued_at, zone),
        "called_at": iso_local(called_at, zone),
        "finished_at": iso_local(finished_at, zone),
        "wait_s": _seconds(called_at, issued_at),
        "service_s": (_seconds(finished_at, last_called_at)
                      if status is TicketStatus.DONE else None),
        "counter": counter,
        "officer": username,
        "officer_name": (full_name or username) if username else None,
    }


def rating_json(feedback: Feedback, timezone: str) -> dict:
    """A rating with the form version it answered and its answers (no comment: free text may
    hold personal data, and the feed leaves the server)."""
    return _rating(timezone, feedback.rating, feedback.levels, feedback.form_version,
                   feedback.answers, feedback.reasons, feedback.visits, feedback.source,
                   feedback.rated_at)


def _rating(timezone: str, rating: int, levels: int, form_version: int, answers: dict | None,
            reasons: list | None, visits: VisitCount | None, source: FeedbackSource,
            rated_at: datetime) -> dict:
    return {"rating": rating, "levels": levels, "form_version": form_version,
            "answers": dict(answers or {}), "reasons": list(reasons or []),
            "visits": visits.value if visits else None, "source": source.value,
            "rated_at": iso_local(rated_at, timezone)}


def visit_id(office: Office, ticket: Ticket) -> str:
    """A stable id for a visit that reveals nothing of the ticket's lookup code."""
    return f"{office.slug}/{ticket.day.isoformat()}/{ticket.number}"


def flat_row(visit: dict) -> list[object]:
    """One visit as a spreadsheet row, in COLUMNS order."""
    rating = visit["rating"] or {}
    values = {**visit, "dossiers": " ".join(visit["dossiers"]),
              # Documents may hold commas and spaces: a bar between them.
              "missing": " | ".join(visit["missing"]),
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
