"""The delivery log for managers: every outbox message with its state and the provider's
reason, filtered and exported; whether Zalo's access token was refused lately; and what the
webhook to the province's system still has to deliver or gave up.

Phone numbers appear masked (the last three digits), and not at all once forgotten.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from queue_server.models import MessageStatus, Office, OutboxMessage, Ticket
from queue_server.notify.webhook import CHANNEL as WEBHOOK
from queue_server.notify.zalo import TOKEN_ERRORS
from queue_server.reports.safe_cells import csv_text

STATUSES = tuple(status.value for status in MessageStatus)
CSV_COLUMNS = ("created_at", "office", "number", "kind", "channel", "to", "status", "attempts",
               "sent_at", "error_code", "last_error", "tracking_id")


@dataclass(frozen=True)
class LogFilter:
    """Which rows: offices (None: all), a time range, and optionally a state, channel, kind."""

    office_ids: tuple[int, ...] | None
    start: datetime
    end: datetime
    status: str | None = None
    channel: str | None = None
    kind: str | None = None


@dataclass(frozen=True)
class LogRow:
    """One message as the log shows it."""

    created_at: datetime
    office: str
    number: str | None
    kind: str
    channel: str
    to: str
    status: str
    attempts: int
    sent_at: datetime | None
    error_code: str | None
    last_error: str | None
    tracking_id: str


@dataclass(frozen=True)
class TokenProblem:
    """Zalo refused the access token at its latest attempt: when, and what it said."""

    at: datetime
    code: str
    reason: str


def masked(destination: str | None) -> str:
    """A phone number as the log shows it: •••••••678; a URL as it is; "" once forgotten."""
    if not destination:
        return ""
    if destination.startswith(("http://", "https://")):
        return destination
    return "•" * max(len(destination) - 3, 0) + destination[-3:]


def _query(wanted: LogFilter) -> Select:
    query = (select(OutboxMessage, Office.name, Ticket.number)
             .join(Office, Office.id == OutboxMessage.office_id)
             .outerjoin(Ticket, Ticket.id == OutboxMessage.ticket_id)
             .where(OutboxMessage.created_at >= wanted.start,
                    OutboxMessage.created_at < wanted.end))
    if wanted.office_ids is not None:
        query = query.where(OutboxMessage.office_id.in_(wanted.office_ids))
    if wanted.status in STATUSES:
        query = query.where(OutboxMessage.status == MessageStatus(wanted.status))
    if wanted.channel:
        query = query.where(OutboxMessage.channel == wanted.channel)
    if wanted.kind:
        query = query.where(OutboxMessage.kind == wanted.kind)
    return query.order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())


def _row(message: OutboxMessage, office: str, number: str | None) -> LogRow:
    return LogRow(message.created_at, office, number, message.kind, message.channel,
                  masked(message.destination), message.status.value, message.attempts,
                  message.sent_at, message.error_code, message.last_error, message.tracking_id)


def log_rows(session: Session, wanted: LogFilter, limit: int) -> tuple[list[LogRow], bool]:
    """The newest rows matching the filter, and whether there were more."""
    found = session.execute(_query(wanted).limit(limit + 1)).all()
    return [_row(*row) for row in found[:limit]], len(found) > limit


def log_csv(session: Session, wanted: LogFilter, zone: ZoneInfo) -> str:
    """Every row matching the filter as CSV for Excel (local times; cells never formulas)."""
    rows = (_row(*found) for found in session.execute(
        _query(wanted).execution_options(yield_per=500)))
    return csv_text(CSV_COLUMNS, ([_local(getattr(row, column), zone) for column in CSV_COLUMNS]
                                  for row in rows))


def _local(value: object, zone: ZoneInfo) -> object:
    return value.astimezone(zone) if isinstance(value, datetime) else value


def zalo_token_problem(session: Session) -> TokenProblem | None:
    """The latest Zalo attempt's refusal of the access token (None: the token worked, or
    Zalo was not used)."""
    latest = session.execute(
        select(OutboxMessage.claimed_at, OutboxMessage.error_code, OutboxMessage.last_error)
        .where(OutboxMessage.channel == "zalo", OutboxMessage.claimed_at.is_not(None))
        .order_by(OutboxMessage.claimed_at.desc(), OutboxMessage.id.desc()).limit(1)).first()
    if latest is None or latest.error_code not in TOKEN_ERRORS:
        return None
    return TokenProblem(latest.claimed_at, latest.error_code, latest.last_error or "")


@dataclass(frozen=True)
class Backlog:
    """The webhook's deliveries of the log's offices and days: still to go, and given up."""

    pending: int
    failed: int

    def __bool__(self) -> bool:
        return bool(self.pending or self.failed)


def webhook_backlog(session: Session, wanted: LogFilter) -> Backlog:
    """How many webhook deliveries in the filter's offices and days are waiting or sending,
    and how many failed (whatever the filter's state, channel and kind)."""
    query = (select(OutboxMessage.status, func.count()).where(
        OutboxMessage.channel == WEBHOOK, OutboxMessage.created_at >= wanted.start,
        OutboxMessage.created_at < wanted.end).group_by(OutboxMessage.status))
    if wanted.office_ids is not None:
        query = query.where(OutboxMessage.office_id.in_(wanted.office_ids))
    counts: dict[MessageStatus, int] = {row[0]: row[1] for row in session.execute(query)}
    return Backlog(counts.get(MessageStatus.QUEUED, 0) + counts.get(MessageStatus.SENDING, 0),
                   counts.get(MessageStatus.FAILED, 0))
