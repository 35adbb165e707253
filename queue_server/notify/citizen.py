"""The messages a citizen who gave a number gets: the turn is near, called to a counter, and a
link to rate after service. Each goes once per ticket, on the channels the office and the
server offer, the citizen's choice first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from queue_server.models import MessageContact, Office, OutboxMessage, Ticket
from queue_server.notify import outbox, phones
from queue_server.notify.office_messages import CHANNELS, OfficeMessages, office_messages


@dataclass(frozen=True)
class Offer:
    """What the server can send: its configured channels, and the SMS near-turn text."""

    available: frozenset[str]
    sms_near_turn_text: str | None = None

    def channels_of(self, office: Office) -> list[str]:
        """The channels a citizen of this office may choose, in the office's order."""
        messages = office_messages(office.messages)
        return [channel for channel in messages.channels if channel in self.available
                and any(messages.template(channel, kind, self.sms_near_turn_text)
                        for kind in ("near_turn", "called", "rating"))]

    def kinds_of(self, office: Office) -> list[str]:
        """The messages the office sends on some channel, for the consent's purposes."""
        return [kind for kind in ("near_turn", "called", "rating")
                if self.order(office, kind, None)]

    def order(self, office: Office, kind: str, chosen: str | None) -> list[str]:
        """The channels to try for one message, the citizen's choice first."""
        messages: OfficeMessages = office_messages(office.messages)
        order = messages.channels_for(kind, self.available, self.sms_near_turn_text)
        if chosen in order:
            order.remove(chosen)
            order.insert(0, chosen)
        return order


def near_turn_data(ticket: Ticket, ahead: int) -> dict[str, object]:
    """The fields of "your turn is near"."""
    return {"number": ticket.number, "ahead": ahead, "office": ticket.office.name,
            "service": ticket.service.name}


def called_data(ticket: Ticket) -> dict[str, object]:
    """The fields of "please come to counter N"."""
    counter = ticket.counter
    return {"number": ticket.number, "counter": counter.name if counter else "",
            "office": ticket.office.name, "service": ticket.service.name}


def rating_data(ticket: Ticket, url: str) -> dict[str, object]:
    """The fields of the invitation to rate (url: the ticket's page, which asks for it)."""
    return {"number": ticket.number, "office": ticket.office.name, "url": url}


def queue_message(session: Session, offer: Offer, ticket: Ticket, contact: MessageContact,
                  kind: str, data: Mapping[str, object], *,
                  now: datetime) -> OutboxMessage | None:
    """Queue one message to the ticket's citizen; None when sent already or no channel has it."""
    channels = offer.order(ticket.office, kind, contact.channel)
    return outbox.enqueue(session, office_id=ticket.office_id, ticket_id=ticket.id, kind=kind,
                          channels=channels, destination=contact.phone, payload=data, now=now,
                          dedupe_key=dedupe_key(kind, ticket.id))


def still_due(session: Session, kind: str, ticket_ids: Iterable[int]) -> list[int]:
    """The tickets among these with a number and no `kind` message queued yet (two small
    reads: the common case, nothing new, writes nothing)."""
    with_number = list(phones.contacts_of(session, ticket_ids))
    if not with_number:
        return []
    keys = {dedupe_key(kind, ticket_id): ticket_id for ticket_id in with_number}
    queued = set(session.scalars(select(OutboxMessage.dedupe_key).where(
        OutboxMessage.dedupe_key.in_(keys))))
    return [ticket_id for key, ticket_id in keys.items() if key not in queued]


def dedupe_key(kind: str, ticket_id: int) -> str:
    """One message of a kind per ticket."""
    return f"{kind}:{ticket_id}"


def queue_near_turn(session: Session, offer: Offer, near: Mapping[int, int], *,
                    now: datetime) -> int:
    """Queue "your turn is near" for the near tickets with a number; how many were new."""
    queued = 0
    contacts = phones.contacts_of(session, near)
    tickets = {ticket.id: ticket for ticket in session.scalars(
        select(Ticket).where(Ticket.id.in_(list(contacts)))
        .options(joinedload(Ticket.office), joinedload(Ticket.service)))} if contacts else {}
    for ticket_id, contact in contacts.items():
        ticket = tickets.get(ticket_id)
        if ticket is not None and queue_message(
                session, offer, ticket, contact, "near_turn",
                near_turn_data(ticket, near[ticket_id]), now=now) is not None:
            queued += 1
    return queued


def is_offered(offer: Offer) -> bool:
    """Whether any channel is configured on this server at all."""
    return bool(offer.available & set(CHANNELS))
