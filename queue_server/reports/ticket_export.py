"""The raw tickets of a period, one row each, with local times, for XLSX and CSV exports."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from queue_server.core.i18n import page_texts
from queue_server.models import Counter, Feedback, Office, PriorityCategory, Service, Ticket, User
from queue_server.reports.figures import Scope
from queue_server.reports.labels import CHANNELS, REASONS, STATUSES, VISITS, vi
from queue_server.reports.spreadsheets import Table, minutes

HEADERS = ["Ngày", "Số", "Lĩnh vực lấy số", "Lĩnh vực cuối", "Ưu tiên", "Kênh", "Trạng thái",
           "Giờ lấy số", "Giờ gọi lần đầu", "Giờ gọi cuối", "Giờ kết thúc", "Chờ (phút)",
           "Phục vụ (phút)", "Chờ quá mục tiêu", "Số lần gọi lại", "Được chuyển", "Quầy",
           "Cán bộ", "Mã hồ sơ", "Mức đánh giá", "Lý do", "Góp ý", "Đến lần thứ",
           "Kết quả tiếp nhận"]
# Rows are read from the database in batches, never all at once.
BATCH = 2000


def tickets_table(session: Session, office: Office, scope: Scope) -> Table:
    """Every ticket of the scope in issue order."""
    return Table("Phiếu", HEADERS, _rows(session, office, scope))


def _rows(session: Session, office: Office, scope: Scope) -> Iterator[list]:
    issued_service, service = aliased(Service), aliased(Service)
    query = (
        select(Ticket.day, Ticket.number, issued_service.name, service.name,
               PriorityCategory.name, Ticket.channel, Ticket.status, Ticket.issued_at,
               Ticket.called_at, Ticket.last_called_at, Ticket.finished_at,
               issued_service.target_wait_s, Ticket.recall_count, Ticket.is_transferred,
               Counter.number, User.full_name, User.username, Ticket.dossier_code,
               Feedback.rating, Feedback.reasons, Feedback.comment, Feedback.visits,
               Ticket.outcome)
        .join(issued_service, issued_service.id == Ticket.issued_service_id)
        .join(service, service.id == Ticket.service_id)
        .outerjoin(PriorityCategory, PriorityCategory.id == Ticket.priority_id)
        .outerjoin(Counter, Counter.id == Ticket.counter_id)
        .outerjoin(User, User.id == Ticket.officer_id)
        .outerjoin(Feedback, Feedback.ticket_id == Ticket.id)
        .where(*scope.conditions())
        .order_by(Ticket.issued_at, Ticket.id)
        .execution_options(yield_per=BATCH))
    zone = ZoneInfo(office.timezone)
    outcomes = page_texts("outcome", "vi")
    for row in session.execute(query):
        outcome = cast(str | None, row[-1])
        yield [*_row(row[:-1], zone), outcomes.get(outcome, outcome) if outcome else ""]


def _local(moment: datetime | None, zone: ZoneInfo) -> datetime | None:
    # Spreadsheets have no time zones: the office's wall clock, to the second.
    return None if moment is None else moment.astimezone(zone).replace(
        tzinfo=None, microsecond=0)


def _row(row: Sequence[Any], zone: ZoneInfo) -> list:
    (day, number, issued_name, service_name, priority, channel, status, issued_at, called_at,
     last_called_at, finished_at, target_s, recalls, transferred, counter, full_name, username,
     dossier, rating, reasons, comment, visits) = row
    wait = (called_at - issued_at).total_seconds() if called_at else None
    served = status.value == "done" and finished_at and last_called_at
    service = (finished_at - last_called_at).total_seconds() if served else None
    return [day, number, issued_name, service_name, priority or "", vi(CHANNELS, channel.value),
            vi(STATUSES, status.value), _local(issued_at, zone), _local(called_at, zone),
            _local(last_called_at, zone), _local(finished_at, zone), minutes(wait),
            minutes(service), None if wait is None else ("Có" if wait > target_s else "Không"),
            recalls, "Có" if transferred else "Không", counter, full_name or username,
            dossier, rating, "; ".join(vi(REASONS, code) for code in reasons or []), comment,
            vi(VISITS, visits.value if visits else None)]
