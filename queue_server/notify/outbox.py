"""The outbox: every message to a citizen (and each webhook delivery to the province's system)
is a row first, then sent by a background worker. Plain functions over a session with an
explicit `now`.

- `enqueue` keeps one row per dedupe key: the same message asked twice is queued once.
- `claim_due` takes due rows with a guarded UPDATE (status and attempt count unchanged since
  read), so several server processes never send one attempt twice; a row left `sending` by a
  process that died is due again after `LEASE`, with the same tracking id.
- `record_sent` / `record_failure` settle the attempt: sent; queued again after a backoff;
  or failed, and then the same message queued on the next channel when one is left.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from queue_server.models import MessageStatus, OutboxMessage
from queue_server.notify.channels import Delivered, SendFailure

# Waits before the second, third … attempt: about twenty minutes in all, then it has failed
# on this channel (or its lifetime ran out first).
RETRY_DELAYS_S: tuple[float, ...] = (5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0)
# A row `sending` for this long belongs to a process that died: due again.
LEASE = timedelta(minutes=2)
# How long a message is worth sending; an unsent one then fails as "expired".
LIFETIMES = {"near_turn": timedelta(hours=1), "called": timedelta(minutes=30),
             "rating": timedelta(hours=24), "booking_otp": timedelta(minutes=5),
             "booking_reminder": timedelta(hours=1)}
DEFAULT_LIFETIME = timedelta(hours=24)
RATE_WINDOW = timedelta(minutes=1)


@dataclass(frozen=True)
class Claimed:
    """A message this process now owns for one attempt (the attempt number is its guard)."""

    message_id: int
    attempts: int


def new_tracking_id() -> str:
    """A unique id sent with every attempt of one message (128 random bits, hex)."""
    return secrets.token_hex(16)


def enqueue(session: Session, *, office_id: int, kind: str, channels: Sequence[str],
            destination: str, payload: Mapping[str, Any], now: datetime,
            ticket_id: int | None = None, dedupe_key: str | None = None,
            lifetime: timedelta | None = None,
            expires_at: datetime | None = None) -> OutboxMessage | None:
    """Queue a message on the first channel, the others as fallbacks; None when there is no
    channel or the dedupe key is queued already."""
    if not channels:
        return None
    if dedupe_key is not None and session.scalar(select(OutboxMessage.id).where(
            OutboxMessage.dedupe_key == dedupe_key)) is not None:
        return None
    message = OutboxMessage(
        office_id=office_id, ticket_id=ticket_id, kind=kind, channel=channels[0],
        fallbacks=list(channels[1:]), destination=destination, payload=dict(payload),
        dedupe_key=dedupe_key, tracking_id=new_tracking_id(), status=MessageStatus.QUEUED,
        attempts=0, next_attempt_at=now,
        expires_at=expires_at or now + (lifetime or LIFETIMES.get(kind, DEFAULT_LIFETIME)),
        created_at=now)
    try:
        with session.begin_nested():  # two processes with one key: the first one stands
            session.add(message)
    except IntegrityError:
        return None
    return message


def due_filter(now: datetime) -> Any:
    """Rows an attempt is due for: queued and their time came, or abandoned midway."""
    return or_(and_(OutboxMessage.status == MessageStatus.QUEUED,
                    OutboxMessage.next_attempt_at <= now),
               and_(OutboxMessage.status == MessageStatus.SENDING,
                    OutboxMessage.claimed_at <= now - LEASE))


def claim_due(session: Session, now: datetime, *, per_minute: Callable[[int], int],
              limit: int = 10, unmetered: Collection[str] = (),
              where: Any = None) -> list[Claimed]:
    """Take up to `limit` due messages (of those `where` selects) for this process, each
    office within its rate (the office's rate counts messages to citizens; `unmetered`
    channels, such as the webhook to another system, neither count nor wait for it)."""
    candidates = session.execute(
        select(OutboxMessage.id, OutboxMessage.office_id, OutboxMessage.status,
               OutboxMessage.attempts, OutboxMessage.channel)
        .where(due_filter(now), *([] if where is None else [where]))
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit * 4).with_for_update(skip_locked=True)).all()
    started: dict[int, int] = {}
    claimed: list[Claimed] = []
    for message_id, office_id, status, attempts, channel in candidates:
        metered = channel not in unmetered
        if metered and office_id not in started:
            started[office_id] = _started_lately(session, office_id, now, unmetered)
        if metered and started[office_id] >= per_minute(office_id):
            continue  # over the office's rate: stays queued for a later round
        if _claim(session, message_id, status, attempts, now):
            if metered:
                started[office_id] += 1
            claimed.append(Claimed(message_id, attempts + 1))
            if len(claimed) == limit:
                break
    return claimed


def _started_lately(session: Session, office_id: int, now: datetime,
                    unmetered: Collection[str]) -> int:
    query = select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.office_id == office_id, OutboxMessage.claimed_at > now - RATE_WINDOW)
    if unmetered:
        query = query.where(OutboxMessage.channel.not_in(list(unmetered)))
    return session.scalar(query) or 0


def _claim(session: Session, message_id: int, status: MessageStatus, attempts: int,
           now: datetime) -> bool:
    return _changed(session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == status,
               OutboxMessage.attempts == attempts)
        .values(status=MessageStatus.SENDING, attempts=attempts + 1, claimed_at=now)
        .execution_options(synchronize_session=False))) == 1


def record_sent(session: Session, claimed: Claimed, delivered: Delivered, *,
                now: datetime) -> bool:
    """The provider took it; False when the attempt was no longer this process's."""
    return _changed(session.execute(
        update(OutboxMessage)
        .where(*_still_mine(claimed))
        .values(status=MessageStatus.SENT, sent_at=now, provider_id=delivered.provider_id,
                last_error=None, error_code=None)
        .execution_options(synchronize_session=False))) == 1


def record_failure(session: Session, claimed: Claimed, failure: SendFailure, *, now: datetime,
                   retry_delays_s: Sequence[float] = RETRY_DELAYS_S) -> OutboxMessage | None:
    """Queue the next attempt after its backoff, or fail this channel; the message queued on
    the next channel when this one refused it or gave up (else None)."""
    message = session.get(OutboxMessage, claimed.message_id, populate_existing=True)
    if message is None or message.status is not MessageStatus.SENDING or (
            message.attempts != claimed.attempts):
        return None
    values: dict[str, Any] = {"last_error": failure.reason, "error_code": failure.code}
    delay = (timedelta(seconds=retry_delays_s[claimed.attempts - 1])
             if claimed.attempts <= len(retry_delays_s) else None)
    if not failure.is_refusal and delay is not None and now + delay < message.expires_at:
        values |= {"status": MessageStatus.QUEUED, "next_attempt_at": now + delay}
    else:
        values["status"] = MessageStatus.FAILED
    if not _changed(session.execute(
            update(OutboxMessage).where(*_still_mine(claimed)).values(**values)
            .execution_options(synchronize_session=False))):
        return None
    if values["status"] is not MessageStatus.FAILED or not message.fallbacks:
        return None
    return _on_next_channel(session, message, now)


def _on_next_channel(session: Session, failed: OutboxMessage, now: datetime) -> OutboxMessage:
    message = OutboxMessage(
        office_id=failed.office_id, ticket_id=failed.ticket_id, kind=failed.kind,
        channel=failed.fallbacks[0], fallbacks=list(failed.fallbacks[1:]),
        destination=failed.destination, payload=dict(failed.payload), dedupe_key=None,
        tracking_id=new_tracking_id(), status=MessageStatus.QUEUED, attempts=0,
        next_attempt_at=now, expires_at=failed.expires_at, created_at=now)
    session.add(message)
    session.flush()
    return message


def expire_overdue(session: Session, now: datetime) -> int:
    """Fail the messages whose lifetime ran out before they went; how many."""
    return _changed(session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.expires_at <= now, due_filter(now))
        .values(status=MessageStatus.FAILED, error_code="expired",
                last_error=func.coalesce(OutboxMessage.last_error, "expired"))
        .execution_options(synchronize_session=False)))


def next_due_at(session: Session, *, where: Any = None) -> datetime | None:
    """When the earliest queued message (of those `where` selects) falls due (None: nothing
    queued)."""
    query = select(func.min(OutboxMessage.next_attempt_at)).where(
        OutboxMessage.status == MessageStatus.QUEUED)
    return session.scalar(query if where is None else query.where(where))


def _still_mine(claimed: Claimed) -> tuple[Any, ...]:
    return (OutboxMessage.id == claimed.message_id,
            OutboxMessage.status == MessageStatus.SENDING,
            OutboxMessage.attempts == claimed.attempts)


def _changed(result: Any) -> int:
    """How many rows an UPDATE touched (its result is a CursorResult)."""
    return cast(CursorResult[Any], result).rowcount
