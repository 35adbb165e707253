"""Phone numbers given for a ticket's messages: checked, kept with the consent, forgotten after
the office's retention. Plain functions over a session with an explicit `now`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

import phonenumbers
from sqlalchemy import CursorResult, Result, delete, select, update
from sqlalchemy.orm import Session

from queue_server.core.errors import Conflict, InvalidInput
from queue_server.models import (
    MessageContact,
    MessageStatus,
    Office,
    OutboxMessage,
    Ticket,
    TicketStatus,
)

# The shape of a Vietnamese mobile number as people type it: 0 or +84/84, then 3, 5, 7, 8
# or 9 and eight more digits. The library then says whether the range is a mobile one.
_MOBILE = re.compile(r"^(?:\+?84|0)([35789]\d{8})$")
_SEPARATORS = re.compile(r"[\s.\-()]")
PHONE_CHANNELS = ("zalo", "sms")


@dataclass(frozen=True)
class Consent:
    """What the citizen agreed to: the text shown, its version, and the channel chosen."""

    text: str
    version: str
    channel: str | None = None


def normalize_phone(raw: str) -> str:
    """The number in international form without "+" (84912345678); InvalidInput invalid_phone
    when it is no Vietnamese mobile number."""
    match = _MOBILE.match(_SEPARATORS.sub("", raw or ""))
    if match is None:
        raise InvalidInput("invalid_phone")
    try:
        parsed = phonenumbers.parse("0" + match.group(1), "VN")
    except phonenumbers.NumberParseException:
        raise InvalidInput("invalid_phone") from None
    mobile = (phonenumbers.PhoneNumberType.MOBILE,
              phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)
    if not phonenumbers.is_valid_number(parsed) or phonenumbers.number_type(parsed) not in mobile:
        raise InvalidInput("invalid_phone")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164).lstrip("+")


def register_contact(session: Session, ticket: Ticket, raw_phone: str, consent: Consent, *,
                     now: datetime) -> tuple[MessageContact, bool]:
    """Keep a phone number for the ticket's messages; True when new (a repeat changes nothing).

    A number not yet used may be corrected; once a message is on its way it cannot.
    """
    phone = normalize_phone(raw_phone)
    if ticket.status is not TicketStatus.WAITING:
        raise Conflict("ticket_not_waiting", number=ticket.number)
    contact = session.scalar(select(MessageContact).where(MessageContact.ticket_id == ticket.id))
    if contact is None:
        contact = MessageContact(ticket_id=ticket.id, office_id=ticket.office_id, phone=phone,
                                 channel=consent.channel, consent_version=consent.version,
                                 consent_text=consent.text, created_at=now)
        session.add(contact)
        session.flush()
        return contact, True
    if has_messages(session, ticket.id):
        raise Conflict("sms_already_sent", number=ticket.number)
    is_new = (contact.phone, contact.channel) != (phone, consent.channel)
    contact.phone, contact.channel = phone, consent.channel
    contact.consent_version, contact.consent_text, contact.created_at = (
        consent.version, consent.text, now)
    return contact, is_new


def has_messages(session: Session, ticket_id: int) -> bool:
    """Whether any message to the ticket's citizen was queued already."""
    return session.scalar(select(OutboxMessage.id).where(
        OutboxMessage.ticket_id == ticket_id).limit(1)) is not None


def contacts_of(session: Session, ticket_ids: Iterable[int]) -> dict[int, MessageContact]:
    """Ticket id → its contact, for the given tickets that have one."""
    ids = list(ticket_ids)
    if not ids:
        return {}
    return {contact.ticket_id: contact for contact in session.scalars(
        select(MessageContact).where(MessageContact.ticket_id.in_(ids)))}


def forget_expired(session: Session, now: datetime) -> int:
    """Delete every phone number older than its office's retention, in the contacts and in the
    outbox log (whose rows stay, without the number); how many contacts went."""
    removed = 0
    for office_id, hours in session.execute(select(Office.id, Office.phone_retention_hours)):
        cutoff = now - timedelta(hours=hours)
        removed += _changed(session.execute(
            delete(MessageContact)
            .where(MessageContact.office_id == office_id, MessageContact.created_at <= cutoff)
            .execution_options(synchronize_session=False)))
        in_the_log = (OutboxMessage.office_id == office_id,
                      OutboxMessage.channel.in_(PHONE_CHANNELS),
                      OutboxMessage.created_at <= cutoff)
        session.execute(
            update(OutboxMessage)
            .where(*in_the_log, OutboxMessage.status == MessageStatus.QUEUED)
            .values(status=MessageStatus.FAILED, last_error="expired", error_code="expired")
            .execution_options(synchronize_session=False))
        session.execute(
            update(OutboxMessage)
            .where(*in_the_log, OutboxMessage.status != MessageStatus.SENDING,
                   OutboxMessage.destination.is_not(None))
            .values(destination=None)
            .execution_options(synchronize_session=False))
    return removed


def _changed(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE touched (its result is a CursorResult)."""
    return cast(CursorResult[Any], result).rowcount
