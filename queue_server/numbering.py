"""The next ticket number, handed out atomically by the database."""

from __future__ import annotations

from datetime import date

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from .models import DailySequence, Service


def next_sequence(session: Session, service: Service, day: date) -> int:
    """Increment and return the service's counter for the local day (row-locked upsert)."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(DailySequence)
        .values(service_id=service.id, day=day, last_number=service.start_number)
        .on_conflict_do_update(
            index_elements=[DailySequence.service_id, DailySequence.day],
            set_={"last_number": DailySequence.last_number + 1},
        )
        .returning(DailySequence.last_number)
    )
    return session.execute(statement).scalar_one()


def format_number(prefix: str, sequence: int) -> str:
    """What people see and hear: the prefix, then the sequence padded to three digits."""
    return f"{prefix}{sequence:03d}"
