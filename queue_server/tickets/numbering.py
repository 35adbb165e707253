"""The next ticket number, handed out atomically by the database."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from queue_server.models import DailySequence, Service


def _upsert(dialect: Any) -> Any:
    # Built once per dialect: building the statement cost more than running it.
    return (
        dialect.insert(DailySequence)
        .values(service_id=bindparam("service"), day=bindparam("day"),
                last_number=bindparam("start"))
        .on_conflict_do_update(
            index_elements=[DailySequence.service_id, DailySequence.day],
            set_={"last_number": DailySequence.last_number + 1},
        )
        .returning(DailySequence.last_number)
    )


_UPSERTS = {"postgresql": _upsert(postgresql), "sqlite": _upsert(sqlite)}


def next_sequence(session: Session, service: Service, day: date) -> int:
    """Increment and return the service's counter for the local day (row-locked upsert)."""
    connection = session.connection()
    statement = _UPSERTS[connection.dialect.name]
    number: int = connection.execute(statement, {"service": service.id, "day": day,
                                                 "start": service.start_number}).scalar_one()
    return number


def format_number(prefix: str, sequence: int) -> str:
    """What people see and hear: the prefix, then the sequence padded to three digits."""
    return f"{prefix}{sequence:03d}"
