"""A booking's life: held for a phone with a one-time code, confirmed, cancelled, or left to
become a no-show. Plain functions over a session with an explicit `now`; they flush, never
commit (the caller commits, also after a refusal that counted a wrong code)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from queue_server.booking.rules import rules_of
from queue_server.booking.slots import live_filter, offered_starts, taken_places
from queue_server.core.clock import local_day
from queue_server.core.errors import Conflict, InvalidInput, NotFound, RateLimited
from queue_server.models import Booking, BookingStatus, Office, Service

OTP_LIFETIME = timedelta(minutes=5)
MAX_OTP_ATTEMPTS = 5
# Codes sent to one phone within this window before it must wait (SMS cost, harassment).
CODES_PER_PHONE = 5
CODES_WINDOW = timedelta(hours=1)
# Letters and digits that cannot be mistaken for one another when typed at the kiosk.
CODE_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY34679"
CODE_LENGTH = 8
MAX_CODE_LENGTH = 43


@dataclass(frozen=True)
class Consent:
    """What the citizen agreed to when booking: the text shown and its version."""

    text: str
    version: str


@dataclass(frozen=True)
class Held:
    """A booking waiting for its code, and the code to send (never stored in clear)."""

    booking: Booking
    otp: str


def new_booking_code() -> str:
    """What the citizen types or scans at the kiosk: 8 characters, about 37 random bits."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(raw: str) -> str:
    """A typed code as stored: upper case, without spaces or dashes."""
    return raw.strip().upper().replace(" ", "").replace("-", "")


def _otp_hash(hold_id: str, otp: str) -> str:
    return hmac.new(hold_id.encode(), otp.encode(), hashlib.sha256).hexdigest()


def hold(session: Session, office: Office, service_code: str, start: datetime, phone: str,
         *, now: datetime, citizen_hash: str | None = None,
         consent: Consent | None = None) -> Held:
    """Hold a place of a slot for a phone (normalised: notify.phones) until its code expires,
    with the consent given and the keyed hash of an ID number when given; refusals as the
    contract."""
    service = _bookable_service(session, office, service_code)
    slot = _offered_slot(office, start, now)
    _refuse_over_caps(session, office, service, phone, local_day(slot[0], office.timezone))
    _refuse_too_many_codes(session, phone, now)
    _lock_service(session, service)
    if taken_places(session, service, slot[0], now) >= service.booking_capacity:
        raise Conflict("slot_full")
    otp = f"{secrets.randbelow(10**6):06d}"
    hold_id = secrets.token_urlsafe(24)
    booking = Booking(code=new_booking_code(), hold_id=hold_id, office_id=office.id,
                      service_id=service.id, day=local_day(slot[0], office.timezone),
                      starts_at=slot[0], ends_at=slot[1], phone=phone,
                      status=BookingStatus.PENDING, otp_hash=_otp_hash(hold_id, otp),
                      otp_expires_at=now + OTP_LIFETIME, otp_attempts=0, created_at=now,
                      citizen_hash=citizen_hash, consent_text=consent and consent.text,
                      consent_version=consent and consent.version,
                      consent_at=now if consent else None)
    session.add(booking)
    session.flush()
    return Held(booking, otp)


def confirm(session: Session, hold_id: str, otp: str, *, now: datetime) -> Booking:
    """Confirm a held booking with its code; a wrong one is counted (400 wrong_otp), the fifth
    or a late one ends the hold (409 otp_expired). The caller commits either way."""
    booking = by_hold_id(session, hold_id)
    if booking.status is BookingStatus.CONFIRMED:
        return booking  # a retried request: the first one stands
    if booking.status is not BookingStatus.PENDING or now >= booking.otp_expires_at:
        _end_hold(booking, now)
        raise Conflict("otp_expired")
    if not hmac.compare_digest(booking.otp_hash, _otp_hash(booking.hold_id, otp.strip())):
        booking.otp_attempts += 1
        if booking.otp_attempts >= MAX_OTP_ATTEMPTS:
            _end_hold(booking, now)
            raise Conflict("otp_expired")
        raise InvalidInput("wrong_otp", left=MAX_OTP_ATTEMPTS - booking.otp_attempts)
    assert booking.phone is not None  # a pending booking keeps its phone
    _refuse_over_caps(session, booking.office, booking.service, booking.phone, booking.day,
                      besides=booking.id)
    booking.status, booking.confirmed_at = BookingStatus.CONFIRMED, now
    session.flush()
    return booking


def cancel(session: Session, code: str, *, now: datetime) -> Booking:
    """Cancel a booking by its code and free its place; 404 when unknown or cancelled."""
    booking = by_code(session, code)
    if booking.status is BookingStatus.CHECKED_IN:
        raise Conflict("booking_checked_in")
    booking.status, booking.cancelled_at = BookingStatus.CANCELLED, now
    session.flush()
    return booking


def by_code(session: Session, code: str) -> Booking:
    """The booking with this code, unless cancelled; NotFound booking_not_found."""
    normal = normalize_code(code) if len(code) <= MAX_CODE_LENGTH else ""
    booking = session.scalar(select(Booking).where(Booking.code == normal)) if normal else None
    if booking is None or booking.status in (BookingStatus.CANCELLED, BookingStatus.PENDING):
        raise NotFound("booking_not_found")
    return booking


def by_hold_id(session: Session, hold_id: str) -> Booking:
    """The booking the confirmation step names; NotFound booking_not_found."""
    booking = session.scalar(select(Booking).where(Booking.hold_id == hold_id)) if (
        len(hold_id) <= MAX_CODE_LENGTH) else None
    if booking is None:
        raise NotFound("booking_not_found")
    return booking


def mark_no_shows(session: Session, now: datetime) -> int:
    """Confirmed bookings whose check-in window ended become no-shows; how many."""
    marked = 0
    for booking in session.scalars(select(Booking).where(
            Booking.status == BookingStatus.CONFIRMED, Booking.starts_at < now)):
        closes = booking.starts_at + timedelta(
            minutes=rules_of(booking.office.booking).window_after_min)
        if closes < now:
            booking.status = BookingStatus.NO_SHOW
            marked += 1
    session.flush()
    return marked


def forget_phones(session: Session, now: datetime) -> int:
    """Delete the phone of every booking over for longer than its office's retention."""
    forgotten = 0
    for booking in session.scalars(select(Booking).where(
            Booking.phone.is_not(None), Booking.ends_at < now)):
        over = booking.ends_at if booking.status is not BookingStatus.CANCELLED else (
            booking.cancelled_at or booking.ends_at)
        if over + timedelta(hours=booking.office.phone_retention_hours) <= now and (
                booking.status is not BookingStatus.CONFIRMED):
            booking.phone = None
            forgotten += 1
    session.flush()
    return forgotten


def _end_hold(booking: Booking, now: datetime) -> None:
    if booking.status is BookingStatus.PENDING:
        booking.status, booking.cancelled_at = BookingStatus.CANCELLED, now


def _bookable_service(session: Session, office: Office, code: str) -> Service:
    service = session.scalar(select(Service).where(
        Service.office_id == office.id, Service.code == code, Service.is_active))
    if service is None:
        raise InvalidInput("unknown_service", service=code)
    if service.booking_capacity <= 0 or service.is_closed:
        raise InvalidInput("slot_not_offered")
    return service


def _offered_slot(office: Office, start: datetime, now: datetime) -> tuple[datetime, datetime]:
    day = local_day(start, office.timezone)
    for slot in offered_starts(office, day, now):
        if slot[0] == start:
            return slot
    raise InvalidInput("slot_not_offered")


def _refuse_over_caps(session: Session, office: Office, service: Service, phone: str,
                      day: object, besides: int | None = None) -> None:
    rules = rules_of(office.booking)
    rows = session.execute(select(Booking.service_id, func.count()).where(
        Booking.office_id == office.id, Booking.phone == phone, Booking.day == day,
        Booking.status.in_((BookingStatus.CONFIRMED, BookingStatus.CHECKED_IN)),
        Booking.id != (besides or 0)).group_by(Booking.service_id)).all()
    per_service: dict[int, int] = dict(rows)
    if sum(per_service.values()) >= rules.per_phone_per_day:
        raise Conflict("limit_reached", limit=rules.per_phone_per_day)
    if per_service.get(service.id, 0) >= rules.per_phone_per_service:
        raise Conflict("limit_reached", limit=rules.per_phone_per_service)


def _refuse_too_many_codes(session: Session, phone: str, now: datetime) -> None:
    sent = list(session.scalars(select(Booking.created_at).where(
        Booking.phone == phone, Booking.created_at > now - CODES_WINDOW)
        .order_by(Booking.created_at)))
    if len(sent) >= CODES_PER_PHONE:
        wait = sent[-CODES_PER_PHONE] + CODES_WINDOW - now
        seconds = max(1, int(wait.total_seconds()))
        raise RateLimited(seconds, "too_many_codes", seconds=seconds)


def _lock_service(session: Session, service: Service) -> None:
    # One booking of a service at a time: PostgreSQL locks the row until the commit; SQLite's
    # transactions all begin with the write lock (core/db.py) and so queue already.
    session.execute(select(Service.id).where(Service.id == service.id).with_for_update())


__all__ = ["Held", "cancel", "confirm", "forget_phones", "hold", "live_filter",
           "mark_no_shows"]
