"""A dossier's history across every office of the server (citizens may file at any desk)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from queue_server.core.clock import iso_local
from queue_server.models import Counter, Office, Service, Ticket, TicketDossier, TicketStatus, User
from queue_server.visits.dossiers import normalise
from queue_server.visits.outcomes import outcome_labels

MAX_VISITS = 100


def dossier_history(session: Session, code: str) -> dict | None:
    """{"dossier", "contacts", "visits": [...]} oldest first; None when no finished visit
    carries the code."""
    dossier = normalise(code)
    rows = session.execute(
        select(Ticket, Office, Service, Counter, User)
        .join(TicketDossier, TicketDossier.ticket_id == Ticket.id)
        .join(Office, Office.id == Ticket.office_id)
        .join(Service, Service.id == Ticket.service_id)
        .outerjoin(Counter, Counter.id == Ticket.counter_id)
        .outerjoin(User, User.id == Ticket.officer_id)
        .where(TicketDossier.normalised == dossier, Ticket.status == TicketStatus.DONE)
        .order_by(Ticket.finished_at, Ticket.id).limit(MAX_VISITS)).all()
    if not rows:
        return None
    return {"dossier": dossier, "contacts": len(rows),
            "visits": [_visit(*row) for row in rows]}


def _visit(ticket: Ticket, office: Office, service: Service, counter: Counter | None,
           officer: User | None) -> dict:
    return {"office": office.slug, "office_name": office.name, "number": ticket.number,
            "service": service.code, "service_name": service.name,
            "outcome": ticket.outcome,
            "outcome_label": outcome_labels(office)[ticket.outcome] if ticket.outcome else None,
            "counter": counter.number if counter else None,
            "counter_name": counter.name if counter else None,
            "officer": (officer.full_name or officer.username) if officer else None,
            "finished_at": iso_local(ticket.finished_at, office.timezone)}
