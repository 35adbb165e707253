"""Queueing the push to the province's system after a committed change: a visit finished (or
ended as a no-show, like the visits feed lists it), a rating received. Never sent here: the
outbox worker sends them, so the counter never waits for the receiver.

Queued like the citizen's messages (realtime/citizen_messages.py): after the request's commit,
in a session of its own, and never failing the action. Costs nothing when no webhook is set.

A process that dies between a commit and its enqueue would lose that push, and the tickets the
end of day closes as finished are no request's; so `sweep` (at start and every ten minutes,
beside the end-of-day close) queues every event of the last 24 hours that has no row yet. The
dedupe key (one per visit, one per rating) keeps it to one delivery each.
"""

from __future__ import annotations

import logging
from datetime import datetime

from flask import Flask, current_app
from sqlalchemy import ColumnElement, String, cast, exists, literal, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from queue_server.core.clock import local_day
from queue_server.core.request_context import db, now, state
from queue_server.models import Feedback, Office, OutboxMessage, Ticket
from queue_server.notify import webhook
from queue_server.realtime.outbox_worker import OutboxWorker, worker_of
from queue_server.visits.events import (
    RATING_RECEIVED,
    VISIT_FINISHED,
    rating_received_event,
    visit_finished_event,
)
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
        sender.wake(webhook.CHANNEL)


# At most this many of each event queued per office and round (the rest at the next round).
SWEEP_BATCH = 500


def sweep(app: Flask) -> int:
    """Queue the visits finished and ratings received in the last 24 hours that have no
    webhook row (a crash between commit and enqueue, the end-of-day close); how many."""
    sender = worker_of(app)
    channel = sender.webhook
    if channel is None:
        return 0
    queue_state = app.extensions["queue"]
    moment: datetime = queue_state.clock()
    since = moment - webhook.LIFETIME
    with queue_state.sessions() as session:
        # Looking takes no write lock (see core/db.py): most rounds find nothing to queue.
        session.connection(execution_options={"sqlite_begin": "DEFERRED"})
        visits, ratings = _missing(session, since)
    if not visits and not ratings:
        return 0
    queued = 0
    with queue_state.sessions() as session:
        for ticket_id in visits:
            ticket = session.get(Ticket, ticket_id)
            if ticket is not None:
                queued += _enqueue(session, channel, ticket.office_id, ticket.id,
                                   visit_finished_event(session, ticket), str(ticket.id),
                                   moment)
        for feedback_id in ratings:
            feedback = session.get(Feedback, feedback_id)
            if feedback is not None:
                queued += _enqueue(session, channel, feedback.office_id, feedback.ticket_id,
                                   rating_received_event(session, feedback), str(feedback.id),
                                   moment)
        session.commit()
    if queued:
        log.info("webhook: queued %d event(s) that had no delivery yet", queued)
        sender.wake(webhook.CHANNEL)
    return queued


def _missing(session: Session, since: datetime) -> tuple[list[int], list[int]]:
    """The visits and ratings since then without a webhook row, oldest first, per office."""
    visits: list[int] = []
    ratings: list[int] = []
    for office_id, timezone in session.execute(select(Office.id, Office.timezone)
                                               .order_by(Office.id)):
        visits += session.scalars(
            select(Ticket.id).where(
                Ticket.office_id == office_id, Ticket.day >= local_day(since, timezone),
                Ticket.status.in_(FEED_STATUSES), Ticket.finished_at >= since,
                ~_queued(VISIT_FINISHED, Ticket.id))
            .order_by(Ticket.finished_at).limit(SWEEP_BATCH))
        ratings += session.scalars(
            select(Feedback.id).where(
                Feedback.office_id == office_id, Feedback.rated_at >= since,
                ~_queued(RATING_RECEIVED, Feedback.id))
            .order_by(Feedback.rated_at).limit(SWEEP_BATCH))
    return visits, ratings


def _queued(event: str, key_column: InstrumentedAttribute[int]) -> ColumnElement[bool]:
    key = literal(f"{webhook.CHANNEL}:{event}:") + cast(key_column, String)
    return exists().where(OutboxMessage.dedupe_key == key)


def _enqueue(session: Session, channel: webhook.WebhookChannel, office_id: int,
             ticket_id: int, event: dict, key: str, moment: datetime) -> int:
    return int(webhook.enqueue_event(session, url=channel.url, office_id=office_id,
                                     ticket_id=ticket_id, event=event, key=key,
                                     now=moment) is not None)
