"""Read-side queries shared by the lifecycle, the forecast and the board."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, bindparam, event, func, select
from sqlalchemy.orm import Session

from queue_server.core.clock import local_day
from queue_server.core.db import note_queue_version, noted_queue_version, transaction_wrote
from queue_server.models import (
    Counter,
    Office,
    PriorityCategory,
    Service,
    Ticket,
    TicketStatus,
    counter_services,
)
from queue_server.tickets.forecast import CounterState, Forecast, Plan, forecast_for
from queue_server.tickets.ordering import Pool, PriorityRule, QueueEntry, next_streak

# Real service times needed before they replace the configured mean.
MIN_SAMPLES = 5


def office_rule(office: Office) -> PriorityRule:
    """The office's priority rule as the ordering code expects it."""
    return PriorityRule(office.priority_mode.value, office.ordinary_per_priority)


def queue_entries(session: Session, office: Office, day: date) -> list[QueueEntry]:
    """Every waiting ticket of the office's day, as light ordering entries."""
    # Core on the session's connection, and rows turned straight into tuples: this runs
    # on every issue and call, over every waiting ticket of the day.
    rows = session.connection().execute(
        select(Ticket.id, Ticket.service_id, Ticket.queued_at, Ticket.priority_id.is_not(None),
               Ticket.is_transferred, Ticket.target_counter_id, _IS_BOOKED)
        .where(Ticket.office_id == office.id, Ticket.day == day,
               Ticket.status == TicketStatus.WAITING)
    )
    return list(map(QueueEntry._make, rows))


class Listed(NamedTuple):
    """What screens show of a waiting ticket besides its place in the order."""

    number: str
    priority: str | None  # the priority category's code
    issued_at: datetime


class Serving(NamedTuple):
    """A ticket called to a counter and not yet finished."""

    ticket_id: int
    counter_id: int
    called_at: datetime
    service_id: int
    counter_number: int
    number: str


@dataclass
class OfficeQueue:
    """One office's waiting queue as last read, reused while the database shows no change."""

    version: int | None  # the office's queue_version; None: read after this transaction wrote
    day: date
    read_at: float
    entries: list[QueueEntry]
    busy: list[Serving]
    counters: list[tuple[int, int, frozenset[int], int, bool]]  # id, number, services,
    # ordinary streak, paused
    durations_s: dict[int, float]
    service_codes: dict[int, str]
    waiting_by_service: dict[int, int]
    listed: dict[int, Listed]  # by ticket id, for every entry
    plan: Plan | None = None

    def youngest(self) -> tuple[datetime, int] | None:
        """The age key of the newest waiting ticket (entries are kept in age order)."""
        return _age(self.entries[-1]) if self.entries else None

    def add(self, entry: QueueEntry, listed: Listed) -> None:
        """A ticket was issued and committed: add it (its event moved the version by one)."""
        youngest = self.youngest()
        is_youngest = youngest is None or youngest < _age(entry)
        self.entries.append(entry)
        self.listed[entry.ticket_id] = listed
        if not is_youngest:
            self.entries.sort(key=_age)
        if entry.service_id in self.waiting_by_service:
            self.waiting_by_service[entry.service_id] += 1
        if self.plan is not None and is_youngest and _is_ordinary(entry):
            self.plan.take_new(entry.service_id)
        else:
            self.plan = None
        assert self.version is not None  # only a queue read with its version is extended
        self.version += 1


def _age(entry: QueueEntry) -> tuple[datetime, int]:
    return (entry.queued_at, entry.ticket_id)


def _is_ordinary(entry: QueueEntry) -> bool:
    return not (entry.is_priority or entry.is_transferred or entry.target_counter_id
                or entry.is_booked)


def is_booked(ticket: Ticket) -> bool:
    """Checked in for a booking within its window (served ahead of the walk-ins)."""
    return ticket.booking_code is not None and not ticket.booking_late


# The same, as a column of the queue reads.
_IS_BOOKED = Ticket.booking_code.is_not(None) & Ticket.booking_late.is_(False)


@dataclass(frozen=True)
class QueueState:
    """One office's waiting tickets, counters and service means, as of one request."""

    office: Office
    now: datetime
    queue: OfficeQueue
    read_in: object = None  # the database transaction it was read in

    @property
    def day(self) -> date:
        return self.queue.day

    @property
    def counters(self) -> list[CounterState]:
        """Each active counter with the moment it is expected to be free."""
        busy_until: dict[int, datetime] = {}
        for serving in self.queue.busy:
            expected_end = serving.called_at + timedelta(
                seconds=self.queue.durations_s.get(serving.service_id, 600))
            busy_until[serving.counter_id] = max(self.now, expected_end)
        return [CounterState(counter_id, services, busy_until.get(counter_id, self.now),
                             streak, paused)
                for counter_id, _number, services, streak, paused in self.queue.counters]

    def counters_serving(self, service_ids: set[int],
                         counter_ids: set[int | None]) -> list[tuple[int, int]]:
        """(id, number) of the active counters serving any of these services or named."""
        return [(counter_id, number) for counter_id, number, services, _streak, _paused
                in self.queue.counters if counter_id in counter_ids or services & service_ids]

    def counter_numbers(self, service_id: int) -> list[int]:
        """The numbers of the active counters serving a service."""
        return [number for _id, number, services, _streak, _paused in self.queue.counters
                if service_id in services]

    def calling_order(self, counter_id: int, limit: int) -> tuple[int, list[QueueEntry]]:
        """How many this counter may call, and the first `limit` in the order it would."""
        row = next((c for c in self.queue.counters if c[0] == counter_id), None)
        if row is None:
            return 0, []
        _id, _number, services, streak, _paused = row
        mine = [e for e in self.queue.entries if e.target_counter_id == counter_id
                or (e.target_counter_id is None and e.service_id in services)]
        pool, rule = Pool(mine), office_rule(self.office)
        order: list[QueueEntry] = []
        while len(order) < limit:
            entry = pool.peek(counter_id, services, streak, rule)
            if entry is None:
                break
            pool.take(entry)
            order.append(entry)
            streak = next_streak(streak, entry)
        return len(mine), order

    def waiting(self) -> dict[str, int]:
        """How many wait in each active service's queue, by code (zeros included)."""
        return {code: self.queue.waiting_by_service.get(service_id, 0)
                for service_id, code in self.queue.service_codes.items()}

    def forecast(self, ticket: Ticket) -> Forecast | None:
        """Ahead and estimated wait for a waiting ticket of this day; None otherwise."""
        if ticket.status is not TicketStatus.WAITING or ticket.day != self.day:
            return None
        entry = next((e for e in self.queue.entries if e.ticket_id == ticket.id), None)
        if entry is None:
            return None
        return forecast_for(entry, self.queue.entries, self.counters, self.queue.durations_s,
                            office_rule(self.office), self.now)

    def forecast_new(self, service_id: int) -> Forecast:
        """What an ordinary ticket taken now for this service would be told."""
        youngest = self.queue.youngest()
        if youngest is None or youngest[0] <= self.now:
            plan = self.queue.plan
            if plan is None or not plan.answers_at(self.now):
                plan = self.queue.plan = Plan.simulate(
                    self.queue.entries, self.counters, self.queue.durations_s,
                    office_rule(self.office), self.now)
            forecast = plan.forecast_new(service_id, self.now)
            if forecast is not None:
                return forecast
        # The largest id sorts the phantom after real tickets issued in the same instant.
        phantom = QueueEntry(2**62, service_id, self.now, False, False, None)
        return forecast_for(phantom, [*self.queue.entries, phantom], self.counters,
                            self.queue.durations_s, office_rule(self.office), self.now)

    def with_issued(self, session: Session, ticket: Ticket) -> tuple[Forecast | None, QueueState]:
        """The forecast of a ticket issued since this state was read, and the state after it.

        The office's cached queue learns of the ticket only once the transaction commits.
        """
        session.flush()
        # An idempotent retry wrote nothing: its ticket was issued earlier.
        version = self.queue.version
        is_new = version is not None and transaction_wrote(session.connection())
        if is_new and version is not None and not self._read_under_write_lock(session):
            # SQLite has moved the version for the ticket's own event already, PostgreSQL
            # does at commit; any other step means another change committed since the read.
            own = 0 if _moves_version_at_commit(session) else 1
            is_new = _read_version(session, self.office.id) == version + own
        if ticket.day != self.day or not is_new:
            state = load_queue(session, self.office, self.now)
            return state.forecast(ticket), state
        entry = QueueEntry(ticket.id, ticket.service_id, ticket.queued_at,
                           ticket.priority_id is not None, False, None, is_booked(ticket))
        if _is_ordinary(entry):
            forecast = self.forecast_new(ticket.service_id)
        else:  # the replay sorts its entries itself
            forecast = forecast_for(entry, [*self.queue.entries, entry], self.counters,
                                    self.queue.durations_s, office_rule(self.office), self.now)
        listed = _listed(ticket)
        _after_commit(session, self.office.id, self.queue, (entry, listed))
        # This request's view of the queue after the ticket; the shared copy changes on commit.
        after = replace(self.queue, entries=list(self.queue.entries),
                        waiting_by_service=dict(self.queue.waiting_by_service),
                        listed=dict(self.queue.listed), plan=None)
        after.add(entry, listed)
        return forecast, QueueState(self.office, self.now, after, self.read_in)

    def after(self, session: Session, *, tickets: tuple[Ticket | None, ...] = (),
              counters: tuple[Counter, ...] = ()) -> QueueState:
        """The state once this transaction commits what it did to these tickets and counters.

        Read before the changes (or after: applying them twice changes nothing), it spares
        reading the queue again after the commit; the office's shared copy takes the same
        changes at commit when no other change came in between.
        """
        session.flush()
        changed = [ticket for ticket in tickets if ticket is not None]
        if self.queue.version is None or not self._is_current(session):
            # Another change committed since the read (PostgreSQL): read the queue again,
            # this transaction's changes included, and keep it to this request.
            fresh = load_queue(session, self.office, self.now)
            return QueueState(self.office, self.now,
                              _changed_queue(fresh.queue, changed, counters), fresh.read_in)
        after = _changed_queue(self.queue, changed, counters)
        moves = session.info.get(_MOVES, {}).get(self.office.id, 0)
        _after_commit(session, self.office.id, self.queue,
                      replace(after, version=self.queue.version + moves))
        return QueueState(self.office, self.now, after, self.read_in)

    def _is_current(self, session: Session) -> bool:
        # Nothing else committed to the office since the read: then the shared copy plus
        # this transaction's own changes is the office's queue after the commit.
        if self._read_under_write_lock(session):
            return True
        return (_moves_version_at_commit(session)
                and _read_version(session, self.office.id) == self.queue.version)

    def listed_rows(self, entries: list[QueueEntry]) -> list[tuple[QueueEntry, Listed]]:
        """The entries with what screens show of each."""
        return [(entry, self.queue.listed[entry.ticket_id]) for entry in entries]

    def numbers(self) -> dict[int, str]:
        """Ticket id → number, for every waiting ticket."""
        return {ticket_id: listed.number for ticket_id, listed in self.queue.listed.items()}

    def _read_under_write_lock(self, session: Session) -> bool:
        # A SQLite transaction that wrote saw no other commit after its first read: it took
        # the write lock with BEGIN IMMEDIATE, or SQLite refused its write (BUSY_SNAPSHOT).
        connection = session.connection()
        return (not _moves_version_at_commit(session)
                and self.read_in is connection.get_transaction())


# How long a cached queue may serve without a full read. Every change it shows moves the
# version (events, and edits of services and counters: migrations 0008 and 0013); this only
# bounds what a write past the triggers could leave, such as a backup restored under a
# running server.
MAX_CACHE_AGE_S = 60.0
_caches: WeakKeyDictionary[Any, dict[int, OfficeQueue]] = WeakKeyDictionary()


def _cache_of(session: Session) -> dict[int, OfficeQueue]:
    """This process's cache of office queues for the session's database."""
    # By pool: a session reading after its commit uses the engine's deferred twin.
    bind = session.get_bind()
    return _caches.setdefault(bind.pool if isinstance(bind, Engine) else bind.engine.pool, {})


# Triggers move it with every ticket or counter event of the office (migration 0008).
_VERSION = select(Office.__table__.c.queue_version).where(Office.id == bindparam("office"))


def _read_version(session: Session, office_id: int) -> int:
    connection = session.connection()
    version = noted_queue_version(connection, office_id)
    if version is None:
        version = connection.execute(_VERSION, {"office": office_id}).scalar_one()
    return version


def _moves_version_at_commit(session: Session) -> bool:
    # PostgreSQL's triggers are deferred (see migration 0008). Should another change commit
    # between a read and the commit, the copy gets a version already past: never used.
    return session.get_bind().dialect.name == "postgresql"


def _after_commit(session: Session, office_id: int, queue: OfficeQueue,
                  change: tuple[QueueEntry, Listed] | OfficeQueue) -> None:
    """At commit, the shared copy gains an issued ticket or becomes the queue after it."""
    updates = session.info.setdefault("queue_updates", [])
    updates.append((_cache_of(session), office_id, queue, queue.version, change))


# Ticket and counter events this transaction wrote, by office: each moves the version by one.
_MOVES = "queue_moves"


def note_event(session: Session, office_id: int) -> None:
    """Count an event written in this transaction (the triggers move the version for it)."""
    moves = session.info.setdefault(_MOVES, {})
    moves[office_id] = moves.get(office_id, 0) + 1


@event.listens_for(Session, "after_commit")
def _apply_queue_updates(session: Session) -> None:
    session.info.pop(_MOVES, None)
    for cache, office_id, queue, before, change in session.info.pop("queue_updates", []):
        if cache.get(office_id) is not queue or queue.version != before:
            cache.pop(office_id, None)
        elif isinstance(change, OfficeQueue):
            cache[office_id] = change
        else:
            queue.add(*change)


@event.listens_for(Session, "after_rollback")
def _drop_queue_updates(session: Session) -> None:
    session.info.pop("queue_updates", None)
    session.info.pop(_MOVES, None)


def _listed(ticket: Ticket) -> Listed:
    return Listed(ticket.number, ticket.priority.code if ticket.priority else None,
                  ticket.issued_at)


def _changed_queue(queue: OfficeQueue, tickets: list[Ticket],
                   counters: tuple[Counter, ...]) -> OfficeQueue:
    """A copy of the queue with these tickets and counters as they are now in the session."""
    changed = {ticket.id for ticket in tickets}
    entries = [entry for entry in queue.entries if entry.ticket_id not in changed]
    waiting = dict(queue.waiting_by_service)
    for entry in queue.entries:
        if entry.ticket_id in changed and entry.service_id in waiting:
            waiting[entry.service_id] -= 1
    listed = {key: value for key, value in queue.listed.items() if key not in changed}
    busy = [serving for serving in queue.busy if serving.ticket_id not in changed]
    durations = dict(queue.durations_s)
    numbers = {counter.id: counter.number for counter in counters}
    for ticket in tickets:
        if ticket.day != queue.day:
            continue
        if ticket.status is TicketStatus.WAITING:
            entries.append(QueueEntry(ticket.id, ticket.service_id, ticket.queued_at,
                                      ticket.priority_id is not None, ticket.is_transferred,
                                      ticket.target_counter_id, is_booked(ticket)))
            listed[ticket.id] = _listed(ticket)
            if ticket.service_id in waiting:
                waiting[ticket.service_id] += 1
        elif ticket.status is TicketStatus.CALLED:
            # A called ticket has its counter and its call time.
            assert ticket.counter is not None and ticket.last_called_at is not None
            assert ticket.counter_id is not None
            number = numbers.get(ticket.counter_id) or ticket.counter.number
            busy.append(Serving(ticket.id, ticket.counter_id, ticket.last_called_at,
                                ticket.service_id, number, ticket.number))
        elif ticket.status is TicketStatus.DONE:  # a finish feeds the service's running mean
            durations[ticket.service_id] = _duration_s(ticket.service)
    entries.sort(key=_age)
    states = {counter.id: counter for counter in counters}
    rows = [(counter_id, number, services, states[counter_id].ordinary_streak,
             states[counter_id].is_paused) if counter_id in states
            else (counter_id, number, services, streak, paused)
            for counter_id, number, services, streak, paused in queue.counters]
    return replace(queue, version=None, entries=entries, busy=busy, counters=rows,
                   durations_s=durations, waiting_by_service=waiting, listed=listed, plan=None)


def _duration_s(service: Service) -> float:
    """The service's expected duration: its running mean once known, else the configured one."""
    if service.service_time_samples >= MIN_SAMPLES:
        return service.recent_service_s
    return float(service.mean_service_s)


def load_queue(session: Session, office: Office, now: datetime) -> QueueState:
    """The office's queue: the cached copy while nothing changed, else four small queries."""
    day = local_day(now, office.timezone)
    cache = _cache_of(session)
    # The version first: a change committed between the two reads then makes the copy
    # look older than it is (read again next time), never newer.
    version: int | None = _read_version(session, office.id)
    cached = cache.get(office.id)
    if (cached is not None and cached.version == version and cached.day == day
            and time.monotonic() - cached.read_at < MAX_CACHE_AGE_S):
        return QueueState(office, now, cached, session.connection().get_transaction())
    # What this transaction wrote may yet roll back and its version come back with other
    # content: such a read is neither shared nor extended.
    if transaction_wrote(session.connection()):
        version = None
    queue = _read_queue(session, office, day, version)
    if version is not None:
        cache[office.id] = queue
    return QueueState(office, now, queue, session.connection().get_transaction())


def _read_queue(session: Session, office: Office, day: date,
                version: int | None) -> OfficeQueue:
    services = session.execute(
        select(Service.id, Service.code, Service.is_active, Service.recent_service_s,
               Service.service_time_samples, Service.mean_service_s)
        .where(Service.office_id == office.id)).all()
    durations = {row.id: _duration_s(row) for row in services}  # type: ignore[arg-type]  # same columns
    codes = {row.id: row.code for row in services if row.is_active}
    entries, listed = _waiting_entries(session, office, day)
    waiting = dict.fromkeys(codes, 0)
    for entry in entries:
        if entry.service_id in waiting:
            waiting[entry.service_id] += 1
    busy = list(map(Serving._make, session.execute(
        select(Ticket.id, Ticket.counter_id, Ticket.last_called_at, Ticket.service_id,
               Counter.number, Ticket.number)
        .join(Counter, Counter.id == Ticket.counter_id)
        .where(Ticket.office_id == office.id, Ticket.status == TicketStatus.CALLED,
               Ticket.day == day))))
    return OfficeQueue(version=version, day=day, read_at=time.monotonic(), entries=entries,
                       busy=busy, counters=_counter_rows(session, office),
                       durations_s=durations, service_codes=codes, waiting_by_service=waiting,
                       listed=listed)


def _waiting_entries(session: Session, office: Office,
                     day: date) -> tuple[list[QueueEntry], dict[int, Listed]]:
    """The day's waiting tickets in age order, and what screens show of each."""
    rows = session.connection().execute(
        select(Ticket.id, Ticket.service_id, Ticket.queued_at, Ticket.priority_id.is_not(None),
               Ticket.is_transferred, Ticket.target_counter_id, _IS_BOOKED, Ticket.number,
               PriorityCategory.code, Ticket.issued_at)
        .outerjoin(PriorityCategory, PriorityCategory.id == Ticket.priority_id)
        .where(Ticket.office_id == office.id, Ticket.day == day,
               Ticket.status == TicketStatus.WAITING)
    ).all()
    entries = sorted((QueueEntry._make(row[:7]) for row in rows), key=_age)
    return entries, {row[0]: Listed._make(row[7:]) for row in rows}


def _counter_rows(session: Session,
                  office: Office) -> list[tuple[int, int, frozenset[int], int, bool]]:
    served: dict[int, set[int]] = {}
    counters = {}
    for row in session.execute(
        select(Counter.id, Counter.number, Counter.ordinary_streak, Counter.is_paused,
               Service.id.label("sid"))
        .join(counter_services, counter_services.c.counter_id == Counter.id)
        .join(Service, Service.id == counter_services.c.service_id)
        .where(Counter.office_id == office.id, Counter.is_active, Service.is_active)
    ):
        counters[row.id] = row
        served.setdefault(row.id, set()).add(row.sid)
    return [(counter_id, row.number, frozenset(served[counter_id]), row.ordinary_streak,
             row.is_paused)
            for counter_id, row in sorted(counters.items())]


def ticket_forecast(session: Session, ticket: Ticket, now: datetime) -> Forecast | None:
    """Ahead and estimated wait for a waiting ticket of today; None otherwise."""
    if ticket.status is not TicketStatus.WAITING:
        return None
    return load_queue(session, ticket.office, now).forecast(ticket)


def waiting_counts(session: Session, office: Office, day: date) -> dict[str, int]:
    """How many wait in each service's queue today, by service code (zeros included)."""
    counts = dict(session.execute(
        select(Ticket.service_id, func.count())
        .where(Ticket.office_id == office.id, Ticket.day == day,
               Ticket.status == TicketStatus.WAITING)
        .group_by(Ticket.service_id)
    ).all())
    return {service.code: counts.get(service.id, 0)
            for service in office.services if service.is_active}


_OFFICE_BY_SLUG = select(Office, Office.__table__.c.queue_version).where(
    Office.slug == bindparam("slug"), Office.is_active)


def find_office(session: Session, slug: str) -> Office | None:
    """The active office with this slug, or None."""
    row = session.execute(_OFFICE_BY_SLUG, {"slug": slug}).first()
    if row is None:
        return None
    # Nearly every request that finds an office then reads its queue: one statement fewer.
    office: Office = row[0]
    note_queue_version(session.connection(), office.id, row[1])
    return office


_CODE_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def find_ticket(session: Session, code: str) -> Ticket | None:
    """The ticket with this lookup code, or None."""
    # Codes are URL-safe base64; anything else (a NUL, say, which PostgreSQL refuses to
    # compare) cannot be one, so it never reaches the database.
    if not code or len(code) > 64 or not _CODE_ALPHABET.issuperset(code):
        return None
    return session.scalar(select(Ticket).where(Ticket.code == code))


def find_counter_by_number(session: Session, office: Office, number: int) -> Counter | None:
    """The office's active counter with this number, or None."""
    return session.scalar(select(Counter).where(
        Counter.office_id == office.id, Counter.number == number, Counter.is_active))
