"""Figures for monitoring: today's tickets per office and service, print jobs not printed,
messages to citizens not yet sent.

Read from the database at each scrape, so every server process reports the same exact figures
and a restart loses nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from queue_server.core.clock import local_day
from queue_server.models import (
    Device,
    MessageStatus,
    Office,
    OutboxMessage,
    PrintJob,
    PrintJobStatus,
    Service,
    Ticket,
    TicketStatus,
)

UNPRINTED = (PrintJobStatus.PENDING, PrintJobStatus.SENT)
UNSENT = (MessageStatus.QUEUED, MessageStatus.SENDING)


@dataclass(frozen=True)
class ServiceDay:
    """Today's tickets of one service: issued, ever called, finished, no-show, waiting now."""

    office: str
    service: str
    issued: int
    called: int
    finished: int
    no_show: int
    waiting: int


def service_days(session: Session, now: datetime) -> list[ServiceDay]:
    """Every active office's services with today's counts (local day of each office)."""
    offices = session.execute(select(Office.id, Office.slug, Office.timezone)
                              .where(Office.is_active).order_by(Office.slug)).all()
    figures: list[ServiceDay] = []
    for office_id, slug, timezone in offices:
        figures.extend(_office_day(session, office_id, slug, local_day(now, timezone)))
    return figures


def _office_day(session: Session, office_id: int, slug: str, day: date) -> Iterable[ServiceDay]:
    def count(condition: ColumnElement[bool]) -> ColumnElement[int]:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    # The number is counted where it was issued; waiting is counted in the queue it is in now.
    issued = {service_id: int(total) for service_id, total in session.execute(
        select(Ticket.issued_service_id, func.count()).where(
            Ticket.office_id == office_id, Ticket.day == day)
        .group_by(Ticket.issued_service_id))}
    rows = session.execute(
        select(Ticket.service_id, count(Ticket.called_at.is_not(None)),
               count(Ticket.status == TicketStatus.DONE),
               count(Ticket.status == TicketStatus.NO_SHOW),
               count(Ticket.status == TicketStatus.WAITING))
        .where(Ticket.office_id == office_id, Ticket.day == day)
        .group_by(Ticket.service_id)).all()
    by_service = {row[0]: tuple(int(value) for value in row[1:]) for row in rows}
    services = session.execute(select(Service.id, Service.code)
                               .where(Service.office_id == office_id).order_by(Service.code))
    for service_id, code in services:
        called, finished, no_show, waiting = by_service.get(service_id, (0, 0, 0, 0))
        yield ServiceDay(slug, code, issued.get(service_id, 0), called, finished,
                         no_show, waiting)


def unprinted_jobs(session: Session) -> dict[str, int]:
    """Print jobs not yet printed (pending or sent), by office slug."""
    rows = session.execute(
        select(Office.slug, func.count(PrintJob.id))
        .join(Device, Device.id == PrintJob.printer_id)
        .join(Office, Office.id == Device.office_id)
        .where(PrintJob.status.in_(UNPRINTED))
        .group_by(Office.slug))
    return {slug: int(total) for slug, total in rows}


def outbox_backlog(session: Session) -> dict[tuple[str, str], int]:
    """Messages to citizens not yet sent (queued or being sent), by office slug and channel."""
    rows = session.execute(
        select(Office.slug, OutboxMessage.channel, func.count(OutboxMessage.id))
        .join(Office, Office.id == OutboxMessage.office_id)
        .where(OutboxMessage.status.in_(UNSENT))
        .group_by(Office.slug, OutboxMessage.channel))
    return {(slug, channel): int(total) for slug, channel, total in rows}
