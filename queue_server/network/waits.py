"""Where to go now: every office of the province that serves a service, its queue and hours.

The figures are the ones each office's kiosk shows (the cached queue state and its forecast),
so the phone, the counter's referral and the kiosk never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from queue_server.core.errors import NotFound
from queue_server.core.greenlets import let_others_run
from queue_server.models import Office, Procedure, Service
from queue_server.tickets.lifecycle import schedule_of
from queue_server.tickets.queue_state import load_queue


@dataclass(frozen=True)
class OfficeWait:
    """One office's answer: open or when it opens, how many wait, how long a new ticket waits.

    estimated_wait_s is None when the office is closed or nobody can forecast the wait;
    next_open is None while open, or when the office does not open within weeks.
    """

    office: Office
    service: Service
    procedure: Procedure | None
    is_open: bool
    next_open: datetime | None
    waiting: int
    estimated_wait_s: int | None

    def order(self) -> tuple:
        """Open offices first, the shortest wait first; closed ones by when they open."""
        if self.is_open:
            wait = self.estimated_wait_s
            return (0, wait is None, wait or 0, self.waiting, self.office.name)
        opening = self.next_open.timestamp() if self.next_open else 0.0
        return (1, self.next_open is None, opening, 0, self.office.name)


def waits_for_service(session: Session, code: str, now: datetime) -> list[OfficeWait]:
    """Every active office with this service code, best first; NotFound when none has it."""
    rows = session.execute(
        select(Office, Service).join(Service, Service.office_id == Office.id)
        .where(Service.code == code, Service.is_active, Office.is_active)).all()
    if not rows:
        raise _not_found("unknown_service", "network_unknown_service", code)
    return _ranked([_wait_at(session, office, service, None, now) for office, service in rows])


def waits_for_procedure(session: Session, code: str, now: datetime) -> list[OfficeWait]:
    """Every active office whose catalogue offers this procedure, best first; else NotFound."""
    rows = session.execute(
        select(Office, Service, Procedure).join(Procedure, Procedure.office_id == Office.id)
        .join(Service, Service.id == Procedure.service_id)
        .where(Procedure.code == code, Procedure.is_hidden.is_(False), Service.is_active,
               Office.is_active)).all()
    if not rows:
        raise _not_found("unknown_procedure", "network_unknown_procedure", code)
    return _ranked([_wait_at(session, office, service, procedure, now)
                    for office, service, procedure in rows])


def _wait_at(session: Session, office: Office, service: Service, procedure: Procedure | None,
             now: datetime) -> OfficeWait:
    # A province's answer reads a hundred queues or more: requests waiting behind it on this
    # process's one event loop go between two offices, not after the last.
    let_others_run()
    schedule = schedule_of(office)
    state = load_queue(session, office, now)
    # As the kiosk decides: the office's hours, a counter that calls it, not closed by staff.
    office_open = schedule.is_open(now)
    is_open = office_open and bool(state.counter_numbers(service.id)) and not service.is_closed
    return OfficeWait(
        office=office, service=service, procedure=procedure, is_open=is_open,
        # Closed by staff within opening hours: nobody knows when it takes tickets again.
        next_open=None if office_open else schedule.next_opening(now),
        waiting=state.waiting().get(service.code, 0),
        estimated_wait_s=state.forecast_new(service.id).estimated_wait_s if is_open else None)


def _ranked(waits: list[OfficeWait]) -> list[OfficeWait]:
    return sorted(waits, key=OfficeWait.order)


def _not_found(code: str, message_key: str, value: str) -> NotFound:
    error = NotFound(code, code=value)
    error.message_key = message_key  # the office-level message speaks of one office
    return error

