"""Queueing the push to the province's system after a committed change: a visit finished (or
ended as a no-show, like the visits feed lists it), a rating received. Never sent here: the
outbox worker sends them, so the counter never waits for the receiver.

Queued like the citizen's messages (realtime/citizen_messages.py): after the request's commit,
in a session of its own, and never failing the action. Costs nothing when no webhook is set.
"""

from __future__ import annotations

import logging

from flask import Flask, current_app

from queue_server.core.request_context import db, now, state
from queue_server.models import Feedback, Ticket
from queue_server.notify import webhook
from queue_server.realtime.outbox_worker import OutboxWorker, worker_of
from queue_server.visits.events import rating_received_event, visit_finished_event
from queue_server.visits.feed import FEED_STATUSES

log = logging.getLogger(__name__)


def _worker() -> OutboxWorker:
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]  # the proxy's
    return worker_of(app)


def visit_finished(ticket: Ticket | None) -> None:
    """Queue `visit.finished` for a ticket that just ended done or absent; never raises."""
    sender = _worker()
    channel = sender.webhook
    if channel is None or ticket is None or ticket.status not in FEED_STATUSES:
        return
    try:
        event = visit_finished_event(db(), ticket)
        _queue(sender, channel, ticket.office_id, ticket.id, event, str(ticket.id))
    except Exception:  # the visit is committed; the feed still lists it
        log.exception("could not queue visit.finished for ticket %s", ticket.id)


def rating_received(feedback: Feedback) -> None:
    """Queue `rating.received` for a rating just stored; never raises."""
    sender = _worker()
    channel = sender.webhook
    if channel is None:
        return
    try:
        event = rating_received_event(db(), feedback)
        ticket = feedback.ticket
        _queue(sender, channel, ticket.office_id, ticket.id, event, str(feedback.id))
    except Exception:  # the rating is committed; the feed still lists it
        log.exception("could not queue rating.received for rating %s", feedback.id)


def _queue(sender: OutboxWorker, channel: webhook.WebhookChannel, office_id: int,
           ticket_id: int, event: dict, key: str) -> None:
    # The event is built from the request's session first; then, as for the citizen's
    # messages, that transaction ends and the row is written in a session of its own.
    db().commit()
    with state().sessions() as session:
        queued = webhook.enqueue_event(session, url=channel.url, office_id=office_id,
                                       ticket_id=ticket_id, event=event, key=key, now=now())
        session.commit()
    if queued is not None:
        sender.wake()
