"""A person's requests under the personal-data law: everything held about a phone number or a
citizen ID number (export), and erasing it (the rows stay, anonymised, so reports still count
them). Plain functions over a session with an explicit `now`; the edges normalise the phone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, delete, false, or_, select, update
from sqlalchemy.orm import Session

from queue_server.models import (
    AdminAction,
    AdminAuditEntry,
    AdminObject,
    Booking,
    Feedback,
    MessageContact,
    OutboxMessage,
    Ticket,
)
from queue_server.privacy.keys import CitizenKeys
from queue_server.privacy.retention import ERASED_COMMENT


@dataclass(frozen=True)
class Person:
    """Whom a request is about: a phone number (international form) or an ID number."""

    phone: str | None = None
    id_number: str | None = None

    def tag(self, keys: CitizenKeys) -> str:
        """How the audit log names the person without writing the number."""
        if self.phone is not None:
            return f"phone:{keys.phone_tag(self.phone)}"
        assert self.id_number is not None
        return f"citizen:{keys.hash(self.id_number)[:16]}"


@dataclass(frozen=True)
class Requester:
    """Who answers the request, for the audit log: "cli:<account>" or an admin's username."""

    name: str
    user_id: int | None = None
    address: str | None = None


@dataclass(frozen=True)
class Holdings:
    """The rows that hold something about the person."""

    tickets: list[Ticket]
    bookings: list[Booking]
    contacts: list[MessageContact]
    feedback: list[Feedback]


def holdings_of(session: Session, person: Person, keys: CitizenKeys) -> Holdings:
    """Every ticket, booking, phone contact and rating linked to the person."""
    hashes = keys.lookups(person.id_number) if person.id_number else []
    bookings = list(session.scalars(select(Booking).where(_any(
        person.phone and Booking.phone == person.phone,
        hashes and Booking.citizen_hash.in_(hashes))).order_by(Booking.id)))
    contacts = list(session.scalars(select(MessageContact).where(
        MessageContact.phone == person.phone)).all()) if person.phone else []
    ticket_ids = {contact.ticket_id for contact in contacts} | {
        booking.ticket_id for booking in bookings if booking.ticket_id}
    tickets = list(session.scalars(select(Ticket).where(_any(
        ticket_ids and Ticket.id.in_(ticket_ids),
        hashes and Ticket.citizen_hash.in_(hashes))).order_by(Ticket.id)))
    ids = [ticket.id for ticket in tickets]
    if ids:  # a card's tickets may have a phone contact too: it is the same person's
        known = {contact.id for contact in contacts}
        contacts += [contact for contact in session.scalars(select(MessageContact).where(
            MessageContact.ticket_id.in_(ids))) if contact.id not in known]
    feedback = list(session.scalars(select(Feedback).where(Feedback.ticket_id.in_(ids)))
                    ) if ids else []
    return Holdings(tickets, bookings, contacts, feedback)


def export_person(session: Session, person: Person, keys: CitizenKeys, *, now: datetime,
                  requester: Requester) -> dict[str, Any]:
    """Everything held about the person, as JSON-ready data; the act is audited."""
    held = holdings_of(session, person, keys)
    _audit(session, AdminAction.EXPORTED, person, keys, now, requester,
           {"tickets": [len(held.tickets), len(held.tickets)]})
    return {
        "asked_by": "phone" if person.phone else "citizen_id",
        "exported_at": now.isoformat(),
        "tickets": [_ticket(ticket) for ticket in held.tickets],
        "bookings": [_booking(booking) for booking in held.bookings],
        "phone_contacts": [_contact(contact) for contact in held.contacts],
        "messages": _messages(session, person, held),
        "ratings": [{"ticket": rating.ticket.number, "rating": rating.rating,
                     "reasons": rating.reasons, "comment": rating.comment,
                     "rated_at": rating.rated_at.isoformat()} for rating in held.feedback],
    }


def erase_person(session: Session, person: Person, keys: CitizenKeys, *, now: datetime,
                 requester: Requester) -> dict[str, int]:
    """Erase the person's data: phone numbers deleted, hashes cleared, comments emptied;
    tickets and ratings kept for the reports' counts; the act is audited. How many of each."""
    held = holdings_of(session, person, keys)
    ticket_ids = [ticket.id for ticket in held.tickets]
    comments = sum(1 for rating in held.feedback if rating.comment)
    for ticket in held.tickets:
        ticket.citizen_hash = None
    for booking in held.bookings:
        booking.phone, booking.citizen_hash = None, None
    for rating in held.feedback:
        if rating.comment:
            rating.comment = ERASED_COMMENT
    phones = {contact.phone for contact in held.contacts} | (
        {person.phone} if person.phone else set())
    session.execute(update(OutboxMessage).where(_any(
        phones and OutboxMessage.destination.in_(phones),
        ticket_ids and OutboxMessage.ticket_id.in_(ticket_ids)))
        .where(OutboxMessage.channel.in_(("zalo", "sms")))
        .values(destination=None).execution_options(synchronize_session=False))
    if held.contacts:
        session.execute(delete(MessageContact).where(
            MessageContact.id.in_([contact.id for contact in held.contacts]))
            .execution_options(synchronize_session=False))
    counts = {"tickets": len(held.tickets), "bookings": len(held.bookings),
              "phone_contacts": len(held.contacts),
              "comments": comments}
    _audit(session, AdminAction.ERASED, person, keys, now, requester,
           {kind: [count, 0] for kind, count in counts.items()})
    session.flush()
    return counts


def _any(*conditions: object) -> ColumnElement[bool]:
    """OR of the conditions that apply (an empty value stands for none); none: false."""
    kept = [condition for condition in conditions if isinstance(condition, ColumnElement)]
    return or_(*kept) if kept else false()


def _ticket(ticket: Ticket) -> dict[str, Any]:
    return {"office": ticket.office.slug, "number": ticket.number,
            "service": ticket.service.code, "day": ticket.day.isoformat(),
            "status": ticket.status.value, "issued_at": ticket.issued_at.isoformat(),
            "priority": ticket.priority.code if ticket.priority else None,
            "age_band": ticket.age_band, "outcome": ticket.outcome,
            "holds_citizen_id_hash": ticket.citizen_hash is not None}


def _booking(booking: Booking) -> dict[str, Any]:
    return {"code": booking.code, "office": booking.office.slug,
            "service": booking.service.code, "start": booking.starts_at.isoformat(),
            "status": booking.status.value, "phone": booking.phone,
            "holds_citizen_id_hash": booking.citizen_hash is not None,
            "consent": {"text": booking.consent_text, "version": booking.consent_version,
                        "at": booking.consent_at.isoformat() if booking.consent_at else None}}


def _contact(contact: MessageContact) -> dict[str, Any]:
    return {"phone": contact.phone, "channel": contact.channel,
            "consent": {"text": contact.consent_text, "version": contact.consent_version,
                        "at": contact.created_at.isoformat()}}


def _messages(session: Session, person: Person, held: Holdings) -> list[dict[str, Any]]:
    ids = [ticket.id for ticket in held.tickets]
    conditions = [OutboxMessage.destination == person.phone] if person.phone else []
    if ids:
        conditions.append(OutboxMessage.ticket_id.in_(ids))
    if not conditions:
        return []
    rows = session.scalars(select(OutboxMessage).where(
        or_(*conditions), OutboxMessage.channel.in_(("zalo", "sms"))).order_by(OutboxMessage.id))
    return [{"kind": row.kind, "channel": row.channel, "status": row.status.value,
             "destination": row.destination, "created_at": row.created_at.isoformat()}
            for row in rows]


def _audit(session: Session, action: AdminAction, person: Person, keys: CitizenKeys,
           now: datetime, requester: Requester, changes: dict) -> None:
    session.add(AdminAuditEntry(
        at=now, office_id=None, user_id=requester.user_id, actor=requester.name[:64],
        client_address=requester.address, client_agent=None, action=action,
        object_kind=AdminObject.PERSON, object_key=person.tag(keys), changes=changes))
