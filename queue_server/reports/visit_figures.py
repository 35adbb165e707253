"""What the province scores: the six criteria of the rating form, and what became of dossiers.

- criteria: each answer to a question of the office's rating form counts for the question's
  criterion (in the form version the rating answered); satisfied = the top two levels of a
  five-level form, the top one of a three-level form;
- dossiers: `seen` = distinct dossier codes on the period's finished tickets; `by_outcome`
  counts those tickets by outcome (`unrecorded`: none given); `first_contact_share` = among
  dossiers received in the period (a finished visit with the outcome `received`), the share
  whose first finished visit, at any office of the server, was that one;
- by service: finished tickets of each service and the share sent back to complete the file
  (`supplement`), most sent back first.
"""

from __future__ import annotations

from collections import Counter as Tally
from collections.abc import Iterable

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from queue_server.core.clock import local_day
from queue_server.feedback.forms import CRITERIA, DEFAULT_FORM, satisfied_from
from queue_server.models import (
    Feedback,
    Office,
    RatingForm,
    Service,
    Ticket,
    TicketDossier,
    TicketStatus,
    User,
)
from queue_server.reports.figures import Scope, share
from queue_server.visits.outcomes import OUTCOMES

UNRECORDED = "unrecorded"
# The plan's targets for "% hài lòng" unless the office sets its own: the minimum and the goal.
DEFAULT_TARGETS = (85, 95)


def criteria_targets(office: Office) -> dict:
    """The office's "% hài lòng" targets as shares: {"minimum", "goal"}."""
    minimum, goal = office.satisfaction_targets or DEFAULT_TARGETS
    return {"minimum": minimum / 100, "goal": goal / 100}


def criteria_figures(session: Session, scope: Scope) -> dict:
    """{"criteria", "criteria_by_month", "criteria_by_staff"} for the scope's rated tickets."""
    forms = _question_criteria(session, scope.office_ids)
    rows = session.execute(
        select(Feedback.office_id, Feedback.form_version, Feedback.levels, Feedback.answers,
               Feedback.rated_at, Ticket.officer_id)
        .join(Ticket, Ticket.id == Feedback.ticket_id)
        .where(*scope.conditions(), Feedback.answers != None)  # noqa: E711 - SQL
    ).all()
    total = _Tallies()
    months: dict[str, _Tallies] = {}
    officers: dict[int | None, _Tallies] = {}
    for office_id, version, levels, answers, rated_at, officer_id in rows:
        criteria = forms.get((office_id, version), {})
        month = local_day(rated_at, scope.timezone).isoformat()[:7]
        for code, level in (answers or {}).items():
            criterion = criteria.get(code)
            if criterion is None:
                continue
            satisfied = level >= satisfied_from(levels)
            for tally in (total, months.setdefault(month, _Tallies()),
                          officers.setdefault(officer_id, _Tallies())):
                tally.add(criterion, satisfied)
    names = _officer_names(session, [key for key in officers if key is not None])
    return {
        "criteria": total.json(),
        "criteria_by_month": [{"month": month, "criteria": tally.json()}
                              for month, tally in sorted(months.items())],
        "criteria_by_staff": sorted(
            ({"staff": names[key][0], "name": names[key][1], "criteria": tally.json()}
             for key, tally in officers.items() if key in names),
            key=lambda row: row["name"].casefold()),
    }


class _Tallies:
    def __init__(self) -> None:
        self.responses: Tally[str] = Tally()
        self.satisfied: Tally[str] = Tally()

    def add(self, criterion: str, satisfied: bool) -> None:
        self.responses[criterion] += 1
        self.satisfied[criterion] += satisfied

    def json(self) -> dict:
        return {criterion: {"responses": self.responses[criterion],
                            "satisfied_share": share(self.satisfied[criterion],
                                                     self.responses[criterion])}
                for criterion in CRITERIA}


def _question_criteria(session: Session, office_ids: Iterable[int]) -> dict:
    """{(office id, version): {question code: criterion}} of every form version."""
    found: dict = {}
    for office_id, version, form in session.execute(
            select(RatingForm.office_id, RatingForm.version, RatingForm.form)
            .where(RatingForm.office_id.in_(list(office_ids)))):
        found[(office_id, version)] = {question["code"]: question["criterion"]
                                       for question in (form or DEFAULT_FORM)["questions"]}
    return found


def _officer_names(session: Session, ids: list[int]) -> dict[int, tuple[str, str]]:
    return {user.id: (user.username, user.full_name or user.username)
            for user in session.scalars(select(User).where(User.id.in_(ids)))}


def dossier_figures(session: Session, scope: Scope) -> dict:
    """{"seen", "first_contact_share", "by_outcome", "by_service"} of the scope."""
    finished = [*scope.conditions(), Ticket.status == TicketStatus.DONE]
    outcomes = dict(session.execute(select(Ticket.outcome, func.count()).where(*finished)
                                    .group_by(Ticket.outcome)).all())
    seen = session.scalar(select(func.count(func.distinct(TicketDossier.normalised)))
                          .join(Ticket, Ticket.id == TicketDossier.ticket_id)
                          .where(*finished)) or 0
    return {"seen": seen, "first_contact_share": _first_contact_share(session, finished),
            "by_outcome": {**{code: outcomes.get(code, 0) for code in OUTCOMES},
                           UNRECORDED: outcomes.get(None, 0)},
            "by_service": _sent_back_by_service(session, finished)}


def _first_contact_share(session: Session, finished: list) -> float | None:
    received = (select(TicketDossier.normalised, func.min(Ticket.finished_at).label("at"))
                .join(Ticket, Ticket.id == TicketDossier.ticket_id)
                .where(*finished, Ticket.outcome == "received")
                .group_by(TicketDossier.normalised).subquery())
    # Each of those codes' first finished visit, at any office of the server.
    first = (select(TicketDossier.normalised, func.min(Ticket.finished_at).label("first_at"))
             .join(Ticket, Ticket.id == TicketDossier.ticket_id)
             .where(Ticket.status == TicketStatus.DONE,
                    TicketDossier.normalised.in_(select(received.c.normalised)))
             .group_by(TicketDossier.normalised).subquery())
    rows = session.execute(select(received.c.at, first.c.first_at)
                           .join(first, first.c.normalised == received.c.normalised)).all()
    if not rows:
        return None
    return share(sum(1 for at, first_at in rows if at == first_at), len(rows))


def first_contact_share(session: Session, scope: Scope) -> float | None:
    """The scope's first_contact_share alone (see dossier_figures)."""
    return _first_contact_share(session, [*scope.conditions(),
                                          Ticket.status == TicketStatus.DONE])


def first_contact_by_office(session: Session, scope: Scope) -> dict[int, float | None]:
    """{office id: first_contact_share} of the scope's offices, in one query.

    As in dossier_figures, per office: among dossiers the office received in the period, the
    share whose first finished visit, at any office, was that reception.
    """
    finished = [*scope.conditions(), Ticket.status == TicketStatus.DONE]
    received = (select(Ticket.office_id, TicketDossier.normalised,
                       func.min(Ticket.finished_at).label("at"))
                .join(Ticket, Ticket.id == TicketDossier.ticket_id)
                .where(*finished, Ticket.outcome == "received")
                .group_by(Ticket.office_id, TicketDossier.normalised).subquery())
    first = (select(TicketDossier.normalised, func.min(Ticket.finished_at).label("first_at"))
             .join(Ticket, Ticket.id == TicketDossier.ticket_id)
             .where(Ticket.status == TicketStatus.DONE,
                    TicketDossier.normalised.in_(select(received.c.normalised)))
             .group_by(TicketDossier.normalised).subquery())
    rows = session.execute(
        select(received.c.office_id, func.count(),
               func.sum(case((received.c.at == first.c.first_at, 1), else_=0)))
        .join(first, first.c.normalised == received.c.normalised)
        .group_by(received.c.office_id))
    return {office_id: share(int(at_first or 0), int(count))
            for office_id, count, at_first in rows}


def _sent_back_by_service(session: Session, finished: list) -> list[dict]:
    rows = session.execute(
        select(Service.code, Service.name, func.count(),
               func.sum(case((Ticket.outcome == "supplement", 1), else_=0)))
        .join(Service, Service.id == Ticket.issued_service_id)
        .where(*finished).group_by(Service.code, Service.name)).all()
    result = [{"service": code, "name": name, "visits": visits, "supplement": sent_back,
               "supplement_share": share(sent_back, visits)}
              for code, name, visits, sent_back in rows]
    return sorted(result, key=lambda row: (-(row["supplement_share"] or 0), row["service"]))

