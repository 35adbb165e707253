"""The audit page's rows, newest first, filtered, merged from the logs that already exist.

Administration changes (from /admin, `init` and the other `queue-server` commands) are
AdminAuditEntry rows; ticket actions are TicketEvent rows; reprints are the PrintJob rows marked
is_reprint; counter pauses and resumes are CounterEvent rows. Each is written in the same
transaction as the change it records, so the page never shows what did not happen.
"""

from __future__ import annotations

import heapq
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, aliased

from queue_server.core.clock import local_time
from queue_server.models import (
    AdminAuditEntry,
    AdminObject,
    Counter,
    CounterEvent,
    CounterEventKind,
    Device,
    Office,
    PrintJob,
    Ticket,
    TicketEvent,
    TicketEventKind,
    User,
)
from queue_server.reports.safe_cells import csv_text

ADMIN_KINDS = tuple(f"admin:{kind.value}" for kind in AdminObject)
# A reprint is a ticket action, logged as its print job rather than as a ticket event.
REPRINTED = "reprinted"
REPRINT_KIND = f"ticket:{REPRINTED}"
TICKET_KINDS = (*(f"ticket:{kind.value}" for kind in TicketEventKind), REPRINT_KIND)
COUNTER_KINDS = tuple(f"counter:{kind.value}" for kind in CounterEventKind)
KINDS = ("admin", *ADMIN_KINDS, "ticket", *TICKET_KINDS, "counter", *COUNTER_KINDS)
CSV_HEADER = ("time", "office", "source", "kind", "action", "who", "where", "object",
              "details")


@dataclass(frozen=True)
class AuditFilter:
    """What to show: offices (None: all), [start, end), a username, a kind from KINDS."""

    office_ids: tuple[int, ...] | None = None
    start: datetime | None = None
    end: datetime | None = None
    username: str | None = None
    kind: str | None = None


@dataclass(frozen=True)
class AuditRow:
    """One line of the audit page, from either log."""

    at: datetime
    office: str
    timezone: str
    source: str  # "admin", "ticket" or "counter"
    kind: str  # what was changed (admin) or what happened to the ticket or counter
    action: str
    who: str
    where: str
    subject: str
    details: dict
    agent: str = ""  # the browser's (or command's) identification, for an admin change

    @property
    def local_at(self) -> datetime:
        return local_time(self.at, self.timezone)


def audit_rows(session: Session, wanted: AuditFilter, limit: int) -> tuple[list[AuditRow], bool]:
    """The newest `limit` rows and whether older ones exist."""
    rows = list(_merged(session, wanted, limit + 1))
    return rows[:limit], len(rows) > limit


def audit_csv_chunks(sessions: Callable[[], Session], wanted: AuditFilter) -> Iterator[str]:
    """Every matching row as CSV text, in chunks (safe cells: no formula ever runs).

    Streamed after the request has ended, so it reads in a session of its own, in a deferred
    transaction: SQLite writers (kiosks) never wait behind a long export.
    """
    with sessions() as session:
        session.connection(execution_options={"sqlite_begin": "DEFERRED"})
        batch: list[tuple] = []
        header: Iterable[str] | None = CSV_HEADER
        for row in _merged(session, wanted, None):
            batch.append(_csv_values(row))
            if len(batch) == 500:
                yield _csv(header, batch)
                batch, header = [], None
        if batch or header is not None:
            yield _csv(header, batch)


def _csv(header: Iterable[str] | None, rows: list[tuple]) -> str:
    text = csv_text(header or (), rows)
    text = text.removeprefix("\ufeff")
    if header is not None:
        return "\ufeff" + text
    return text.split("\r\n", 1)[1]  # csv_text always writes a header line


def _csv_values(row: AuditRow) -> tuple:
    where = " · ".join(part for part in (row.where, row.agent) if part)
    return (row.local_at.replace(microsecond=0), row.office, row.source, row.kind,
            row.action, row.who, where, row.subject,
            json.dumps(row.details, ensure_ascii=False, sort_keys=True) if row.details else "")


def _merged(session: Session, wanted: AuditFilter, limit: int | None) -> Iterator[AuditRow]:
    kind, sources = wanted.kind, []
    if kind is None or kind.startswith("admin"):
        sources.append(_admin_rows(session, wanted, limit))
    if kind is None or (kind.startswith("ticket") and kind != REPRINT_KIND):
        sources.append(_ticket_rows(session, wanted, limit))
    if kind in (None, "ticket", REPRINT_KIND):
        sources.append(_reprint_rows(session, wanted, limit))
    if kind is None or kind.startswith("counter"):
        sources.append(_counter_rows(session, wanted, limit))
    merged = heapq.merge(*sources, key=lambda row: row.at, reverse=True)
    for count, row in enumerate(merged):
        if limit is not None and count >= limit:
            return
        yield row


def _bounded(query: Select, column: Any, wanted: AuditFilter, office_column: Any) -> Select:
    if wanted.office_ids is not None:
        query = query.where(office_column.in_(wanted.office_ids))
    if wanted.start is not None:
        query = query.where(column >= wanted.start)
    if wanted.end is not None:
        query = query.where(column < wanted.end)
    return query


def _admin_rows(session: Session, wanted: AuditFilter, limit: int | None) -> Iterator[AuditRow]:
    query = (select(AdminAuditEntry, Office.slug, Office.timezone)
             .outerjoin(Office, Office.id == AdminAuditEntry.office_id)
             .order_by(AdminAuditEntry.at.desc(), AdminAuditEntry.id.desc()))
    query = _bounded(query, AdminAuditEntry.at, wanted, AdminAuditEntry.office_id)
    if wanted.username:
        query = query.where(func.lower(AdminAuditEntry.actor) == wanted.username.lower())
    if wanted.kind and wanted.kind != "admin":
        query = query.where(AdminAuditEntry.object_kind == AdminObject(wanted.kind[6:]))
    if limit is not None:
        query = query.limit(limit)
    for entry, slug, timezone in session.execute(query).yield_per(500):
        yield AuditRow(
            at=entry.at, office=slug or "", timezone=timezone or "Asia/Ho_Chi_Minh",
            source="admin", kind=entry.object_kind.value, action=entry.action.value,
            who=entry.actor, where=entry.client_address or "", subject=entry.object_key,
            details=entry.changes or {}, agent=entry.client_agent or "")


def _ticket_rows(session: Session, wanted: AuditFilter, limit: int | None) -> Iterator[AuditRow]:
    officer = aliased(User)
    query = (select(TicketEvent.at, TicketEvent.kind, TicketEvent.details, Ticket.number,
                    Office.slug, Office.timezone, officer.username, Device.name, Counter.number)
             .join(Ticket, Ticket.id == TicketEvent.ticket_id)
             .join(Office, Office.id == TicketEvent.office_id)
             .outerjoin(officer, officer.id == TicketEvent.user_id)
             .outerjoin(Device, Device.id == TicketEvent.device_id)
             .outerjoin(Counter, Counter.id == TicketEvent.counter_id)
             .order_by(TicketEvent.at.desc(), TicketEvent.id.desc()))
    # The event log's index begins with the office: naming every office lets an admin's
    # list of all offices read its dates through it instead of the whole log.
    offices = (wanted.office_ids if wanted.office_ids is not None
               else tuple(session.scalars(select(Office.id))))
    query = _bounded(query, TicketEvent.at, replace(wanted, office_ids=offices),
                     TicketEvent.office_id)
    if wanted.username:
        query = query.where(func.lower(officer.username) == wanted.username.lower())
    if wanted.kind and wanted.kind != "ticket":
        query = query.where(TicketEvent.kind == TicketEventKind(wanted.kind[7:]))
    if limit is not None:
        query = query.limit(limit)
    for at, kind, details, number, slug, timezone, username, device, counter in session.execute(
            query).yield_per(500):
        yield AuditRow(
            at=at, office=slug, timezone=timezone, source="ticket", kind=kind.value,
            action=kind.value, who=username or device or "", where=_place(counter, device),
            subject=number, details=details or {})


def _reprint_rows(session: Session, wanted: AuditFilter,
                  limit: int | None) -> Iterator[AuditRow]:
    """Staff reprints: who asked, when, on which printer (the job's state says if it printed)."""
    requester = aliased(User)
    query = (select(PrintJob.created_at, PrintJob.status, Ticket.number, Office.slug,
                    Office.timezone, requester.username, Device.name)
             .join(Ticket, Ticket.id == PrintJob.ticket_id)
             .join(Office, Office.id == Ticket.office_id)
             .join(Device, Device.id == PrintJob.printer_id)
             .outerjoin(requester, requester.id == PrintJob.requested_by_id)
             .where(PrintJob.is_reprint)
             .order_by(PrintJob.created_at.desc(), PrintJob.id.desc()))
    query = _bounded(query, PrintJob.created_at, wanted, Ticket.office_id)
    if wanted.username:
        query = query.where(func.lower(requester.username) == wanted.username.lower())
    if limit is not None:
        query = query.limit(limit)
    for at, status, number, slug, timezone, username, printer in session.execute(
            query).yield_per(500):
        yield AuditRow(
            at=at, office=slug, timezone=timezone, source="ticket", kind=REPRINTED,
            action=REPRINTED, who=username or "", where=printer, subject=number,
            details={"print": status.value})


def _counter_rows(session: Session, wanted: AuditFilter,
                  limit: int | None) -> Iterator[AuditRow]:
    """Counter pauses (with their reason) and resumes."""
    officer = aliased(User)
    query = (select(CounterEvent.at, CounterEvent.kind, CounterEvent.reason, Counter.number,
                    Counter.name, Office.slug, Office.timezone, officer.username)
             .join(Counter, Counter.id == CounterEvent.counter_id)
             .join(Office, Office.id == Counter.office_id)
             .outerjoin(officer, officer.id == CounterEvent.user_id)
             .order_by(CounterEvent.at.desc(), CounterEvent.id.desc()))
    query = _bounded(query, CounterEvent.at, wanted, Counter.office_id)
    if wanted.username:
        query = query.where(func.lower(officer.username) == wanted.username.lower())
    if wanted.kind and wanted.kind != "counter":
        query = query.where(CounterEvent.kind == CounterEventKind(wanted.kind[8:]))
    if limit is not None:
        query = query.limit(limit)
    for at, kind, reason, number, name, slug, timezone, username in session.execute(
            query).yield_per(500):
        yield AuditRow(
            at=at, office=slug, timezone=timezone, source="counter", kind=kind.value,
            action=kind.value, who=username or "", where=_place(number, None), subject=name,
            details={"reason": reason} if reason else {})


def _place(counter: int | None, device: str | None) -> str:
    if counter is not None:
        return f"Quầy {counter}"
    return device or ""
