"""The messages of an appointment: the one-time code, the confirmation, the reminders. Each
goes through the outbox to the booking's phone on the office's channels."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from queue_server.booking.bookings import OTP_LIFETIME
from queue_server.core.clock import local_time
from queue_server.models import Booking, BookingStatus, OutboxMessage
from queue_server.notify import outbox
from queue_server.notify.citizen import Offer
from queue_server.notify.office_messages import office_messages, sms_text


def otp_data(booking: Booking, otp: str) -> dict[str, object]:
    """The fields of the one-time code message."""
    return {"otp": otp, "office": booking.office.name,
            "minutes": int(OTP_LIFETIME.total_seconds() // 60)}


def booking_data(booking: Booking) -> dict[str, object]:
    """The fields of the confirmation and the reminders."""
    start = local_time(booking.starts_at, booking.office.timezone).strftime("%H:%M %d/%m/%Y")
    office = booking.office
    return {"code": booking.code, "office": office.name, "service": booking.service.name,
            "start": start, "address": office.address,
            "place": f"{office.name}, {office.address}" if office.address else office.name}


def queue_booking_message(session: Session, offer: Offer, booking: Booking, kind: str,
                          data: dict[str, object], *, now: datetime,
                          dedupe_key: str | None = None) -> OutboxMessage | None:
    """Queue one message to the booking's phone; None without a channel or a number."""
    if booking.phone is None:
        return None
    channels = office_messages(booking.office.messages).channels_for(
        kind, offer.available, offer.sms_near_turn_text)
    return outbox.enqueue(session, office_id=booking.office_id, kind=kind, channels=channels,
                          destination=booking.phone, payload=data, now=now,
                          dedupe_key=dedupe_key)


def log_text(booking: Booking, kind: str, data: dict[str, object]) -> str:
    """What the SMS would say (the demo without a gateway writes it to the log)."""
    template = office_messages(booking.office.messages).template("sms", kind) or ""
    return sms_text(template, data)


# The reminders: the day before, and an hour before (each once, and only when the booking
# was made before its time came: who books at 9:00 for 9:30 needs no reminder).
REMINDERS = (("day", timedelta(hours=24)), ("hour", timedelta(hours=1)))


def queue_reminders(session: Session, offer: Offer, *, now: datetime) -> int:
    """Queue the reminders now due for confirmed bookings; how many were new."""
    queued = 0
    for booking in session.scalars(select(Booking).where(
            Booking.status == BookingStatus.CONFIRMED, Booking.starts_at > now,
            Booking.starts_at <= now + REMINDERS[0][1])):
        for name, ahead in REMINDERS:
            due_from, next_due = booking.starts_at - ahead, _next_due(booking, name)
            made_before = booking.confirmed_at is not None and booking.confirmed_at < due_from
            if made_before and due_from <= now < next_due and queue_booking_message(
                    session, offer, booking, "booking_reminder", booking_data(booking), now=now,
                    dedupe_key=f"booking_reminder:{name}:{booking.id}") is not None:
                queued += 1
    return queued


def _next_due(booking: Booking, name: str) -> datetime:
    # The day-before reminder gives way to the hour-before one once that is due.
    return booking.starts_at - REMINDERS[1][1] if name == "day" else booking.starts_at
