"""Phone numbers for "your turn is near": given at the kiosk, claimed once, forgotten after
the office's retention. Plain functions over a session with an explicit `now`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, Result, delete, select, update
from sqlalchemy.orm import Session

from queue_server.core.errors import Conflict, InvalidInput
from queue_server.models import Office, SmsRequest, SmsStatus, Ticket, TicketStatus

# Vietnamese mobile numbers: 0 or +84/84, then 3, 5, 7, 8 or 9 and eight more digits.
_MOBILE = re.compile(r"^(?:\+?84|0)([35789]\d{8})$")
# A SENDING row older than this belongs to a sender that died (restart): given up.
STUCK_AFTER = timedelta(minutes=15)
MAX_ERROR_LENGTH = 300


def normalize_phone(raw: str) -> str:
    """The number as +84XXXXXXXXX; InvalidInput invalid_phone when it is no Vietnamese mobile."""
    digits = re.sub(r"[\s.\-()]", "", raw or "")
    match = _MOBILE.match(digits)
    if match is None:
        raise InvalidInput("invalid_phone")
    return "+84" + match.group(1)


def register_phone(session: Session, ticket: Ticket, raw_phone: str, *,
                   now: datetime) -> tuple[SmsRequest, bool]:
    """Keep a phone number for the ticket's message; True when new (a repeat changes nothing).

    A number not yet used may be corrected; once the message is on its way it cannot.
    """
    phone = normalize_phone(raw_phone)
    if ticket.status is not TicketStatus.WAITING:
        raise Conflict("ticket_not_waiting", number=ticket.number)
    request = session.scalar(select(SmsRequest).where(SmsRequest.ticket_id == ticket.id))
    if request is None:
        request = SmsRequest(ticket_id=ticket.id, office_id=ticket.office_id, phone=phone,
                             status=SmsStatus.PENDING, attempts=0, created_at=now)
        session.add(request)
        session.flush()
        return request, True
    if request.status is not SmsStatus.PENDING:
        raise Conflict("sms_already_sent", number=ticket.number)
    is_new = request.phone != phone
    request.phone = phone
    return request, is_new


def pending_for(session: Session, ticket_ids: Iterable[int]) -> dict[int, int]:
    """Ticket id → request id, for the given tickets whose message is still to send."""
    ids = list(ticket_ids)
    if not ids:
        return {}
    return dict(session.execute(
        select(SmsRequest.ticket_id, SmsRequest.id)
        .where(SmsRequest.ticket_id.in_(ids), SmsRequest.status == SmsStatus.PENDING)).all())


def claim(session: Session, request_id: int, *, now: datetime) -> SmsRequest | None:
    """Take a pending request for sending; None when another sender has it (sent once)."""
    taken = _changed(session.execute(
        update(SmsRequest)
        .where(SmsRequest.id == request_id, SmsRequest.status == SmsStatus.PENDING)
        .values(status=SmsStatus.SENDING, claimed_at=now)
        .execution_options(synchronize_session=False)))
    if taken != 1:
        return None
    return session.get(SmsRequest, request_id, populate_existing=True)


def record_attempt(session: Session, request_id: int, *, error: str | None, is_last: bool,
                   now: datetime) -> SmsRequest | None:
    """Count one attempt: sent, failed for good, or still sending (a retry follows)."""
    request = session.get(SmsRequest, request_id)
    if request is None:  # forgotten meanwhile (retention): nothing to record
        return None
    request.attempts += 1
    if error is None:
        request.status, request.sent_at, request.last_error = SmsStatus.SENT, now, None
    else:
        request.last_error = error[:MAX_ERROR_LENGTH]
        if is_last:
            request.status = SmsStatus.FAILED
    return request


def forget_expired(session: Session, now: datetime) -> int:
    """Delete every phone number older than its office's retention; how many went."""
    removed = 0
    for office_id, hours in session.execute(select(Office.id, Office.phone_retention_hours)):
        removed += _changed(session.execute(
            delete(SmsRequest)
            .where(SmsRequest.office_id == office_id,
                   SmsRequest.created_at <= now - timedelta(hours=hours))
            .execution_options(synchronize_session=False)))
    return removed


def give_up_stuck(session: Session, now: datetime) -> int:
    """Mark as failed the messages whose sender stopped midway (never sent twice)."""
    return _changed(session.execute(
        update(SmsRequest)
        .where(SmsRequest.status == SmsStatus.SENDING, SmsRequest.claimed_at <= now - STUCK_AFTER)
        .values(status=SmsStatus.FAILED, last_error="interrupted (server restart)")
        .execution_options(synchronize_session=False)))


def _changed(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE touched (its result is a CursorResult)."""
    return cast(CursorResult[Any], result).rowcount
