"""What a scanned citizen ID card is used for: the elderly priority, the keyed hash that counts
repeat visits and finds a booking, and an age band. The card itself is never kept."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from queue_server.booking.check_in import check_in, window_of
from queue_server.core.clock import local_day
from queue_server.core.errors import NotFound
from queue_server.models import Booking, BookingStatus, Channel, Office, PriorityCategory, Ticket
from queue_server.privacy.card import age_band, read_card
from queue_server.privacy.keys import CitizenKeys
from queue_server.tickets.lifecycle import Actor


@dataclass(frozen=True)
class Scan:
    """What is kept of a card: the hashes it may be stored under, an age band, the priority."""

    hashes: tuple[str, ...]
    age_band: str
    priority_code: str | None

    @property
    def citizen_hash(self) -> str:
        """The hash stored from now on (the current key's)."""
        return self.hashes[0]


def scan_card(session: Session, office: Office, text: str, keys: CitizenKeys, *,
              today: date) -> Scan:
    """Read the card's text; InvalidInput invalid_citizen_id when it is not a card."""
    card = read_card(text, today=today)
    age = card.age_on(today)
    return Scan(hashes=tuple(keys.lookups(card.id_number)), age_band=age_band(age),
                priority_code=_elderly_priority(session, office, age))


def _elderly_priority(session: Session, office: Office, age: int) -> str | None:
    # A category retired in /admin gives no priority rather than refusing the citizen.
    if not office.elderly_priority or age < office.elderly_age:
        return None
    return session.scalar(select(PriorityCategory.code).where(
        PriorityCategory.office_id == office.id, PriorityCategory.is_active,
        PriorityCategory.code == office.elderly_priority))


def check_in_by_card(session: Session, office: Office, scan: Scan, *, now: datetime,
                     actor: Actor, channel: Channel = Channel.KIOSK) -> Ticket:
    """Check in the citizen's booking of today at this office, found by the card's hash: the
    one whose window is open, else the next one; NotFound booking_not_found."""
    found = list(session.scalars(select(Booking).where(
        Booking.office_id == office.id, Booking.day == local_day(now, office.timezone),
        Booking.status == BookingStatus.CONFIRMED, Booking.citizen_hash.in_(scan.hashes))
        .order_by(Booking.starts_at)))
    if not found:
        raise NotFound("booking_not_found")
    booking = next((item for item in found if now <= window_of(item).closes), found[-1])
    return check_in(session, office, booking.code, now=now, actor=actor, channel=channel)


@dataclass(frozen=True)
class RepeatVisits:
    """Tickets issued with a card in a period, the people behind them, and who came again."""

    tickets: int
    people: int
    returning: int


def repeat_visits(session: Session, office: Office, start: datetime,
                  end: datetime) -> RepeatVisits:
    """Counted per person by the keyed hash (a person hashed under two keys counts twice)."""
    per_person = select(Ticket.citizen_hash, func.count().label("visits")).where(
        Ticket.office_id == office.id, Ticket.citizen_hash.is_not(None),
        Ticket.issued_at >= start, Ticket.issued_at < end).group_by(Ticket.citizen_hash)
    visits = [row.visits for row in session.execute(per_person)]
    return RepeatVisits(tickets=sum(visits), people=len(visits),
                        returning=sum(1 for count in visits if count > 1))
