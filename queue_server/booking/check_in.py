"""Check-in at the kiosk: a booking becomes a ticket, served ahead of the walk-ins of its
service within its window, an ordinary ticket after it, refused before it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from queue_server.booking.bookings import by_code
from queue_server.booking.rules import rules_of
from queue_server.core.clock import local_time
from queue_server.core.errors import Conflict
from queue_server.models import Booking, BookingStatus, Channel, Office, Ticket
from queue_server.tickets import lifecycle
from queue_server.tickets.lifecycle import Actor


@dataclass(frozen=True)
class Window:
    """When a booking may check in and be served ahead: [opens, closes]."""

    opens: datetime
    closes: datetime


def window_of(booking: Booking) -> Window:
    """The booking's check-in window, from its office's rules."""
    rules = rules_of(booking.office.booking)
    return Window(booking.starts_at - timedelta(minutes=rules.window_before_min),
                  booking.starts_at + timedelta(minutes=rules.window_after_min))


def check_in(session: Session, office: Office, code: str, *, now: datetime, actor: Actor,
             channel: Channel = Channel.KIOSK) -> Ticket:
    """Issue the booking's ticket; 404 unknown or cancelled, 409 wrong_office, too_early,
    booking_checked_in; after the window an ordinary ticket marked booking_late."""
    booking = by_code(session, code)
    if booking.office_id != office.id:
        raise Conflict("wrong_office", "booking_wrong_office", office=booking.office.name)
    if booking.status is BookingStatus.CHECKED_IN:
        raise Conflict("booking_checked_in")
    window = window_of(booking)
    if now < window.opens:
        raise Conflict("too_early", at=local_time(window.opens, office.timezone)
                       .strftime("%H:%M %d/%m/%Y"), come_back_at=window.opens.isoformat())
    late = now > window.closes
    ticket = lifecycle.issue_ticket(session, office, booking.service.code, now=now,
                                    actor=actor, channel=channel, booking_code=booking.code,
                                    booking_late=late)
    booking.status, booking.checked_in_at, booking.ticket_id = (
        BookingStatus.CHECKED_IN, now, ticket.id)
    session.flush()
    return ticket
