"""The outbox worker: a Socket.IO background task in every server process that sends the due
messages of the outbox, never inside a request.

Two lanes, each its own loop: the messages to citizens, and the webhook to the province's
system, so a receiver that hangs for its whole timeout never holds up "your turn is near".

Each round is three short transactions per message: claim (guarded, see notify/outbox.py),
then the HTTP call with no transaction open (under gevent a greenlet must never wait on the
network while it holds SQLite's write lock), then the result. Several processes may run it
at once; a process that dies leaves its claimed rows to the others after the lease.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from flask import Flask
from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.orm import Session

from queue_server.core.extensions import socketio
from queue_server.core.settings import Settings
from queue_server.models import Office, OutboxMessage
from queue_server.notify import outbox
from queue_server.notify.channels import Channel, Delivered, Outgoing, SendFailure, render
from queue_server.notify.citizen import Offer
from queue_server.notify.gateway import HttpSmsGateway
from queue_server.notify.office_messages import office_messages
from queue_server.notify.phones import PHONE_CHANNELS
from queue_server.notify.webhook import CHANNEL as WEBHOOK
from queue_server.notify.webhook import WebhookChannel
from queue_server.notify.zalo import ZaloZns

log = logging.getLogger(__name__)
POLL_S = 2.0
CITIZENS = "citizens"
LANES = (CITIZENS, WEBHOOK)


def lane_filter(lane: str) -> ColumnElement[bool]:
    """The outbox rows of a lane: the webhook's, or every other channel's."""
    if lane == WEBHOOK:
        return OutboxMessage.channel == WEBHOOK
    return OutboxMessage.channel != WEBHOOK


def channels_from(settings: Settings) -> dict[str, Channel]:
    """The channels this server is configured for (none: no message is offered)."""
    channels: dict[str, Channel] = {}
    if settings.zalo_access_token:
        channels["zalo"] = ZaloZns(settings.zalo_access_token, settings.zalo_zns_url)
    if settings.sms_gateway_url:
        channels["sms"] = HttpSmsGateway(settings.sms_gateway_url, settings.sms_gateway_headers,
                                         settings.sms_body_template)
    if settings.webhook_url and settings.webhook_secret:
        channels[WEBHOOK] = WebhookChannel(settings.webhook_url, settings.webhook_secret)
    return channels


@dataclass
class OutboxWorker:
    """Sends due outbox messages in the background; `wake` after queueing one."""

    app: Flask
    channels: dict[str, Channel]
    retry_delays_s: tuple[float, ...] = outbox.RETRY_DELAYS_S
    sms_near_turn_text: str | None = None
    poll_s: float = POLL_S
    # A channel's own waits between attempts (the webhook's span a day), else retry_delays_s.
    channel_retry_delays_s: dict[str, tuple[float, ...]] = field(default_factory=dict)
    _wakes: dict[str, threading.Event] = field(default_factory=lambda: {
        lane: threading.Event() for lane in LANES})
    _started: set[str] = field(default_factory=set)
    _stopped: bool = False

    @property
    def offer(self) -> Offer:
        """What the server can send to citizens, for the API and the pages."""
        return Offer(frozenset(name for name in self.channels if name in PHONE_CHANNELS),
                     self.sms_near_turn_text)

    @property
    def webhook(self) -> WebhookChannel | None:
        """The push to the province's system, when configured."""
        channel = self.channels.get(WEBHOOK)
        return channel if isinstance(channel, WebhookChannel) else None

    def start(self) -> None:
        """Run each lane's loop in a background task (once per process); the webhook's only
        when it is configured."""
        if self._stopped:
            return
        for lane in LANES:
            if lane not in self._started and (lane == CITIZENS or lane in self.channels):
                self._started.add(lane)
                socketio.start_background_task(self._run, lane)

    def wake(self, lane: str = CITIZENS) -> None:
        """A message was queued: send it now rather than at the next poll."""
        self.start()
        self._wakes[lane].set()

    def stop(self) -> None:
        """End the loops after their current round (tests; the server runs them until exit)."""
        self._stopped = True
        for wake in self._wakes.values():
            wake.set()

    def _run(self, lane: str) -> None:
        while not self._stopped:
            try:
                busy = self.work_once(lane)
            except Exception:  # a database outage must not end the loop
                log.warning("outbox round failed", exc_info=True)
                busy = False
            if not busy:
                self._wakes[lane].wait(self._pause(lane))
                self._wakes[lane].clear()

    def _pause(self, lane: str) -> float:
        state = self.app.extensions["queue"]
        with state.sessions() as session:
            _read_only(session)
            due = outbox.next_due_at(session, where=lane_filter(lane))
        wait: float = (due - state.clock()).total_seconds() if due is not None else 0.0
        if wait <= 0:  # nothing queued, or due but held back by an office's rate
            return self.poll_s
        return min(self.poll_s, max(0.05, wait))

    def work_once(self, lane: str = CITIZENS) -> bool:
        """Claim the lane's due messages and send them; whether there were any."""
        state = self.app.extensions["queue"]
        in_lane = lane_filter(lane)
        with state.sessions() as session:
            _read_only(session)
            now = state.clock()
            if not session.scalar(select(exists().where(outbox.due_filter(now), in_lane))):
                return False
        with state.sessions() as session:
            now = state.clock()
            outbox.expire_overdue(session, now)
            rates = _rates(session)
            claimed = outbox.claim_due(session, now, per_minute=lambda office: rates.get(
                office, 60), unmetered=(WEBHOOK,), where=in_lane)
            attempts = [self._prepare(session, one) for one in claimed]
            session.commit()
        for one, prepared in zip(claimed, attempts, strict=True):
            try:
                self._attempt(one, prepared)
            except Exception:  # its row stays `sending`: taken again after the lease
                log.warning("message %s: result not recorded", one.message_id, exc_info=True)
        return bool(claimed)

    def _prepare(self, session: Session, claimed: outbox.Claimed) -> Outgoing | SendFailure:
        message = session.get(OutboxMessage, claimed.message_id)
        assert message is not None  # claimed a moment ago in this transaction
        if message.channel not in self.channels:
            return SendFailure(f"{message.channel} is not configured on this server",
                               code="not_configured", is_refusal=True)
        if message.destination is None:
            return SendFailure("the number was forgotten (retention)", code="expired",
                               is_refusal=True)
        try:
            content = render(message.channel, message.kind, message.payload,
                             office_messages(message.office.messages), self.sms_near_turn_text)
        except SendFailure as failure:
            return failure
        return Outgoing(message.channel, message.destination, message.kind, content,
                        message.tracking_id)

    def _attempt(self, claimed: outbox.Claimed, prepared: Outgoing | SendFailure) -> None:
        result: Delivered | SendFailure = prepared if isinstance(prepared, SendFailure) else (
            self._send(prepared))
        state = self.app.extensions["queue"]
        delays = self.channel_retry_delays_s.get(
            prepared.channel if isinstance(prepared, Outgoing) else "", self.retry_delays_s)
        with state.sessions() as session:
            now = state.clock()
            if isinstance(result, Delivered):
                outbox.record_sent(session, claimed, result, now=now)
            else:
                outbox.record_failure(session, claimed, result, now=now,
                                      retry_delays_s=delays)
            session.commit()
        if isinstance(result, SendFailure):
            log.warning("message %s, attempt %d: %s", claimed.message_id, claimed.attempts,
                        result.reason)

    def _send(self, outgoing: Outgoing) -> Delivered | SendFailure:
        try:
            return self.channels[outgoing.channel].send(outgoing)
        except SendFailure as failure:
            return failure
        except Exception as error:  # a channel's bug must not stop the others
            log.exception("channel %s failed", outgoing.channel)
            return SendFailure(f"unexpected error ({type(error).__name__})", code="error")


def _read_only(session: Session) -> None:
    # A poll must not take SQLite's write lock (see core/db.py): read in a deferred transaction.
    session.connection(execution_options={"sqlite_begin": "DEFERRED"})


def _rates(session: Session) -> Mapping[int, int]:
    return {office_id: office_messages(raw).per_minute
            for office_id, raw in session.execute(select(Office.id, Office.messages))}


def worker_of(app: Flask) -> OutboxWorker:
    """The app's outbox worker, made from its settings on first use."""
    worker = app.extensions.get("outbox")
    if worker is None:
        settings = app.extensions["queue"].settings
        worker = app.extensions["outbox"] = OutboxWorker(
            app, channels_from(settings), settings.message_retry_delays_s,
            settings.sms_message_template,
            channel_retry_delays_s={WEBHOOK: settings.webhook_retry_delays_s})
    return worker


def now_of(app: Flask) -> datetime:
    """The app's clock."""
    moment: datetime = app.extensions["queue"].clock()
    return moment
