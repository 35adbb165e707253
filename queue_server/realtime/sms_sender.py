"""Sending the "your turn is near" SMS in the background: never inside a request, once per
ticket, retried on failure; and the retention job that forgets phone numbers.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from flask import Flask
from sqlalchemy.orm import Session

from queue_server.core.extensions import socketio
from queue_server.core.settings import Settings
from queue_server.models import Ticket
from queue_server.notify import phones
from queue_server.notify.delivery import Delivery
from queue_server.notify.gateway import HttpSmsGateway, Notifier, NotifyError, message_text

log = logging.getLogger(__name__)


def delivery_of(app: Flask) -> Delivery:
    """The app's delivery, made from its settings on first use."""
    delivery = app.extensions.get("sms")
    if delivery is None:
        delivery = app.extensions["sms"] = Delivery(notifier_from(
            app.extensions["queue"].settings))
    return delivery


def send_due(app: Flask, session: Session, near: Mapping[int, int]) -> int:
    """Start one background sender per pending request among these tickets; how many."""
    if delivery_of(app).notifier is None:
        return 0
    due = phones.pending_for(session, near)
    for ticket_id, request_id in due.items():
        socketio.start_background_task(_deliver, app, request_id, near[ticket_id])
    return len(due)


def _deliver(app: Flask, request_id: int, ahead: int) -> None:
    try:
        claimed = _claim(app, request_id, ahead)
        if claimed is not None:
            _send_with_retries(app, request_id, *claimed)
    except Exception:
        log.exception("SMS request %s: delivery stopped", request_id)


def _claim(app: Flask, request_id: int, ahead: int) -> tuple[str, str, str] | None:
    """(phone, text, number) of a request this sender now owns; None when already taken."""
    state = app.extensions["queue"]
    with state.sessions() as session:
        request = phones.claim(session, request_id, now=state.clock())
        if request is None:
            return None
        ticket = session.get(Ticket, request.ticket_id)
        text = message_text(state.settings.sms_message_template, number=ticket.number,
                            office=ticket.office.name, service=ticket.service.name, ahead=ahead)
        claimed = (request.phone, text, ticket.number)
        session.commit()
    return claimed


def _send_with_retries(app: Flask, request_id: int, phone: str, text: str, number: str) -> None:
    delivery, state = delivery_of(app), app.extensions["queue"]
    assert delivery.notifier is not None  # only started when SMS is on
    delays = (0.0, *delivery.retry_delays_s)
    for attempt, delay in enumerate(delays, 1):
        if delay:
            socketio.sleep(delay)  # type: ignore[arg-type]  # the stub says int; it takes seconds
        error = None
        try:
            delivery.notifier.send(phone, text)
        except NotifyError as failure:
            error = str(failure)
        with state.sessions() as session:
            request = phones.record_attempt(session, request_id, error=error,
                                         is_last=attempt == len(delays), now=state.clock())
            session.commit()
        if request is None:  # its number was forgotten meanwhile (retention)
            return
        if error is None:
            log.info("SMS for ticket %s sent after %d attempt(s)", number, attempt)
            return
        log.warning("SMS for ticket %s, attempt %d of %d: %s", number, attempt, len(delays),
                    error)


def forget_phone_numbers(app: Flask) -> int:
    """The retention job: delete numbers past their office's retention, settle stuck sends."""
    state = app.extensions["queue"]
    with state.sessions() as session:
        removed = phones.forget_expired(session, state.clock())
        phones.give_up_stuck(session, state.clock())
        session.commit()
    if removed:
        log.info("forgot %d phone number(s) past their retention", removed)
    return removed


def notifier_from(settings: Settings) -> Notifier | None:
    """The configured gateway; None when no SMS gateway URL is set."""
    if not settings.sms_gateway_url:
        return None
    return HttpSmsGateway(settings.sms_gateway_url, settings.sms_gateway_headers,
                          settings.sms_body_template)
