"""A day's bookings for the office's managers: the list, the figures per slot, and closing a
day (every booking of it cancelled, and no more slots offered)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from queue_server.models import Booking, BookingStatus, Office, Ticket

# What a slot's figures count; pending holds are not bookings yet.
COUNTED = (BookingStatus.CONFIRMED, BookingStatus.CHECKED_IN, BookingStatus.NO_SHOW,
           BookingStatus.CANCELLED)


@dataclass(frozen=True)
class SlotFigures:
    """One slot of the day: bookings made, checked in, no-shows, cancelled."""

    start: datetime
    booked: int
    checked_in: int
    no_show: int
    cancelled: int


def bookings_of_day(session: Session, office: Office, day: date) -> list[Booking]:
    """The day's bookings (pending holds left out), by time then code."""
    return list(session.scalars(select(Booking).where(
        Booking.office_id == office.id, Booking.day == day, Booking.status.in_(COUNTED))
        .options(joinedload(Booking.service)).order_by(Booking.starts_at, Booking.code)))


def figures_of_day(listed: list[Booking]) -> list[SlotFigures]:
    """Per slot start: how many booked (not cancelled), checked in, no-shows, cancelled."""
    tally: dict[datetime, Counter[BookingStatus]] = {}
    for booking in listed:
        tally.setdefault(booking.starts_at, Counter())[booking.status] += 1
    return [SlotFigures(start, sum(counts.values()) - counts[BookingStatus.CANCELLED],
                        counts[BookingStatus.CHECKED_IN], counts[BookingStatus.NO_SHOW],
                        counts[BookingStatus.CANCELLED])
            for start, counts in sorted(tally.items())]


def close_day(session: Session, office: Office, day: date, *, now: datetime) -> list[Booking]:
    """Close a day to bookings: it becomes a holiday of the office and every booking of it
    still to come is cancelled; the cancelled ones (each gets a message)."""
    if day.isoformat() not in office.holidays:
        office.holidays = sorted([*office.holidays, day.isoformat()])
    cancelled = list(session.scalars(select(Booking).where(
        Booking.office_id == office.id, Booking.day == day,
        Booking.status.in_((BookingStatus.CONFIRMED, BookingStatus.PENDING)))))
    for booking in cancelled:
        booking.status, booking.cancelled_at = BookingStatus.CANCELLED, now
    session.flush()
    return [booking for booking in cancelled if booking.confirmed_at is not None]


@dataclass(frozen=True)
class Waits:
    """Mean wait from the ticket to the first call, booked tickets against walk-ins."""

    booked_count: int
    booked_mean_s: int | None
    walk_in_count: int
    walk_in_mean_s: int | None


def waits_of_day(session: Session, office: Office, day: date) -> Waits:
    """The day's called tickets: booked (checked in within the window) and walk-ins."""
    rows = session.execute(select(Ticket.booking_code, Ticket.booking_late, Ticket.issued_at,
                                  Ticket.called_at).where(
        Ticket.office_id == office.id, Ticket.day == day, Ticket.called_at.is_not(None))).all()
    booked = [(row.called_at - row.issued_at).total_seconds() for row in rows
              if row.booking_code is not None and not row.booking_late]
    walk_ins = [(row.called_at - row.issued_at).total_seconds() for row in rows
                if row.booking_code is None or row.booking_late]
    return Waits(len(booked), _mean(booked), len(walk_ins), _mean(walk_ins))


def _mean(values: list[float]) -> int | None:
    return round(sum(values) / len(values)) if values else None
