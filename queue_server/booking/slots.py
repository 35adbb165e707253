"""The slots of a service on a day: the office's opening hours and holidays cut into
`slot_minutes`, each with the service's capacity and how many places are still free."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from queue_server.booking.rules import BookingRules, rules_of
from queue_server.core.clock import local_day
from queue_server.models import Booking, BookingStatus, Office, Service
from queue_server.tickets.lifecycle import schedule_of


@dataclass(frozen=True)
class Slot:
    """One bookable period of a service."""

    start: datetime
    end: datetime
    capacity: int
    free: int


def bookable_days(office: Office, now: datetime) -> list[date]:
    """Today and the next `days_ahead` days, in the office's calendar."""
    today = local_day(now, office.timezone)
    return [today + timedelta(days=offset)
            for offset in range(rules_of(office.booking).days_ahead + 1)]


def offered_starts(office: Office, day: date, now: datetime) -> list[tuple[datetime, datetime]]:
    """(start, end) of each slot of the day the office is open for whole, still ahead of now."""
    rules: BookingRules = rules_of(office.booking)
    if day not in bookable_days(office, now):
        return []
    schedule = schedule_of(office)
    zone = ZoneInfo(office.timezone)
    length = timedelta(minutes=rules.slot_minutes)
    start = datetime.combine(day, time(), tzinfo=zone)
    starts = []
    while start.date() == day:
        end = start + length
        if start > now and schedule.is_open(start) and schedule.is_open(
                end - timedelta(minutes=1)):
            starts.append((start, end))
        start = end
    return starts


def live_filter(now: datetime) -> ColumnElement[bool]:
    """Bookings that take a place: confirmed or served, or held with a code still valid."""
    return or_(Booking.status.in_((BookingStatus.CONFIRMED, BookingStatus.CHECKED_IN,
                                   BookingStatus.NO_SHOW)),
               (Booking.status == BookingStatus.PENDING) & (Booking.otp_expires_at > now))


def taken_places(session: Session, service: Service, start: datetime, now: datetime) -> int:
    """How many places of one slot are taken now."""
    return session.scalar(select(func.count()).select_from(Booking).where(
        Booking.service_id == service.id, Booking.starts_at == start, live_filter(now))) or 0


def slots_of(session: Session, office: Office, service: Service, day: date,
             now: datetime) -> list[Slot]:
    """The day's slots of a service with their free places; [] when it takes no bookings."""
    capacity = service.booking_capacity
    if capacity <= 0 or not service.is_active or service.is_closed:
        return []
    starts = offered_starts(office, day, now)
    if not starts:
        return []
    taken: dict[datetime, int] = dict(session.execute(
        select(Booking.starts_at, func.count()).where(
            Booking.service_id == service.id, Booking.starts_at >= starts[0][0],
            Booking.starts_at <= starts[-1][0], live_filter(now))
        .group_by(Booking.starts_at)).all())
    return [Slot(start, end, capacity, max(0, capacity - taken.get(start, 0)))
            for start, end in starts]
