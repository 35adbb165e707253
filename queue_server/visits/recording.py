"""Recording what happened at the counter: before, at or after the finish."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from queue_server.core.errors import Conflict, InvalidInput
from queue_server.models import Counter, Ticket, TicketEventKind, TicketStatus
from queue_server.tickets import lifecycle
from queue_server.tickets.lifecycle import Actor
from queue_server.visits.dossiers import checked_codes, replace_codes, ticket_codes
from queue_server.visits.missing import SUPPLEMENT, check_missing_fits, checked_missing
from queue_server.visits.outcomes import checked_outcome

# A visit is recorded while the citizen is at the counter, or corrected after the finish.
_OPEN = (TicketStatus.CALLED, TicketStatus.DONE)


def record_visit(session: Session, ticket: Ticket, *, outcome: str | None,
                 dossiers: Sequence[object] | None, now: datetime, actor: Actor,
                 missing: Sequence[object] | None = None) -> Ticket:
    """Set the outcome, the dossier codes and/or the missing documents (None: unchanged);
    logged with before/after. Another outcome than supplement clears the missing documents."""
    outcome = checked_outcome(outcome)
    codes = checked_codes(ticket.office, dossiers) if dossiers is not None else None
    documents = checked_missing(ticket, missing)
    if ticket.status not in _OPEN:
        raise Conflict("visit_not_open", number=ticket.number)
    resulting = outcome if outcome is not None else ticket.outcome
    if documents is None and resulting != SUPPLEMENT and ticket.missing_documents:
        documents = []
    check_missing_fits(resulting, documents or [])
    changes: dict[str, object] = {}
    if outcome is not None and outcome != ticket.outcome:
        changes["outcome"] = [ticket.outcome, outcome]
        ticket.outcome = outcome
    if codes is not None:
        before = ticket_codes(session, ticket) if ticket.dossier_code else []
        if before != list(codes):
            changes["dossiers"] = [before, list(codes)]
            replace_codes(session, ticket, codes)
            session.expire(ticket, ["dossiers"])
    before_missing = list(ticket.missing_documents or [])
    if documents is not None and documents != before_missing:
        changes["missing"] = [before_missing, documents]
        ticket.missing_documents = documents or None
    if changes:
        lifecycle.log_event(session, ticket, TicketEventKind.VISIT_RECORDED, now=now,
                            actor=actor, counter=ticket.counter, **changes)
    return ticket


def check_can_finish(session: Session, counter: Counter) -> None:
    """400 outcome_required when the office requires an outcome and the counter's current
    ticket has none (finish, and the call that finishes it)."""
    if not counter.office.require_outcome:
        return
    ticket = lifecycle.current_ticket(session, counter)
    if ticket is not None and ticket.outcome is None:
        raise InvalidInput("outcome_required", number=ticket.number)


def finish_visit(session: Session, counter: Counter, *, outcome: str | None,
                 dossiers: Sequence[object] | None, now: datetime, actor: Actor,
                 missing: Sequence[object] | None = None) -> Ticket:
    """Record what the finish request brings, then finish the counter's current ticket."""
    checked_outcome(outcome)
    if dossiers is not None:
        checked_codes(counter.office, dossiers)
    ticket = lifecycle.current_ticket(session, counter)
    if ticket is not None and any(value is not None for value in (outcome, dossiers, missing)):
        record_visit(session, ticket, outcome=outcome, dossiers=dossiers, now=now, actor=actor,
                     missing=missing)
    check_can_finish(session, counter)
    return lifecycle.finish(session, counter, now=now, actor=actor)
