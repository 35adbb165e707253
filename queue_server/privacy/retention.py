"""How long each kind of personal datum is kept ([office.retention] of the office file), and
the round that removes what is older. Plain functions over a session with an explicit `now`.

Phone numbers are removed by their own rounds (notify.phones, booking.bookings), which read
the office's phone_hours; this round removes comments, client addresses and citizen hashes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from queue_server.models import AdminAuditEntry, Booking, Feedback, Office, Ticket

# Each key of [office.retention]: its default and the range an office may set.
LIMITS: dict[str, tuple[int, int, int]] = {
    "phone_hours": (24, 1, 168),
    "comment_days": (365, 1, 1825),
    "ip_days": (90, 1, 365),
    "citizen_hash_days": (90, 1, 1825),
}


# A comment's text once gone: empty, not NULL, so that the reports and the feedback inbox
# still count a comment there (they count `comment IS NOT NULL`).
ERASED_COMMENT = ""


@dataclass(frozen=True)
class RetentionRules:
    """Hours a phone number is kept; days a comment, a client address, a citizen hash."""

    phone_hours: int = 24
    comment_days: int = 365
    ip_days: int = 90
    citizen_hash_days: int = 90

    def as_json(self) -> dict[str, int]:
        """The rules as stored on the office."""
        return asdict(self)


@dataclass(frozen=True)
class Removed:
    """How many of each kind one round removed."""

    comments: int = 0
    addresses: int = 0
    ticket_hashes: int = 0
    booking_hashes: int = 0


def rules_of(raw: Mapping[str, Any] | None, phone_hours: int | None = None) -> RetentionRules:
    """The rules from an office's stored retention (None: the defaults)."""
    known = {field.name for field in fields(RetentionRules)}
    values = {key: int(value) for key, value in (raw or {}).items() if key in known}
    if phone_hours is not None:
        values["phone_hours"] = phone_hours
    return RetentionRules(**values)


def office_rules(office: Office) -> RetentionRules:
    """The office's rules; its phone_retention_hours is the phone_hours."""
    return rules_of(office.retention, office.phone_retention_hours)


def rule_problems(table: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(key, reason) for each unknown key or value out of range in [office.retention]."""
    problems = []
    for key, value in table.items():
        if key not in LIMITS:
            problems.append((key, f"unknown key (known: {', '.join(LIMITS)})"))
            continue
        _default, low, high = LIMITS[key]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            problems.append((key, f"must be a whole number from {low} to {high}, got {value!r}"))
    return problems


def apply_retention(session: Session, now: datetime) -> Removed:
    """Remove, office by office, comments, client addresses and citizen hashes older than the
    office's retention; rows stay (reports count them), only the datum goes."""
    totals = Removed()
    offices = list(session.scalars(select(Office).order_by(Office.id)))
    for office in offices:
        rules = office_rules(office)
        totals = _add(totals, Removed(
            comments=_clear(session, Feedback, Feedback.office_id == office.id,
                            Feedback.rated_at <= now - timedelta(days=rules.comment_days),
                            Feedback.comment.is_not(None), Feedback.comment != "",
                            values={"comment": ERASED_COMMENT}),
            addresses=_clear_addresses(session, AdminAuditEntry.office_id == office.id,
                                       now - timedelta(days=rules.ip_days)),
            ticket_hashes=_clear(session, Ticket, Ticket.office_id == office.id,
                                 Ticket.issued_at <= now - timedelta(days=rules.citizen_hash_days),
                                 Ticket.citizen_hash.is_not(None), values={"citizen_hash": None}),
            booking_hashes=_clear(session, Booking, Booking.office_id == office.id,
                                  Booking.created_at
                                  <= now - timedelta(days=rules.citizen_hash_days),
                                  Booking.citizen_hash.is_not(None),
                                  values={"citizen_hash": None})))
    # Changes made outside any office (accounts, `init`): the shortest of the offices' days.
    days = min((office_rules(office).ip_days for office in offices),
               default=RetentionRules.ip_days)
    outside = _clear_addresses(session, AdminAuditEntry.office_id.is_(None),
                               now - timedelta(days=days))
    return _add(totals, Removed(addresses=outside))


def _clear_addresses(session: Session, where: Any, cutoff: datetime) -> int:
    # The audit log is append-only for the ORM; this SQL update is its one exception: the
    # entry stays, only who-from-where (address, browser) goes after the retention.
    return _clear(session, AdminAuditEntry, where, AdminAuditEntry.at <= cutoff,
                  AdminAuditEntry.client_address.is_not(None),
                  values={"client_address": None, "client_agent": None})


def _clear(session: Session, model: Any, *where: Any, values: dict[str, str | None]) -> int:
    result = session.execute(update(model).where(*where).values(**values)
                             .execution_options(synchronize_session=False))
    return cast(CursorResult[Any], result).rowcount


def _add(left: Removed, right: Removed) -> Removed:
    return Removed(**{name: getattr(left, name) + getattr(right, name)
                      for name in asdict(left)})
