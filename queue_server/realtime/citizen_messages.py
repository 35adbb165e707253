"""Queueing the citizen's messages after a committed change: the turn is near, called to a
counter, the invitation to rate. Never sent here: the outbox worker sends them.

Costs one small query for the contacts of the tickets concerned, only when a channel is
configured, and never fails the action.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from flask import Flask, current_app

from queue_server.core.request_context import db, now, public_url
from queue_server.models import Ticket, TicketStatus
from queue_server.notify import citizen, phones
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
    return bool(worker().channels)


def queue_moved(near: Mapping[int, int], called: Ticket | None) -> None:
    """Queue "your turn is near" for the near tickets and "called" for a called one."""
    sender = worker()
    if not sender.channels:
        return
    queued = 0
    if called is not None and called.status is TicketStatus.CALLED:
        queued = _queue_for(sender, called, "called", citizen.called_data(called))
        if queued:  # "come to counter N" says more than "your turn is near"
            near = {ticket_id: ahead for ticket_id, ahead in near.items()
                    if ticket_id != called.id}
    queued += citizen.queue_near_turn(db(), sender.offer, near, now=now())
    _commit_and_wake(sender, queued)


def ticket_finished(ticket: Ticket) -> None:
    """Queue the invitation to rate, with a link to the ticket's page that asks for it."""
    sender = worker()
    if not sender.channels or ticket.status is not TicketStatus.DONE:
        return
    url = f"{public_url()}/t/{ticket.code}"
    _commit_and_wake(sender, _queue_for(sender, ticket, "rating",
                                        citizen.rating_data(ticket, url)))


def _queue_for(sender: OutboxWorker, ticket: Ticket, kind: str,
               data: Mapping[str, object]) -> int:
    contact = phones.contacts_of(db(), [ticket.id]).get(ticket.id)
    if contact is None:
        return 0
    message = citizen.queue_message(db(), sender.offer, ticket, contact, kind, data, now=now())
    return int(message is not None)


def _commit_and_wake(sender: OutboxWorker, queued: int) -> None:
    db().commit()
    if queued:
        sender.wake()


def forget_phone_numbers(app: Flask) -> int:
    """The retention job: delete numbers past their office's retention, in the log too."""
    state = app.extensions["queue"]
    with state.sessions() as session:
        removed = phones.forget_expired(session, state.clock())
        session.commit()
    if removed:
        log.info("forgot %d phone number(s) past their retention", removed)
    return removed
