"""The admin audit log: who changed what in /admin (or by `init`), when and from where."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum

from sqlalchemy.orm import Session

from queue_server.models import AdminAction, AdminAuditEntry, AdminObject, Role

# A change summary keeps each value short: the log is for reading, not for restoring.
MAX_VALUE_CHARS = 300
MAX_CHANGED_FIELDS = 120


@dataclass(frozen=True)
class Changer:
    """Who makes a change and from where; user_id None means `init` (the office file)."""

    user_id: int | None
    name: str
    role: Role | None = None
    office_id: int | None = None
    address: str | None = None
    agent: str | None = None

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN


INIT = Changer(user_id=None, name="init", role=Role.ADMIN)


def record(session: Session, changer: Changer, *, now: datetime, office_id: int | None,
           action: AdminAction, kind: AdminObject, key: str,
           changes: dict | None = None) -> AdminAuditEntry:
    """Append one entry; changes is {"field": [before, after]}."""
    entry = AdminAuditEntry(
        at=now, office_id=office_id, user_id=changer.user_id, actor=changer.name[:64],
        client_address=(changer.address or None) and changer.address[:64],
        client_agent=(changer.agent or None) and changer.agent[:200],
        action=action, object_kind=kind, object_key=str(key)[:100], changes=changes or {})
    session.add(entry)
    return entry


def logged_values(instance: object, names: list[str] | tuple[str, ...]) -> dict:
    """The named attributes of a model as JSON-ready values."""
    return {name: plain(getattr(instance, name)) for name in names}


def diff(before: dict, after: dict) -> dict:
    """{"field": [before, after]} for every field whose value changed."""
    changed = {name: [before.get(name), value] for name, value in after.items()
               if before.get(name) != value}
    return dict(list(changed.items())[:MAX_CHANGED_FIELDS])


def plain(value: object) -> object:
    """A value as the log stores it: JSON types only, long text cut."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, str) and len(value) > MAX_VALUE_CHARS:
        return value[:MAX_VALUE_CHARS] + "…"
    return value
