"""The feedback inbox: every rating of 3 or less and every written comment, assigned, answered
and closed by a manager within the office's target of working days.

An item is the rating itself (no copy is made when a citizen rates); its handling lives in a
FeedbackCase row created at the first action. Plain functions over a session with `now`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from queue_server.core.clock import iso_local, local_day
from queue_server.core.errors import Conflict, InvalidInput, NotFound
from queue_server.core.sqltime import local_date
from queue_server.feedback.forms import satisfied_from
from queue_server.models import Counter, Feedback, FeedbackCase, Office, Role, Service, Ticket, User
from queue_server.reports.figures import Scope, share
from queue_server.tickets.workdays import WorkCalendar

MAX_ANSWER_LENGTH = 1000
MAX_NOTE_LENGTH = 1000
LIST_LIMIT = 500
STATES = ("open", "closed", "all")


def _lands_in_inbox(rating: Any, levels: Any, comment: Any) -> Any:
    # One rule for both sides: on columns it builds the SQL condition, on a rating's values
    # it answers True or False (`|` and `!= None` mean the same in both). Below the form's
    # satisfied levels: 3 or less of five, 2 or less of three.
    return (rating < satisfied_from(levels)) | (comment != None)  # noqa: E711 - builds SQL


IS_INBOX_ITEM = _lands_in_inbox(Feedback.rating, Feedback.levels, Feedback.comment)


def is_inbox_item(rating: Feedback) -> bool:
    """Whether a rating lands in the inbox (IS_INBOX_ITEM, for one rating in hand)."""
    return bool(_lands_in_inbox(rating.rating, rating.levels, rating.comment))


@dataclass(frozen=True)
class Deadline:
    """Where an item stands against the office's target, in working days."""

    rated_on: date
    due_on: date
    age_working_days: int
    is_overdue: bool
    closed_within_target: bool | None


def deadline(office: Office, rated_at: datetime, closed_at: datetime | None,
             now: datetime) -> Deadline:
    """The item's due day, its age and whether it was (or is being) handled in time."""
    calendar = WorkCalendar.of(office.holidays)
    rated_on = local_day(rated_at, office.timezone)
    due_on = calendar.add(rated_on, office.feedback_target_days)
    ended_on = local_day(closed_at or now, office.timezone)
    within = None if closed_at is None else ended_on <= due_on
    return Deadline(rated_on, due_on, calendar.between(rated_on, ended_on),
                    closed_at is None and ended_on > due_on, within)


def find_item(session: Session, office: Office, item_id: int) -> Feedback:
    """The office's inbox item with this id, or 404 unknown_feedback_item."""
    item = None if not 0 < item_id < 2**31 else session.scalar(select(Feedback).where(
        Feedback.id == item_id, Feedback.office_id == office.id, IS_INBOX_ITEM))
    if item is None:
        raise NotFound("unknown_feedback_item", item=item_id)
    return item


def _case_of(session: Session, item: Feedback, *, for_change: bool = True) -> FeedbackCase:
    case = session.scalar(select(FeedbackCase).where(FeedbackCase.feedback_id == item.id))
    if case is None:
        case = FeedbackCase(feedback_id=item.id, office_id=item.office_id)
        session.add(case)
    if for_change and case.closed_at is not None:
        raise Conflict("feedback_item_closed", item=item.id)
    return case


def assign(session: Session, office: Office, item: Feedback, username: str, *, by_user_id: int,
           now: datetime) -> FeedbackCase:
    """Make a person of the office (or an admin) responsible for the item."""
    assignee = session.scalar(select(User).where(User.username == username, User.is_active))
    if assignee is None or (assignee.role is not Role.ADMIN
                            and assignee.office_id != office.id):
        raise InvalidInput("unknown_assignee", username=username)
    case = _case_of(session, item)
    case.assignee_id, case.assigned_by_id, case.assigned_at = assignee.id, by_user_id, now
    session.flush()
    return case


def answer(session: Session, item: Feedback, text: str, *, by_user_id: int,
           now: datetime) -> FeedbackCase:
    """Write (or correct) the answer the citizen sees on the ticket page."""
    checked = _checked_text(text, MAX_ANSWER_LENGTH, "answer")
    if checked is None:
        raise InvalidInput("invalid_field", field="answer", reason="required")
    case = _case_of(session, item)
    case.answer, case.answered_by_id, case.answered_at = checked, by_user_id, now
    session.flush()
    return case


def close(session: Session, item: Feedback, note: str | None, *, by_user_id: int,
          now: datetime) -> FeedbackCase:
    """Mark the item handled, with an optional internal note; a closed item stays closed."""
    case = _case_of(session, item)
    case.note = _checked_text(note, MAX_NOTE_LENGTH, "note")
    case.closed_by_id, case.closed_at = by_user_id, now
    session.flush()
    return case


def _checked_text(text: str | None, limit: int, field: str) -> str | None:
    text = (text or "").strip()
    if len(text) > limit:
        raise InvalidInput("invalid_field", field=field, reason=f"at most {limit} characters")
    return text or None


def list_items(session: Session, office: Office, now: datetime, state: str = "open") -> list[dict]:
    """The office's items: open ones oldest first, closed ones newest first."""
    if state not in STATES:
        raise InvalidInput("invalid_field", field="state", reason="open, closed or all")
    officer, assignee = aliased(User), aliased(User)
    query = (select(Feedback, FeedbackCase, Ticket.number, Ticket.day, Service.code,
                    Service.name, Counter.number, officer.username, officer.full_name,
                    assignee.username)
             .join(Ticket, Ticket.id == Feedback.ticket_id)
             .join(Service, Service.id == Ticket.issued_service_id)
             .outerjoin(Counter, Counter.id == Feedback.counter_id)
             .outerjoin(officer, officer.id == Feedback.officer_id)
             .outerjoin(FeedbackCase, FeedbackCase.feedback_id == Feedback.id)
             .outerjoin(assignee, assignee.id == FeedbackCase.assignee_id)
             .where(Feedback.office_id == office.id, IS_INBOX_ITEM))
    if state == "open":
        query = query.where(FeedbackCase.closed_at.is_(None)).order_by(Feedback.rated_at)
    else:
        if state == "closed":
            query = query.where(FeedbackCase.closed_at.is_not(None))
        query = query.order_by(Feedback.rated_at.desc())
    # The row is the ten columns _item_json takes after office and now.
    return [_item_json(office, now, *row)  # type: ignore[call-arg]
            for row in session.execute(query.limit(LIST_LIMIT))]


def _item_json(office: Office, now: datetime, item: Feedback, case: FeedbackCase | None,
               number: str, day: date, service: str, service_name: str, counter: int | None,
               officer: str | None, officer_name: str | None, assignee: str | None) -> dict:
    zone = office.timezone
    closed_at = case.closed_at if case else None
    due = deadline(office, item.rated_at, closed_at, now)
    return {
        "id": item.id, "number": number, "day": day.isoformat(), "service": service,
        "service_name": service_name, "counter": counter, "staff": officer,
        "staff_name": officer_name or officer, "rating": item.rating, "reasons": item.reasons,
        "comment": item.comment, "visits": item.visits.value if item.visits else None,
        "rated_at": iso_local(item.rated_at, zone), "state": _state(case),
        "due_on": due.due_on.isoformat(), "age_working_days": due.age_working_days,
        "is_overdue": due.is_overdue, "closed_within_target": due.closed_within_target,
        "assignee": assignee,
        "assigned_at": iso_local(case.assigned_at if case else None, zone),
        "answer": case.answer if case else None,
        "answered_at": iso_local(case.answered_at if case else None, zone),
        "note": case.note if case else None, "closed_at": iso_local(closed_at, zone),
    }


def _state(case: FeedbackCase | None) -> str:
    if case is None:
        return "new"
    if case.closed_at is not None:
        return "closed"
    if case.answer:
        return "answered"
    return "assigned" if case.assignee_id else "new"


def item_json(session: Session, office: Office, item: Feedback, now: datetime) -> dict:
    """One item as list_items gives it."""
    case = session.scalar(select(FeedbackCase).where(FeedbackCase.feedback_id == item.id))
    ticket = session.get(Ticket, item.ticket_id)
    counter = session.get(Counter, item.counter_id) if item.counter_id else None
    officer = session.get(User, item.officer_id) if item.officer_id else None
    assignee = session.get(User, case.assignee_id) if case and case.assignee_id else None
    assert ticket is not None  # a rating's ticket is never deleted
    service = session.get(Service, ticket.issued_service_id)
    assert service is not None
    return _item_json(office, now, item, case, ticket.number, ticket.day, service.code,
                      service.name, counter.number if counter else None,
                      officer.username if officer else None,
                      officer.full_name if officer else None,
                      assignee.username if assignee else None)


def period_summary(session: Session, office: Office, scope: Scope, now: datetime) -> dict:
    """Items from the scope's tickets: how many, still open, overdue, handled within target.

    The share counts closed items and open ones already past their due day; items still
    within their target are not decided yet. The database counts items per (rated day,
    closed day); working days, which depend on the office's holidays, are counted here.
    """
    start, end = scope.period.utc_bounds(office.timezone)
    dialect, horizon = session.get_bind().dialect.name, max(end, now)
    rated_on = local_date(dialect, Feedback.rated_at, office.timezone, start, horizon)
    closed_on = local_date(dialect, FeedbackCase.closed_at, office.timezone, start, horizon)
    rows = session.execute(
        select(rated_on, closed_on, func.count(), func.count(FeedbackCase.answer))
        .join(Ticket, Ticket.id == Feedback.ticket_id)
        .outerjoin(FeedbackCase, FeedbackCase.feedback_id == Feedback.id)
        .where(IS_INBOX_ITEM, *scope.conditions())
        .group_by(rated_on, closed_on)).all()
    calendar, today = WorkCalendar.of(office.holidays), local_day(now, office.timezone)
    items = answered = closed = within = overdue = 0
    for rated, ended, count, with_answer in rows:
        due_on = calendar.add(_as_date(rated), office.feedback_target_days)
        items, answered = items + count, answered + with_answer
        if ended is not None:
            closed += count
            within += count if _as_date(ended) <= due_on else 0
        elif today > due_on:
            overdue += count
    return {"items": items, "open": items - closed, "overdue": overdue, "answered": answered,
            "closed": closed, "closed_within_target": within,
            "target_working_days": office.feedback_target_days,
            "within_target_share": share(within, closed + overdue)}


def _as_date(value: str | date) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def live_summary(session: Session, office: Office, now: datetime) -> dict:
    """Open items now: how many, how many overdue, the oldest one's age in working days."""
    rows = session.scalars(
        select(Feedback.rated_at)
        .outerjoin(FeedbackCase, FeedbackCase.feedback_id == Feedback.id)
        .where(Feedback.office_id == office.id, IS_INBOX_ITEM, FeedbackCase.closed_at.is_(None))
        .order_by(Feedback.rated_at)).all()
    deadlines = [deadline(office, rated_at, None, now) for rated_at in rows]
    return {"open": len(rows), "overdue": sum(1 for due in deadlines if due.is_overdue),
            "oldest_age_working_days": deadlines[0].age_working_days if deadlines else None,
            "target_working_days": office.feedback_target_days}


def open_counts(session: Session, office_ids: list[int]) -> dict[int, int]:
    """Open inbox items per office."""
    rows = session.execute(
        select(Feedback.office_id, func.count())
        .outerjoin(FeedbackCase, FeedbackCase.feedback_id == Feedback.id)
        .where(Feedback.office_id.in_(office_ids), IS_INBOX_ITEM,
               FeedbackCase.closed_at.is_(None))
        .group_by(Feedback.office_id))
    return dict(rows.all())


def citizen_reply(session: Session, ticket: Ticket) -> dict:
    """The office's answer to the ticket's rating, for the citizen's page (None until then)."""
    row = session.execute(
        select(FeedbackCase.answer, FeedbackCase.answered_at)
        .join(Feedback, Feedback.id == FeedbackCase.feedback_id)
        .where(Feedback.ticket_id == ticket.id, FeedbackCase.answer.is_not(None))).first()
    zone = ticket.office.timezone
    return {"answer": row.answer if row else None,
            "answered_at": iso_local(row.answered_at, zone) if row else None}
