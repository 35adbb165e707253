"""Print jobs: which printer prints a ticket, the job lifecycle, and each printer's health.

Plain functions over a session with an explicit `now`. They may flush; they never commit,
emit, print, read settings or call the clock. A job carries the slip as data; the print
agent renders it with its own printer profile.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, event, func, or_, select
from sqlalchemy.orm import Session

from queue_server.core.clock import iso_local
from queue_server.core.errors import Conflict, Forbidden, NotFound
from queue_server.models import (
    Device,
    DeviceKind,
    Office,
    PrinterState,
    PrintJob,
    PrintJobStatus,
    Ticket,
    TicketStatus,
)

# A ticket that has not printed within this time is no use to the citizen who took it (they
# were shown its QR code on screen); printing it later would only hand it to a stranger.
JOB_LIFETIME_S = 300
# The agent reports at least every minute; three missed reports mean it is gone.
STALE_AFTER_S = 180
# A working printer acknowledges within seconds; an older unacknowledged job means a jam.
BACKLOG_AGE_S = 60
MAX_ERROR_LENGTH = 300
UNACKNOWLEDGED = (PrintJobStatus.PENDING, PrintJobStatus.SENT)
# Tickets that can still be printed again; a finished one is of no use on paper.
PRINTABLE_TICKETS = (TicketStatus.WAITING, TicketStatus.CALLED)


# One query on every issue, built once: the paired printer sorts before unpaired ones.
_SERVING_PRINTER = (
    select(Device)
    .where(Device.office_id == bindparam("office"), Device.is_revoked.is_(False),
           Device.kind == DeviceKind.PRINTER,
           or_(Device.kiosk_id == bindparam("kiosk"), Device.kiosk_id.is_(None)))
    .order_by(Device.kiosk_id.is_(None), Device.id).limit(1)
)


# Which printer serves a kiosk is asked on every issue and changes a few times a year:
# remembered for two seconds, and forgotten at once when this process changes a device.
PRINTER_MEMORY_S = 2.0
_printer_ids: dict[tuple, tuple[float, int | None]] = {}


def serving_printer(session: Session, office_id: int, kiosk_id: int | None) -> Device | None:
    """The printer for a kiosk: its paired printer, else the office's unpaired one; None: none."""
    key = (id(session.get_bind()), office_id, kiosk_id)
    remembered = _printer_ids.get(key)
    if remembered is not None and time.monotonic() - remembered[0] < PRINTER_MEMORY_S:
        return session.get(Device, remembered[1]) if remembered[1] is not None else None
    # A kiosk id of None matches no paired printer (NULL = NULL is not true).
    printer = session.scalar(_SERVING_PRINTER, {"office": office_id, "kiosk": kiosk_id})
    _printer_ids[key] = (time.monotonic(), printer.id if printer else None)
    return printer


@event.listens_for(Device, "after_insert")
@event.listens_for(Device, "after_update")
@event.listens_for(Device, "after_delete")
def _forget_printers(*_args: object) -> None:
    _printer_ids.clear()


def queue_ticket_print(session: Session, ticket: Ticket, slip: dict, *, now: datetime,
                       printer: Device | None = None) -> PrintJob | None:
    """A new job printing a just-issued ticket; None when no printer serves it or one exists."""
    if issue_job_of(session, ticket) is not None:
        return None  # an idempotent retry of the issue: the first request queued the print
    printer = printer or serving_printer(session, ticket.office_id, ticket.kiosk_id)
    if printer is None:
        return None
    return _add_job(session, ticket, printer, slip, now=now)


def queue_checklist_print(session: Session, office: Office, kiosk_id: int | None, slip: dict,
                          *, now: datetime, user_id: int | None = None) -> PrintJob:
    """A job printing a procedure's checklist on the printer serving the kiosk (no ticket)."""
    printer = serving_printer(session, office.id, kiosk_id)
    if printer is None:
        raise Conflict("no_printer")
    job = PrintJob(key=secrets.token_urlsafe(16), ticket_id=None, printer_id=printer.id,
                   status=PrintJobStatus.PENDING, slip=slip, is_reprint=False,
                   requested_by_id=user_id, attempts=0, created_at=now)
    session.add(job)
    session.flush()
    return job


def queue_missing_print(session: Session, ticket: Ticket, slip: dict, *, now: datetime,
                        user_id: int | None, printer_name: str | None = None) -> PrintJob:
    """A job printing what a visit sent back for completion lacks: on the named printer of the
    office, else the one serving the ticket's kiosk; 409 nothing_missing, no_printer."""
    if not ticket.missing_documents:
        raise Conflict("nothing_missing", number=ticket.number)
    if printer_name is None:
        printer = serving_printer(session, ticket.office_id, ticket.kiosk_id)
        if printer is None:
            raise Conflict("no_printer")
    else:
        printer = _named_printer(session, ticket.office_id, printer_name)
    # No ticket on the job: it is a checklist, not the ticket's own slip printed again.
    job = PrintJob(key=secrets.token_urlsafe(16), ticket_id=None, printer_id=printer.id,
                   status=PrintJobStatus.PENDING, slip=slip, is_reprint=False,
                   requested_by_id=user_id, attempts=0, created_at=now)
    session.add(job)
    session.flush()
    return job


def job_outcome(session: Session, job: PrintJob, *, now: datetime) -> dict:
    """A just-queued job's "print" object: queued, or printer_error with the reason."""
    health = printer_health(session, job.printer, now=now, ignoring=job)
    outcome = {"printer": job.printer.name, "job": job.id}
    if not health.is_ok:
        return {"status": "printer_error", **outcome, "reason": health.problem}
    return {"status": "queued", **outcome}


def reprint_ticket(session: Session, ticket: Ticket, slip: dict, *, now: datetime,
                   user_id: int | None, printer_name: str | None = None) -> PrintJob:
    """A staff reprint: on the named printer of the office, else the one serving the ticket."""
    if ticket.status not in PRINTABLE_TICKETS:
        raise Conflict("ticket_not_printable", number=ticket.number)
    if printer_name is None:
        printer = serving_printer(session, ticket.office_id, ticket.kiosk_id)
        if printer is None:
            raise Conflict("no_printer")
    else:
        printer = _named_printer(session, ticket.office_id, printer_name)
    return _add_job(session, ticket, printer, slip, now=now, is_reprint=True, user_id=user_id)


def _named_printer(session: Session, office_id: int, name: str) -> Device:
    printer = session.scalar(select(Device).where(
        Device.office_id == office_id, Device.name == name, Device.is_revoked.is_(False),
        Device.kind == DeviceKind.PRINTER))
    if printer is None:
        raise NotFound("unknown_printer", name=name)
    return printer


def _add_job(session: Session, ticket: Ticket, printer: Device, slip: dict, *, now: datetime,
             is_reprint: bool = False, user_id: int | None = None) -> PrintJob:
    job = PrintJob(key=secrets.token_urlsafe(16), ticket_id=ticket.id, printer_id=printer.id,
                   status=PrintJobStatus.PENDING, slip=slip, is_reprint=is_reprint,
                   requested_by_id=user_id, attempts=0, created_at=now)
    session.add(job)
    session.flush()
    return job


def issue_job_of(session: Session, ticket: Ticket) -> PrintJob | None:
    """The job that printed (or should print) the ticket at issue; None when there is none."""
    return session.scalar(select(PrintJob).where(
        PrintJob.ticket_id == ticket.id, PrintJob.is_reprint.is_(False)))


def deliver_pending(session: Session, printer: Device, *, now: datetime) -> list[PrintJob]:
    """The printer's unacknowledged jobs for a (re)connecting agent, marked sent; old ones fail."""
    _mark_seen(printer, now)
    jobs = []
    for job in _unacknowledged(session, printer.id):
        if _age_s(job, now) > JOB_LIFETIME_S:
            _finish(job, PrintJobStatus.FAILED, now, "expired: not printed in time")
            continue
        job.status, job.sent_at = PrintJobStatus.SENT, now
        jobs.append(job)
    session.flush()
    return jobs


def _unacknowledged(session: Session, printer_id: int) -> list[PrintJob]:
    return list(session.scalars(select(PrintJob).where(
        PrintJob.printer_id == printer_id, PrintJob.status.in_(UNACKNOWLEDGED))
        .order_by(PrintJob.id)))


def acknowledge_job(session: Session, printer: Device, job_id: int, *, printed: bool,
                    error: str | None, now: datetime) -> PrintJob:
    """Record the agent's outcome; printing wins over an earlier failure, never the reverse."""
    job = session.get(PrintJob, job_id)
    if job is None:
        raise NotFound("unknown_print_job", job=job_id)
    if job.printer_id != printer.id:
        raise Forbidden("not_your_print_job")
    _mark_seen(printer, now)
    if job.status is PrintJobStatus.PRINTED and not printed:
        raise Conflict("print_job_closed", job=job_id)
    if job.status is (PrintJobStatus.PRINTED if printed else PrintJobStatus.FAILED):
        return job  # the agent acknowledged again after a lost answer
    job.attempts += 1
    if printed:
        _finish(job, PrintJobStatus.PRINTED, now, None)
    else:
        _finish(job, PrintJobStatus.FAILED, now, error or "failed")
    session.flush()
    return job


def _finish(job: PrintJob, status: PrintJobStatus, now: datetime, error: str | None) -> None:
    job.status, job.finished_at = status, now
    if error is not None:
        job.last_error = error[:MAX_ERROR_LENGTH]


def record_printer_status(session: Session, printer: Device, state: PrinterState,
                          error: str | None, *, now: datetime, job_id: int | None = None) -> Device:
    """Store an agent's report; with a job id it also counts a failed attempt at that job."""
    _mark_seen(printer, now)
    printer.printer_state = state
    if state is not PrinterState.OK:
        printer.printer_error = (error or state.value)[:MAX_ERROR_LENGTH]
        printer.printer_error_at = now
    if job_id is not None:
        job = session.get(PrintJob, job_id)
        if job is not None and job.printer_id == printer.id and job.status in UNACKNOWLEDGED:
            job.status, job.sent_at = PrintJobStatus.SENT, job.sent_at or now
            job.attempts += 1
            job.last_error = printer.printer_error if state is not PrinterState.OK else None
    session.flush()
    return printer


def _mark_seen(printer: Device, now: datetime) -> None:
    printer.printer_seen_at = now


@dataclass(frozen=True)
class PrinterHealth:
    """A printer as staff and kiosks see it; problem None means it should be printing."""

    printer: Device
    state: str
    problem: str | None
    pending: int

    @property
    def is_ok(self) -> bool:
        return self.problem is None


def printer_health(session: Session, printer: Device, *, now: datetime,
                   ignoring: PrintJob | None = None) -> PrinterHealth:
    """Reported state, staleness and backlog; `ignoring` leaves out a job queued just now."""
    query = select(func.count(), func.min(PrintJob.created_at)).where(
        PrintJob.printer_id == printer.id, PrintJob.status.in_(UNACKNOWLEDGED))
    if ignoring is not None:
        query = query.where(PrintJob.id != ignoring.id)
    count, oldest = session.execute(query).one()
    state = printer.printer_state.value if printer.printer_state else "unknown"
    return PrinterHealth(printer, state, _problem(printer, oldest, now), count)


def _problem(printer: Device, oldest_pending: datetime | None, now: datetime) -> str | None:
    """Why the printer is not printing: a reported fault, silence, or a stuck job."""
    if printer.printer_state in (PrinterState.ERROR, PrinterState.PAPER_OUT):
        return str(printer.printer_state.value)
    seen = printer.printer_seen_at
    if seen is None or now - seen > timedelta(seconds=STALE_AFTER_S):
        return "not_seen"
    if oldest_pending is not None and now - oldest_pending > timedelta(seconds=BACKLOG_AGE_S):
        return "backlog"
    return None


def print_outcome(session: Session, ticket: Ticket, *, now: datetime,
                  job: PrintJob | None = None) -> dict:
    """The issue answer's "print" field: queued, printed, no_printer or printer_error."""
    job = job or issue_job_of(session, ticket)
    printer = job.printer if job else serving_printer(session, ticket.office_id, ticket.kiosk_id)
    if printer is None:
        return {"status": "no_printer"}
    outcome = {"printer": printer.name, "job": job.id if job else None}
    if job is None:
        return {"status": "printer_error", **outcome, "reason": "not_queued"}
    if job.status is PrintJobStatus.PRINTED:
        return {"status": "printed", **outcome}
    if job.status is PrintJobStatus.FAILED:
        return {"status": "printer_error", **outcome, "reason": "failed"}
    health = printer_health(session, printer, now=now, ignoring=job)
    if not health.is_ok:
        return {"status": "printer_error", **outcome, "reason": health.problem}
    return {"status": "queued", **outcome}


def office_printers(session: Session, office: Office, *, now: datetime) -> list[PrinterHealth]:
    """Every active printer of the office with its health, by name."""
    printers = session.scalars(select(Device).where(
        Device.office_id == office.id, Device.kind == DeviceKind.PRINTER,
        Device.is_revoked.is_(False)).order_by(Device.name))
    return [printer_health(session, printer, now=now) for printer in printers]


def health_json(health: PrinterHealth, timezone: str) -> dict:
    """A printer's row in the office's printer list."""
    printer = health.printer
    return {"name": printer.name, "kiosk": printer.kiosk.name if printer.kiosk else None,
            "state": health.state, "is_ok": health.is_ok, "problem": health.problem,
            "last_error": printer.printer_error,
            "last_error_at": iso_local(printer.printer_error_at, timezone),
            "last_seen_at": iso_local(printer.printer_seen_at, timezone),
            "pending_jobs": health.pending}


def job_payload(job: PrintJob, *, now: datetime) -> dict:
    """What the agent receives: the slip to render and how long it is still worth printing."""
    remaining = JOB_LIFETIME_S - _age_s(job, now)
    return {"id": job.id, "key": job.key, "number": job.slip.get("number", ""),
            "slip": job.slip, "is_reprint": job.is_reprint,
            "expires_in_s": max(0, round(remaining))}


def _age_s(job: PrintJob, now: datetime) -> float:
    return (now - job.created_at).total_seconds()
