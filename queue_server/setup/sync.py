"""The office file and /admin agree: `init` applies what changed in the file, keeps the rest.

For every value the file states (office settings; each service's, counter's and priority's
fields; whether the item exists), `init` compares the file with the file it applied last time:

- changed in the file since the last `init` (or never applied): the file wins;
- unchanged in the file: the database keeps its value, which /admin may have edited.

Items the file never listed (made in /admin) are left alone; an item removed from the file is
retired. Accounts, devices, service open/closed and the ticket header exist only in /admin.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from queue_server.models import (
    AdminAction,
    AdminObject,
    Counter,
    Office,
    OfficeFileState,
    PriorityCategory,
    Service,
)
from queue_server.setup.audit_log import INIT, Changer, plain, record
from queue_server.setup.office_file import CounterSpec, OfficeSpec, PrioritySpec, ServiceSpec

_ABSENT = object()
_ITEMS = {"services": ("service", ServiceSpec, "code"),
          "counters": ("counter", CounterSpec, "number"),
          "priorities": ("priority", PrioritySpec, "code")}
_OFFICE_FIELDS = [f.name for f in fields(OfficeSpec)
                  if f.name not in ("slug", *_ITEMS)]


def file_values(spec: OfficeSpec) -> dict[str, object]:
    """Every value the file states, flat, JSON-ready: "office.name", "service.dat-dai.prefix"…"""
    values = {f"office.{name}": _json(getattr(spec, name)) for name in _OFFICE_FIELDS}
    for attribute, (kind, spec_class, key_name) in _ITEMS.items():
        for position, item in enumerate(getattr(spec, attribute)):
            prefix = f"{kind}.{getattr(item, key_name)}"
            values[f"{prefix}.present"] = True
            values[f"{prefix}.position"] = position
            for item_field in fields(spec_class):
                if item_field.name != key_name:
                    values[f"{prefix}.{item_field.name}"] = _json(getattr(item, item_field.name))
    return values


def database_values(session: Session, office: Office) -> dict[str, object]:
    """The same keys as file_values, read from the database (what /admin shows)."""
    values = {f"office.{name}": _json(getattr(office, name, None)) for name in _OFFICE_FIELDS}
    rows: dict[str, Iterable[Any]] = {
        "services": session.scalars(select(Service).where(Service.office_id == office.id)),
        "counters": session.scalars(select(Counter).where(Counter.office_id == office.id)),
        "priorities": session.scalars(select(PriorityCategory).where(
            PriorityCategory.office_id == office.id))}
    for attribute, (kind, spec_class, key_name) in _ITEMS.items():
        for row in rows[attribute]:
            prefix = f"{kind}.{getattr(row, key_name)}"
            values[f"{prefix}.present"] = row.is_active
            values[f"{prefix}.position"] = getattr(row, "sort_order", row_number(row))
            for item_field in fields(spec_class):
                if item_field.name != key_name:
                    values[f"{prefix}.{item_field.name}"] = _row_value(row, item_field.name)
    return values


def row_number(row: object) -> int:
    """Counters keep no order of their own: they go by number."""
    return getattr(row, "number", 0)


def _row_value(row: Any, name: str) -> object:
    if name == "services":
        return sorted(service.code for service in row.services)
    return _json(getattr(row, name, None))


def _json(value: object) -> object:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        items: list[Any] = [_json(item) for item in value]
        return sorted(items) if all(isinstance(item, str) for item in items) else items
    return value


@dataclass
class FileSync:
    """One office of the file: the spec to apply, and what to remember once it is applied."""

    spec: OfficeSpec
    merged: OfficeSpec
    before: dict[str, object]
    # File edits to items that stay retired (the applied spec leaves those out).
    retired_edits: dict[str, object] = field(default_factory=dict)

    def remember(self, session: Session, office: Office, *, now: datetime,
                 by: Changer = INIT) -> None:
        """Keep the file's values for next time, and log what the file changed."""
        _apply_retired_edits(session, office, self.retired_edits)
        state = session.get(OfficeFileState, office.id)
        if state is None:
            state = OfficeFileState(office_id=office.id)
            session.add(state)
        state.applied, state.applied_at = file_values(self.spec), now
        session.flush()
        after = database_values(session, office)
        # A new item's place in the list says nothing a reader needs.
        changes = {key: [plain(self.before.get(key)), plain(value)]
                   for key, value in after.items() if self.before.get(key) != value
                   and not (key.endswith(".position") and key not in self.before)}
        if changes:
            record(session, by, now=now, office_id=office.id, action=AdminAction.FILE_APPLIED,
                   kind=AdminObject.OFFICE, key=office.slug,
                   changes=dict(sorted(changes.items())[:120]))


def prepare(session: Session, spec: OfficeSpec) -> FileSync:
    """The spec `init` should apply for this office: file changes over /admin edits."""
    office = session.scalar(select(Office).where(Office.slug == spec.slug))
    if office is None:
        return FileSync(spec, spec, {})
    state = session.get(OfficeFileState, office.id)
    previous = state.applied if state is not None else {}
    current = database_values(session, office)
    now_in_file = file_values(spec)

    def pick(key: str) -> object:
        wanted = now_in_file.get(key, _ABSENT)
        if wanted != previous.get(key, _ABSENT):
            return wanted
        return current.get(key, wanted)

    office_values: dict[str, Any] = {name: pick(f"office.{name}") for name in _OFFICE_FIELDS}
    office_values["holidays"] = tuple(date.fromisoformat(day)
                                      for day in office_values["holidays"] or ())
    location = office_values["location"]
    office_values["location"] = tuple(location) if location else None
    retired_edits: dict[str, object] = {}
    items: dict[str, Any] = {
        attribute: _merged_items(attribute, current, now_in_file, pick, retired_edits)
        for attribute in _ITEMS}
    return FileSync(spec, replace(spec, **office_values, **items), current, retired_edits)


def _merged_items(attribute: str, current: dict, now_in_file: dict,
                  pick: Callable[[str], object], retired_edits: dict) -> tuple:
    kind, spec_class, key_name = _ITEMS[attribute]
    keys = {key.split(".")[1] for key in (*current, *now_in_file)
            if key.startswith(f"{kind}.") and key.endswith(".present")}
    chosen = []
    for key in keys:
        prefix = f"{kind}.{key}"
        if pick(f"{prefix}.present") is not True:
            # Retired in /admin, removed from the file, or never active: still take the
            # file's edits, so the item comes back as the file describes it.
            retired_edits.update({name: value for name, value in now_in_file.items()
                                  if name.startswith(f"{prefix}.") and pick(name) is value
                                  and current.get(name, _ABSENT) != value
                                  and not name.endswith((".present", ".position"))})
            continue
        values: dict[str, Any] = {f.name: pick(f"{prefix}.{f.name}") for f in fields(spec_class)
                  if f.name != key_name}
        identity = int(key) if key_name == "number" else key
        if "services" in values:
            values["services"] = tuple(values["services"] or ())
        chosen.append((pick(f"{prefix}.position"), identity,
                       spec_class(**{key_name: identity}, **values)))
    chosen.sort(key=lambda entry: (entry[0] if isinstance(entry[0], int) else 0, entry[1]))
    return tuple(item for _position, _identity, item in chosen)


def _apply_retired_edits(session: Session, office: Office, edits: dict[str, Any]) -> None:
    models: dict[str, tuple[Any, str]] = {
        "service": (Service, "code"), "counter": (Counter, "number"),
        "priority": (PriorityCategory, "code")}
    for name, value in edits.items():
        kind, key, attribute = name.split(".")
        model, key_name = models[kind]
        identity = int(key) if key_name == "number" else key
        row = session.scalar(select(model).where(model.office_id == office.id,
                                                 getattr(model, key_name) == identity))
        if row is None:
            continue
        if attribute == "services":
            row.services = list(session.scalars(select(Service).where(
                Service.office_id == office.id, Service.code.in_(value))))
        elif hasattr(row, attribute):
            setattr(row, attribute, value)
