"""Citizens' ratings: one per finished ticket, attributed to the counter and officer who
served it. Plain functions over a session with an explicit `now`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from queue_server.core.errors import Conflict, InvalidInput, NotFound
from queue_server.feedback.forms import (
    checked_answers,
    current_form,
    current_version,
    satisfied_from,
)
from queue_server.models import Feedback, FeedbackSource, Ticket, TicketStatus, VisitCount

# 5 Rất hài lòng, 4 Hài lòng, 3 Bình thường, 2 Không hài lòng, 1 Rất không hài lòng.
RATINGS = range(1, 6)
# Reasons are asked for at this rating and below (of the built-in five-level form; below the
# satisfied levels of any form).
LOW_RATING = 3
REASONS = ("officer_attitude", "waiting_time", "procedure_unclear", "asked_to_come_back",
           "facilities", "other")
MAX_COMMENT_LENGTH = 500


def submit_feedback(session: Session, ticket: Ticket, *, rating: int,
                    reasons: Sequence[str] | None, comment: str | None, visits: str | None,
                    source: FeedbackSource, now: datetime,
                    device_id: int | None = None, answers: object = None,
                    entered_by_id: int | None = None) -> Feedback:
    """Record the rating of a finished ticket on the office's form; 409 when it is not
    finished or already rated."""
    form = current_form(ticket.office)
    answered = checked_answers(form, rating, answers)
    reasons = _checked_reasons(rating, reasons, form["levels"])
    comment = _checked_comment(comment)
    visit_count = _checked_visits(visits)
    if ticket.status is not TicketStatus.DONE:
        raise Conflict("ticket_not_finished", number=ticket.number)
    if is_rated(session, ticket):
        raise Conflict("already_rated", number=ticket.number)
    feedback = Feedback(
        ticket_id=ticket.id, office_id=ticket.office_id, service_id=ticket.service_id,
        counter_id=ticket.counter_id, officer_id=ticket.officer_id, rating=rating,
        reasons=reasons, comment=comment, visits=visit_count, source=source,
        device_id=device_id, rated_at=now, levels=form["levels"], answers=answered,
        form_version=current_version(session, ticket.office), entered_by_id=entered_by_id)
    session.add(feedback)
    session.flush()
    return feedback


def find_served_ticket(session: Session, office_id: int, day: date, number: str) -> Ticket:
    """The office's ticket of this number on this local day, for a paper form; 404."""
    ticket = session.scalar(select(Ticket).where(
        Ticket.office_id == office_id, Ticket.day == day, Ticket.number == number.strip()))
    if ticket is None:
        raise NotFound("paper_ticket_not_found", number=number.strip()[:16], day=day.isoformat())
    return ticket


def is_rated(session: Session, ticket: Ticket) -> bool:
    """Whether the ticket already has its rating."""
    return session.scalar(select(Feedback.id).where(Feedback.ticket_id == ticket.id)) is not None


def _checked_reasons(rating: int, reasons: Sequence[str] | None, levels: int) -> list[str]:
    reasons = list(reasons or [])
    if not all(isinstance(reason, str) for reason in reasons):
        raise InvalidInput("invalid_field", field="reasons", reason="must be a list of codes")
    if reasons and rating >= satisfied_from(levels):
        raise InvalidInput("reasons_need_low_rating")
    unknown = [reason for reason in reasons if reason not in REASONS]
    if unknown:
        raise InvalidInput("unknown_reason", reason=unknown[0], known=", ".join(REASONS))
    if len(set(reasons)) != len(reasons):
        raise InvalidInput("invalid_field", field="reasons", reason="listed twice")
    # Kept in the catalogue's order, so reports group them alike.
    return [reason for reason in REASONS if reason in reasons]


def _checked_comment(comment: str | None) -> str | None:
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT_LENGTH:
        raise InvalidInput("comment_too_long", maximum=MAX_COMMENT_LENGTH)
    return comment or None


def _checked_visits(visits: str | None) -> VisitCount | None:
    if visits is None:
        return None
    try:
        return VisitCount(visits)
    except ValueError:
        raise InvalidInput("invalid_visits") from None
