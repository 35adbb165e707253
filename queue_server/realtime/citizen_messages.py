"""Queueing the citizen's messages after a committed change: the turn is near, called to a
counter, the invitation to rate. Never sent here: the outbox worker sends them.

Costs one small query for the contacts of the tickets concerned, only when a channel is
configured, and never fails the action.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager

from flask import Flask, current_app
from sqlalchemy.orm import Session

from queue_server.booking import bookings
from queue_server.core.request_context import db, now, public_url, state
from queue_server.models import Booking, Ticket, TicketStatus
from queue_server.notify import booking_messages, citizen, phones
from queue_server.realtime.outbox_worker import OutboxWorker, worker_of

log = logging.getLogger(__name__)


def _app() -> Flask:
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]  # the proxy's
    return app


def worker() -> OutboxWorker:
    """This app's outbox worker."""
    return worker_of(_app())


def is_on() -> bool:
    """Whether this server sends any message at all (a channel is configured)."""
    return bool(worker().offer.available)


def queue_moved(near: Mapping[int, int], called: Ticket | None) -> None:
    """Queue "your turn is near" for the near tickets and "called" for a called one."""
    sender = worker()
    if not sender.offer.available:
        return
    called_id = called.id if called is not None and called.status is TicketStatus.CALLED else None
    near = {ticket_id: near[ticket_id]
            for ticket_id in citizen.still_due(db(), "near_turn", near)}
    if called_id is not None and not citizen.still_due(db(), "called", [called_id]):
        called_id = None
    if not near and called_id is None:
        return  # nothing new: no write at all
    with outbox_session() as session:
        queued = 0
        if called_id is not None:
            queued = _queue_for(session, sender, called_id, "called", citizen.called_data)
            if queued:  # "come to counter N" says more than "your turn is near"
                near = {ticket_id: ahead for ticket_id, ahead in near.items()
                        if ticket_id != called_id}
        queued += citizen.queue_near_turn(session, sender.offer, near, now=now())
        session.commit()
    if queued:
        sender.wake()


def ticket_finished(ticket: Ticket) -> None:
    """Queue the invitation to rate, with a link to the ticket's page that asks for it."""
    sender = worker()
    if not sender.offer.available or ticket.status is not TicketStatus.DONE:
        return
    if not citizen.still_due(db(), "rating", [ticket.id]):
        return
    url = f"{public_url()}/t/{ticket.code}"
    with outbox_session() as session:
        queued = _queue_for(session, sender, ticket.id, "rating",
                            lambda again: citizen.rating_data(again, url))
        session.commit()
    if queued:
        sender.wake()


@contextmanager
def outbox_session() -> Iterator[Session]:
    """A session of its own for the outbox rows, after the request's transaction ended.

    The request's session may be reading in a deferred transaction (commit_then_read), which
    must not start writing; and SQLite's write lock must not be held by two sessions of one
    request at once. So: end the request's transaction, then write in a new one.
    """
    db().commit()
    with state().sessions() as session:
        yield session


def _queue_for(session: Session, sender: OutboxWorker, ticket_id: int, kind: str,
               data_of: Callable[[Ticket], Mapping[str, object]]) -> int:
    contact = phones.contacts_of(session, [ticket_id]).get(ticket_id)
    ticket = session.get(Ticket, ticket_id) if contact is not None else None
    if contact is None or ticket is None:
        return 0
    message = citizen.queue_message(session, sender.offer, ticket, contact, kind,
                                    data_of(ticket), now=now())
    return int(message is not None)


def booking_messages_after_commit(booking_ids: list[int], kind: str,
                                  data_of: Callable[[Booking], dict[str, object]],
                                  dedupe_prefix: str | None = None) -> None:
    """Queue one message to each booking's phone; the demo without a channel logs it."""
    sender = worker()
    queued = 0
    with outbox_session() as session:
        for booking_id in booking_ids:
            booking = session.get(Booking, booking_id)
            if booking is None:
                continue
            data = data_of(booking)
            key = f"{dedupe_prefix}:{booking.id}" if dedupe_prefix else None
            if booking_messages.queue_booking_message(session, sender.offer, booking, kind, data,
                                                      now=now(), dedupe_key=key) is not None:
                queued += 1
            elif not sender.channels:
                log.info("no message channel configured; SMS to …%s: %s",
                         (booking.phone or "")[-3:], booking_messages.log_text(booking, kind, data))
        session.commit()
    if queued:
        sender.wake()


def booking_round(app: Flask) -> int:
    """The bookings' housekeeping: no-shows marked, reminders queued, old phones forgotten;
    how many reminders were queued."""
    state = app.extensions["queue"]
    sender = worker_of(app)
    with state.sessions() as session:
        moment = state.clock()
        bookings.mark_no_shows(session, moment)
        queued = booking_messages.queue_reminders(session, sender.offer, now=moment)
        bookings.forget_phones(session, moment)
        session.commit()
    if queued:
        sender.wake()
    return queued


def forget_phone_numbers(app: Flask) -> int:
    """The retention job: delete numbers past their office's retention, in the log too."""
    state = app.extensions["queue"]
    with state.sessions() as session:
        removed = phones.forget_expired(session, state.clock())
        session.commit()
    if removed:
        log.info("forgot %d phone number(s) past their retention", removed)
    return removed
