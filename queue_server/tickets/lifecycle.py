"""The ticket lifecycle as plain functions over a session, with an explicit `now`.

They may flush; they never commit, emit, print, read settings or call the clock.
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from datetime import date, datetime
from typing import cast

from sqlalchemy import Table, bindparam, func, insert, literal, select, update
from sqlalchemy.orm import Session, make_transient_to_detached

from queue_server.core.clock import local_day
from queue_server.core.errors import Conflict, InvalidInput, NotFound
from queue_server.models import (
    Channel,
    Counter,
    CounterEvent,
    CounterEventKind,
    Office,
    PriorityCategory,
    Procedure,
    Service,
    Ticket,
    TicketEvent,
    TicketEventKind,
    TicketStatus,
)
from queue_server.tickets.hours import Schedule
from queue_server.tickets.numbering import format_number, next_sequence
from queue_server.tickets.ordering import Pool, QueueEntry, next_streak
from queue_server.tickets.queue_state import (
    find_counter_by_number,
    load_queue,
    note_event,
    office_rule,
    queue_entries,
)

# Outlier guard for the running service mean: a forgotten Finish is not a service time.
_MAX_SAMPLE_S = 4 * 3600
_MIN_SAMPLE_S = 10
_MEAN_WEIGHT = 0.2


@dataclass(frozen=True)
class Actor:
    """Who acts: a logged-in user, a device, or both; None for neither."""

    user_id: int | None = None
    device_id: int | None = None


def new_lookup_code() -> str:
    """The secret behind the QR: 192 random bits, URL-safe, unrelated to number or time."""
    return secrets.token_urlsafe(24)


def schedule_of(office: Office) -> Schedule:
    """The office's opening hours and holidays as a Schedule."""
    return Schedule(office.opening_hours, frozenset(date.fromisoformat(d) for d in office.holidays),
                    office.timezone)


_SERVICE_BY_CODE = select(Service).where(
    Service.office_id == bindparam("office"), Service.code == bindparam("code"), Service.is_active)


def find_service(session: Session, office: Office, code: str) -> Service:
    """The office's active service with this code, or InvalidInput unknown_service."""
    service = session.scalar(_SERVICE_BY_CODE, {"office": office.id, "code": code})
    if service is None:
        raise InvalidInput("unknown_service", code=code)
    return service


def find_priority(session: Session, office: Office, code: str) -> PriorityCategory:
    """The office's priority category with this code, or InvalidInput unknown_priority."""
    category = session.scalar(
        select(PriorityCategory).where(PriorityCategory.office_id == office.id,
                                       PriorityCategory.code == code, PriorityCategory.is_active)
    )
    if category is None:
        raise InvalidInput("unknown_priority", code=code)
    return category


def issue_ticket(
    session: Session,
    office: Office,
    service_code: str,
    *,
    now: datetime,
    actor: Actor,
    priority_code: str | None = None,
    channel: Channel = Channel.KIOSK,
    idempotency_key: str | None = None,
    procedure: Procedure | None = None,
    booking_code: str | None = None,
    booking_late: bool = False,
    citizen_hash: str | None = None,
    age_band: str | None = None,
) -> Ticket:
    """Issue the next number of a service for the office's local day (for a procedure of it,
    or for a booking checked in: booking_late when it came after the booking's window; with a
    scanned card's keyed hash and age band, never the card)."""
    if idempotency_key is not None:
        earlier = session.scalar(select(Ticket).where(
            Ticket.office_id == office.id, Ticket.idempotency_key == idempotency_key))
        if earlier is not None:
            return earlier
    service = find_service(session, office, service_code)
    if service.is_closed:  # closed in /admin: those waiting are still called
        raise Conflict("service_closed", service=service.name)
    priority = find_priority(session, office, priority_code) if priority_code else None
    _refuse_when_closed(office, now)
    day = local_day(now, office.timezone)
    sequence = next_sequence(session, service, day)
    _refuse_when_full(office, service, sequence, now)
    values = dict(
        code=new_lookup_code(), office_id=office.id, issued_service_id=service.id,
        service_id=service.id, day=day, sequence=sequence,
        number=format_number(service.prefix, sequence), priority_id=priority and priority.id,
        channel=channel, status=TicketStatus.WAITING, issued_at=now, queued_at=now,
        kiosk_id=actor.device_id if channel is Channel.KIOSK else None,
        idempotency_key=idempotency_key, recall_count=0, is_transferred=False,
        target_counter_id=None, called_at=None, last_called_at=None, finished_at=None,
        counter_id=None, officer_id=None, dossier_code=None, outcome=None,
        procedure_id=procedure.id if procedure else None,
        booking_code=booking_code, booking_late=booking_late, missing_documents=None,
        citizen_hash=citizen_hash, age_band=age_band,
    )
    # A Core insert, then the row joins the session as loaded: the ORM's unit of work
    # would cost more than the rest of issuing, and this runs on every ticket.
    ticket_id = session.connection().execute(_INSERT_TICKET, values).scalar_one()
    ticket = Ticket(id=ticket_id, **values)
    # The answer reads these; the session holds loaded objects only weakly. Set before
    # the ticket counts as loaded, so that they leave nothing for the next flush.
    ticket.office, ticket.service, ticket.issued_service = office, service, service
    ticket.priority = priority
    ticket.procedure = procedure
    make_transient_to_detached(ticket)
    session.add(ticket)
    _log(session, ticket, TicketEventKind.ISSUED, now, actor, None,
         service=service.code, priority=priority_code, channel=channel.value,
         procedure=procedure.code if procedure else None)
    return ticket


_INSERT_TICKET = insert(cast(Table, Ticket.__table__)).returning(Ticket.__table__.c.id)
_INSERT_EVENT = insert(cast(Table, TicketEvent.__table__))
# A call's id goes to the displays: it comes back with the insert instead of a read after.
_INSERT_CALL_EVENT = _INSERT_EVENT.returning(TicketEvent.__table__.c.id)
_CALLS = (TicketEventKind.CALLED, TicketEventKind.RECALLED)


def _refuse_when_closed(office: Office, now: datetime) -> None:
    schedule = schedule_of(office)
    if schedule.is_open(now):
        return
    reason = "holiday" if schedule.is_holiday(now) else "office_closed"
    raise Conflict(reason, reopens_at=schedule.next_opening(now))


def _refuse_when_full(office: Office, service: Service, sequence: int, now: datetime) -> None:
    issued_today = sequence - service.start_number + 1
    if service.daily_capacity is not None and issued_today > service.daily_capacity:
        raise Conflict("daily_capacity_reached", service=service.name,
                       reopens_at=schedule_of(office).next_working_day_opening(now))


def current_ticket(session: Session, counter: Counter) -> Ticket | None:
    """The ticket the counter is serving now, or None."""
    return session.scalar(select(Ticket).where(
        Ticket.counter_id == counter.id, Ticket.status == TicketStatus.CALLED))


def lock_counter(session: Session, counter: Counter) -> Counter:
    """Serialize actions on one counter (a row lock on PostgreSQL; SQLite locks the file)."""
    if session.get_bind().dialect.name != "sqlite":  # SQLite's transaction holds its lock
        session.execute(select(Counter.id).where(Counter.id == counter.id).with_for_update())
    # Loaded maybe in an earlier transaction: what it says now, under the lock.
    session.refresh(counter)
    return counter


@dataclass(frozen=True)
class CallResult:
    """What a Call next did: the ticket called, the one it finished, or a repeated press."""

    called: Ticket | None
    finished: Ticket | None = None
    is_repeat: bool = False


def call_next(session: Session, counter: Counter, *, now: datetime, actor: Actor,
              request_key: str | None = None) -> CallResult:
    """Finish the current ticket if any, then call the next; called is None when nobody waits.

    A press carrying the same request key as the counter's last one is a double click or a
    network retry: it changes nothing and returns the current ticket.
    """
    lock_counter(session, counter)
    current = current_ticket(session, counter)
    if request_key is not None and request_key == counter.last_call_key and current:
        return CallResult(called=current, is_repeat=True)
    # Read before this call changes anything, so the office's cached queue still applies.
    entries = load_queue(session, counter.office, now).queue.entries
    _resume_if_paused(session, counter, now, actor)
    if current is not None:
        _finish(session, current, counter, now, actor, automatic=True)
    counter.last_call_key = request_key
    return CallResult(called=_call_first_waiting(session, counter, now, actor, entries),
                      finished=current)


def _call_first_waiting(session: Session, counter: Counter, now: datetime, actor: Actor,
                        entries: list[QueueEntry]) -> Ticket | None:
    office = counter.office
    service_ids = [service.id for service in counter.services if service.is_active]
    for attempt in range(10):
        if attempt:  # another process took our pick (PostgreSQL): read the queue again
            entries = queue_entries(session, office, local_day(now, office.timezone))
        entry = Pool(entries).peek(counter.id, service_ids, counter.ordinary_streak,
                                   office_rule(office))
        if entry is None:
            return None
        ticket = _take(session, entry.ticket_id, counter, now, actor)
        if ticket is not None:
            counter.ordinary_streak = next_streak(counter.ordinary_streak, entry)
            return ticket
    raise Conflict("busy_try_again")


def _take(session: Session, ticket_id: int, counter: Counter, now: datetime,
          actor: Actor) -> Ticket | None:
    """Guarded update: only a ticket still waiting can be taken, so never by two counters."""
    # RETURNING hands back the called ticket, so it is not read again.
    ticket = session.scalars(
        update(Ticket)
        .where(Ticket.id == ticket_id, Ticket.status == TicketStatus.WAITING)
        .values(status=TicketStatus.CALLED, counter_id=counter.id, officer_id=actor.user_id,
                last_called_at=now, target_counter_id=None,
                # Typed as the column, so the instant is stored in UTC like every other.
                called_at=func.coalesce(Ticket.called_at,
                                        literal(now, Ticket.__table__.c.called_at.type)))
        .returning(Ticket),
        execution_options={"synchronize_session": False, "populate_existing": True},
    ).one_or_none()
    if ticket is None:
        return None
    ticket.call_event_id = _log(session, ticket, TicketEventKind.CALLED, now, actor, counter)
    return ticket


def call_ticket(session: Session, counter: Counter, number: str, *, now: datetime,
                actor: Actor) -> Ticket:
    """Call one waiting ticket of today out of order, by its number."""
    lock_counter(session, counter)
    office = counter.office
    ticket = session.scalar(select(Ticket).where(
        Ticket.office_id == office.id, Ticket.day == local_day(now, office.timezone),
        Ticket.number == number.strip().upper()))
    if ticket is None:
        raise NotFound("unknown_ticket", number=number)
    if ticket.status is not TicketStatus.WAITING:
        raise Conflict("ticket_not_waiting", number=ticket.number)
    _resume_if_paused(session, counter, now, actor)
    current = current_ticket(session, counter)
    if current is not None:
        _finish(session, current, counter, now, actor, automatic=True)
    taken = _take(session, ticket.id, counter, now, actor)
    if taken is None:
        raise Conflict("ticket_not_waiting", number=ticket.number)
    return taken


def _require_current(session: Session, counter: Counter) -> Ticket:
    lock_counter(session, counter)
    ticket = current_ticket(session, counter)
    if ticket is None:
        raise Conflict("no_current_ticket", counter=counter.number)
    return ticket


def recall(session: Session, counter: Counter, *, now: datetime, actor: Actor) -> Ticket:
    """Call the current ticket again (the citizen did not come); counted."""
    ticket = _require_current(session, counter)
    ticket.recall_count += 1
    ticket.last_called_at = now
    ticket.call_event_id = _log(session, ticket, TicketEventKind.RECALLED, now, actor, counter,
                                recall_count=ticket.recall_count)
    return ticket


def finish(session: Session, counter: Counter, *, now: datetime, actor: Actor) -> Ticket:
    """Mark the current ticket served."""
    ticket = _require_current(session, counter)
    _finish(session, ticket, counter, now, actor, automatic=False)
    return ticket


def _finish(session: Session, ticket: Ticket, counter: Counter, now: datetime, actor: Actor,
            *, automatic: bool) -> None:
    ticket.status = TicketStatus.DONE
    ticket.finished_at = now
    assert ticket.last_called_at is not None  # only a called ticket is finished
    _record_service_time(ticket.service, (now - ticket.last_called_at).total_seconds())
    _log(session, ticket, TicketEventKind.FINISHED, now, actor, counter,
         by_call_next=automatic)


def _record_service_time(service: Service, seconds: float) -> None:
    # An exponentially weighted mean follows the last ten or so real service times.
    if not _MIN_SAMPLE_S <= seconds <= _MAX_SAMPLE_S:
        return
    if service.service_time_samples == 0:
        service.recent_service_s = seconds
    else:
        service.recent_service_s += _MEAN_WEIGHT * (seconds - service.recent_service_s)
    service.service_time_samples += 1


def mark_no_show(session: Session, counter: Counter, *, now: datetime, actor: Actor) -> Ticket:
    """Mark the current ticket absent, allowed only after the office's minimum recalls and
    its minimum time since the latest call or recall."""
    ticket = _require_current(session, counter)
    needed = counter.office.min_recalls_before_no_show
    if ticket.recall_count < needed:
        raise Conflict("recall_before_no_show", needed=needed, done=ticket.recall_count)
    assert ticket.last_called_at is not None  # the current ticket was called
    waited_s = (now - ticket.last_called_at).total_seconds()
    wait_s = counter.office.min_seconds_before_no_show
    if waited_s < wait_s:
        raise Conflict("no_show_too_soon", wait_s=wait_s,
                       remaining_s=math.ceil(wait_s - waited_s))
    ticket.status = TicketStatus.NO_SHOW
    ticket.finished_at = now
    _log(session, ticket, TicketEventKind.NO_SHOW, now, actor, counter,
         recall_count=ticket.recall_count)
    return ticket


def transfer(session: Session, counter: Counter, *, now: datetime, actor: Actor,
             service_code: str | None = None, counter_number: int | None = None) -> Ticket:
    """Send the current ticket back to waiting in another service or for another counter."""
    if (service_code is None) == (counter_number is None):
        raise InvalidInput("transfer_target_required")
    ticket = _require_current(session, counter)
    office = counter.office
    target_counter = None
    if service_code is not None:
        ticket.service_id = find_service(session, office, service_code).id
    else:
        assert counter_number is not None  # one of the two, checked above
        target_counter = find_counter(session, office, counter_number)
    ticket.status = TicketStatus.WAITING
    ticket.is_transferred = True
    ticket.queued_at = now
    ticket.counter_id = None
    ticket.officer_id = None
    ticket.target_counter_id = target_counter.id if target_counter else None
    session.flush()
    _log(session, ticket, TicketEventKind.TRANSFERRED, now, actor, counter,
         to_service=service_code, to_counter=counter_number)
    return ticket


def cancel_ticket(session: Session, ticket: Ticket, *, now: datetime, actor: Actor) -> Ticket:
    """Cancel a waiting ticket (the citizen left or it was issued by mistake)."""
    if ticket.status is not TicketStatus.WAITING:
        raise Conflict("ticket_not_waiting", number=ticket.number)
    ticket.status = TicketStatus.CANCELLED
    ticket.finished_at = now
    _log(session, ticket, TicketEventKind.CANCELLED, now, actor, None)
    return ticket


def pause_counter(session: Session, counter: Counter, reason: str, *, now: datetime,
                  actor: Actor) -> Counter:
    """Pause a counter with a reason; refused while it still serves a ticket."""
    lock_counter(session, counter)
    reason = (reason or "").strip()
    if not reason or len(reason) > 200:
        raise InvalidInput("pause_reason_required")
    if current_ticket(session, counter) is not None:
        raise Conflict("counter_busy", counter=counter.number)
    counter.is_paused, counter.pause_reason, counter.paused_at = True, reason, now
    session.add(CounterEvent(counter_id=counter.id, kind=CounterEventKind.PAUSED, reason=reason,
                             user_id=actor.user_id, at=now))
    note_event(session, counter.office_id)
    return counter


def resume_counter(session: Session, counter: Counter, *, now: datetime, actor: Actor) -> Counter:
    """Resume a paused counter (a no-op when it is not paused)."""
    lock_counter(session, counter)
    _resume_if_paused(session, counter, now, actor)
    return counter


def _resume_if_paused(session: Session, counter: Counter, now: datetime, actor: Actor) -> None:
    if not counter.is_paused:
        return
    counter.is_paused, counter.pause_reason, counter.paused_at = False, None, None
    session.add(CounterEvent(counter_id=counter.id, kind=CounterEventKind.RESUMED,
                             user_id=actor.user_id, at=now))
    note_event(session, counter.office_id)


def find_counter(session: Session, office: Office, number: int) -> Counter:
    """The office's active counter with this number, or NotFound unknown_counter."""
    counter = find_counter_by_number(session, office, number)
    if counter is None:
        raise NotFound("unknown_counter", counter=number)
    return counter


def log_event(session: Session, ticket: Ticket, kind: TicketEventKind, *, now: datetime,
              actor: Actor, counter: Counter | None = None, **details: object) -> None:
    """Append an event that changes no state of the queue (a visit recorded) to the log."""
    _log(session, ticket, kind, now, actor, counter, **details)


def _log(session: Session, ticket: Ticket, kind: TicketEventKind, now: datetime, actor: Actor,
         counter: Counter | None, **details: object) -> int | None:
    """Append one event to the ticket's log; the id of a call or recall, else None."""
    # Core, not the unit of work: the log is append-only and written on every transition.
    is_call = kind in _CALLS
    result = session.connection().execute(_INSERT_CALL_EVENT if is_call else _INSERT_EVENT, dict(
        ticket_id=ticket.id, office_id=ticket.office_id, kind=kind, at=now,
        user_id=actor.user_id, device_id=actor.device_id,
        counter_id=counter.id if counter else None,
        details={key: value for key, value in details.items() if value is not None},
    ))
    note_event(session, ticket.office_id)
    return result.scalar_one() if is_call else None
