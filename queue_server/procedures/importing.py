"""Importing a catalogue: every row checked first, then all of it applied, or nothing."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from queue_server.models import Office, Procedure, Service
from queue_server.procedures.catalogue import search_text_of
from queue_server.procedures.folding import fold
from queue_server.procedures.reading import ProcedureFileError, Row, read_rows

LIMITS = {"code": 64, "name": 500, "field": 200, "url": 500}
# "- Tờ khai", "+ Bản sao", "• Giấy tờ", "1. Đơn": the bullets and numbers of a list.
_BULLET = re.compile(r"^\s*(?:[-+•*·–]|\d{1,2}[.)])\s*")


@dataclass(frozen=True)
class ProcedureSpec:
    """One checked row, ready to store."""

    code: str
    name: str
    field: str
    service: Service
    documents: tuple[str, ...]
    processing_time: str
    fees: str
    forms: str
    legal_basis: str
    url: str


@dataclass(frozen=True)
class ImportResult:
    """What an import changed: procedures added, updated, and hidden as missing from the file."""

    added: int
    updated: int
    hidden: int

    def summary(self) -> str:
        """"12 added, 0 updated, 1 hidden"."""
        return f"{self.added} added, {self.updated} updated, {self.hidden} hidden"


def import_file(session: Session, office: Office, path: str | Path, *,
                now: datetime) -> ImportResult:
    """Check every row of the file, then apply it; a ProcedureFileError changes nothing."""
    specs = check_rows(session, office, read_rows(path), str(path))
    return apply_specs(session, office, specs, now=now)


def check_rows(session: Session, office: Office, rows: list[Row],
               path: str) -> list[ProcedureSpec]:
    """The rows as specs, or a ProcedureFileError naming every bad row."""
    services = list(session.scalars(select(Service).where(
        Service.office_id == office.id, Service.is_active)))
    problems: list[str] = []
    seen: dict[str, int] = {}
    specs = []
    for row in rows:
        spec, row_problems = _check_row(row, services, seen)
        problems += [f"row {row.number}: {problem}" for problem in row_problems]
        if spec is not None and not row_problems:
            specs.append(spec)
    if not rows:
        problems.append("no procedures below the header row")
    if problems:
        raise ProcedureFileError(path, problems)
    return specs


def _check_row(row: Row, services: list[Service],
               seen: dict[str, int]) -> tuple[ProcedureSpec | None, list[str]]:
    cells = row.cells

    def get(column: str) -> str:
        return cells.get(column, "")

    problems = []
    code, name = get("code"), " ".join(get("name").split())
    if not name:
        problems.append("no name")
    if not code:
        problems.append("no code")
    elif code in seen:
        problems.append(f"duplicate code {code!r} (also on row {seen[code]})")
    else:
        seen[code] = row.number
    for column, limit in LIMITS.items():
        if len(get(column)) > limit:
            problems.append(f"{column} is longer than {limit} characters")
    service, service_problem = _service_of(get("service"), get("field"), services)
    if service_problem:
        problems.append(service_problem)
    if problems or service is None:
        return None, problems
    return ProcedureSpec(
        code=code, name=name, field=" ".join(get("field").split()), service=service,
        documents=documents_of(get("documents")), processing_time=get("processing_time"),
        fees=get("fees"), forms=get("forms"), legal_basis=get("legal_basis"), url=get("url"),
    ), []


def _service_of(given: str, field: str,
                services: list[Service]) -> tuple[Service | None, str | None]:
    """The service by code or name; without one, the service named like the field."""
    if given:
        for service in services:
            if service.code == given or fold(service.name) == fold(given):
                return service, None
        return None, f"unknown service {given!r}"
    for service in services:
        if field and fold(service.name) == fold(field):
            return service, None
    if field:
        return None, f"no service named like the field {field!r}: fill the service column"
    return None, "no service (and no field to find one by)"


def documents_of(cell: str) -> tuple[str, ...]:
    """One document per line, without bullets or blank lines."""
    lines = (_BULLET.sub("", line).strip() for line in cell.splitlines())
    return tuple(" ".join(line.split()) for line in lines if line)


def apply_specs(session: Session, office: Office, specs: list[ProcedureSpec], *,
                now: datetime) -> ImportResult:
    """Add new codes, update known ones, hide the office's procedures the file leaves out."""
    existing = {p.code: p for p in session.scalars(
        select(Procedure).where(Procedure.office_id == office.id))}
    added = updated = 0
    for spec in specs:
        procedure = existing.pop(spec.code, None)
        if procedure is None:
            session.add(Procedure(office_id=office.id, code=spec.code, is_hidden=False,
                                  updated_at=now, **_values(spec)))
            added += 1
        elif _update(procedure, spec, now):
            updated += 1
    hidden = 0
    for procedure in existing.values():
        if not procedure.is_hidden:
            procedure.is_hidden, procedure.updated_at = True, now
            hidden += 1
    session.flush()
    return ImportResult(added, updated, hidden)


def _values(spec: ProcedureSpec) -> dict:
    return {"name": spec.name, "field": spec.field, "service_id": spec.service.id,
            "documents": list(spec.documents), "processing_time": spec.processing_time,
            "fees": spec.fees, "forms": spec.forms, "legal_basis": spec.legal_basis,
            "url": spec.url, "search_text": search_text_of(spec.name, spec.code, spec.field)}


def _update(procedure: Procedure, spec: ProcedureSpec, now: datetime) -> bool:
    """Store the spec's values; whether anything changed (a hidden one shown again counts)."""
    changed = procedure.is_hidden
    for name, value in _values(spec).items():
        if getattr(procedure, name) != value:
            setattr(procedure, name, value)
            changed = True
    if changed:
        procedure.is_hidden, procedure.updated_at = False, now
    return changed
