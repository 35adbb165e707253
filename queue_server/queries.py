"""Read-side queries shared by the lifecycle, the forecast and the board."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .forecast import CounterState, Forecast, forecast_for
from .models import Counter, Office, Service, Ticket, TicketStatus, counter_services
from .ordering import PriorityRule, QueueEntry
from .timeutil import local_day

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
               Ticket.is_transferred, Ticket.target_counter_id)
        .where(Ticket.office_id == office.id, Ticket.day == day,
               Ticket.status == TicketStatus.WAITING)
    )
    return list(map(QueueEntry._make, rows))


@dataclass(frozen=True)
class QueueState:
    """One office's waiting tickets, counters and service means, read once per request."""

    office: Office
    day: date
    now: datetime
    entries: list[QueueEntry]
    durations_s: dict[int, float]
    counters: list[CounterState]
    service_codes: dict[int, str]

    def waiting(self) -> dict[str, int]:
        """How many wait in each active service's queue, by code (zeros included)."""
        counts = dict.fromkeys(self.service_codes.values(), 0)
        for entry in self.entries:
            code = self.service_codes.get(entry.service_id)
            if code is not None:
                counts[code] += 1
        return counts

    def forecast(self, ticket: Ticket) -> Forecast | None:
        """Ahead and estimated wait for a waiting ticket of this day; None otherwise."""
        if ticket.status is not TicketStatus.WAITING or ticket.day != self.day:
            return None
        entry = next((e for e in self.entries if e.ticket_id == ticket.id), None)
        if entry is None:
            return None
        return forecast_for(entry, self.entries, self.counters, self.durations_s,
                            office_rule(self.office), self.now)

    def forecast_new(self, service_id: int) -> Forecast:
        """What an ordinary ticket taken now for this service would be told."""
        # The largest id sorts the phantom after real tickets issued in the same instant.
        phantom = QueueEntry(2**62, service_id, self.now, False, False, None)
        return forecast_for(phantom, [*self.entries, phantom], self.counters,
                            self.durations_s, office_rule(self.office), self.now)


def load_queue(session: Session, office: Office, now: datetime) -> QueueState:
    """Read what forecasts and waiting counts need, in four small queries."""
    day = local_day(now, office.timezone)
    services = session.execute(
        select(Service.id, Service.code, Service.is_active, Service.recent_service_s,
               Service.service_time_samples, Service.mean_service_s)
        .where(Service.office_id == office.id)).all()
    durations = {row.id: row.recent_service_s if row.service_time_samples >= MIN_SAMPLES
                 else float(row.mean_service_s) for row in services}
    return QueueState(office=office, day=day, now=now,
                      entries=queue_entries(session, office, day), durations_s=durations,
                      counters=counter_states(session, office, now, durations),
                      service_codes={row.id: row.code for row in services if row.is_active})


def counter_states(session: Session, office: Office, now: datetime,
                   durations: dict[int, float]) -> list[CounterState]:
    """Each active counter with the moment it is expected to be free."""
    busy_until: dict[int, datetime] = {}
    for counter_id, called_at, service_id in session.execute(
        select(Ticket.counter_id, Ticket.last_called_at, Ticket.service_id)
        .where(Ticket.office_id == office.id, Ticket.status == TicketStatus.CALLED,
               Ticket.day == local_day(now, office.timezone))
    ):
        expected_end = called_at + timedelta(seconds=durations.get(service_id, 600))
        busy_until[counter_id] = max(now, expected_end)
    served: dict[int, set[int]] = {}
    counters = {}
    for row in session.execute(
        select(Counter.id, Counter.ordinary_streak, Counter.is_paused, Service.id.label("sid"))
        .join(counter_services, counter_services.c.counter_id == Counter.id)
        .join(Service, Service.id == counter_services.c.service_id)
        .where(Counter.office_id == office.id, Counter.is_active, Service.is_active)
    ):
        counters[row.id] = row
        served.setdefault(row.id, set()).add(row.sid)
    return [CounterState(counter_id, frozenset(served[counter_id]),
                         busy_until.get(counter_id, now), row.ordinary_streak, row.is_paused)
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


def find_office(session: Session, slug: str) -> Office | None:
    """The active office with this slug, or None."""
    return session.scalar(select(Office).where(Office.slug == slug, Office.is_active))


def find_ticket(session: Session, code: str) -> Ticket | None:
    """The ticket with this lookup code, or None."""
    return session.scalar(select(Ticket).where(Ticket.code == code))


def find_counter_by_number(session: Session, office: Office, number: int) -> Counter | None:
    """The office's active counter with this number, or None."""
    return session.scalar(select(Counter).where(
        Counter.office_id == office.id, Counter.number == number, Counter.is_active))
