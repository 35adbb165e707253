"""Finding procedures: one by code, and the forgiving search the kiosk and phones use."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from queue_server.core.errors import InvalidInput, NotFound
from queue_server.models import Office, Procedure
from queue_server.procedures.folding import fold, words

# More answers than a kiosk screen or a phone can show help nobody.
MAX_RESULTS = 50
MAX_QUERY_LENGTH = 200


def find_procedure(session: Session, office: Office, code: str) -> Procedure | None:
    """The office's visible procedure with this code; None when unknown or hidden."""
    if "\x00" in code:  # no code has one, and PostgreSQL refuses it in a query
        return None
    procedure = session.scalar(select(Procedure).where(
        Procedure.office_id == office.id, Procedure.code == code.strip()))
    return None if procedure is None or procedure.is_hidden else procedure


def procedure_for_ticket(session: Session, office: Office, code: str) -> Procedure:
    """The procedure a ticket is asked for, or InvalidInput unknown_procedure."""
    procedure = find_procedure(session, office, code) if len(code) <= 64 else None
    if procedure is None or not procedure.service.is_active:
        raise InvalidInput("unknown_procedure", code=code)
    return procedure


def procedure_or_404(session: Session, office: Office, code: str) -> Procedure:
    """The visible procedure with this code, or NotFound unknown_procedure."""
    procedure = find_procedure(session, office, code) if len(code) <= 64 else None
    if procedure is None:
        raise NotFound("unknown_procedure", code=code)
    return procedure


@dataclass(frozen=True)
class Field:
    """A field (lĩnh vực) of the catalogue and how many visible procedures it has."""

    name: str
    count: int


def fields_of(session: Session, office: Office) -> list[Field]:
    """The catalogue's fields by name, for browsing (procedures without one are not listed)."""
    counts: dict[str, int] = {}
    for name in session.scalars(select(Procedure.field).where(
            Procedure.office_id == office.id, Procedure.is_hidden.is_(False),
            Procedure.field != "")):
        counts[name] = counts.get(name, 0) + 1
    return [Field(name, count) for name, count in sorted(counts.items(),
                                                         key=lambda item: fold(item[0]))]


def search(session: Session, office: Office, query: str = "", field: str | None = None,
           limit: int = MAX_RESULTS) -> list[Procedure]:
    """Visible procedures matching every word of the query in any order, best first.

    Diacritics, case and punctuation are ignored; the last word may be cut short, as it is
    while someone types. An empty query lists the field (or the catalogue) by name.
    """
    if len(query) > MAX_QUERY_LENGTH:
        raise InvalidInput("invalid_field", field="q", reason="too long")
    wanted = words(query)
    phrase = " ".join(wanted)
    scored = []
    for entry in _index(session, office):
        if field and entry.field != field:
            continue
        score = _score(wanted, phrase, entry)
        if score is not None:
            scored.append((score, entry.name, entry.id))
    scored.sort()
    chosen = [row_id for _, _, row_id in scored[:limit]]
    if not chosen:
        return []
    loaded = {p.id: p for p in session.scalars(
        select(Procedure).where(Procedure.id.in_(chosen))
        .options(joinedload(Procedure.service)))}
    return [loaded[row_id] for row_id in chosen]


@dataclass(frozen=True)
class _Entry:
    """A visible procedure as searches read it: its folded texts, padded with spaces."""

    id: int
    field: str
    name: str  # " dang ky khai sinh "
    code: str  # "1 001193 000 00 00 h37"
    everything: str  # name, code and field words


# The catalogue of an office changes by import or /admin a few times a year, and is read on
# every key a citizen types: each process keeps it folded in memory, and a cheap query (how
# many rows and hidden ones, the latest change) tells it when to read it again. Whatever
# changes a procedure's name, code, field or visibility also moves its updated_at.
_indexes: dict[tuple[str, int], tuple[tuple, list[_Entry]]] = {}


def _index(session: Session, office: Office) -> list[_Entry]:
    key = (str(session.get_bind().engine.url), office.id)
    version = tuple(session.execute(select(
        func.count(), func.count().filter(Procedure.is_hidden), func.max(Procedure.updated_at),
        func.max(Procedure.id)).where(Procedure.office_id == office.id)).one())
    kept = _indexes.get(key)
    if kept is not None and kept[0] == version:
        return kept[1]
    rows = session.execute(select(Procedure.id, Procedure.field, Procedure.search_text).where(
        Procedure.office_id == office.id, Procedure.is_hidden.is_(False)))
    entries = [_entry(row.id, row.field, row.search_text) for row in rows]
    _indexes[key] = (version, entries)
    return entries


def _entry(row_id: int, field: str, search_text: str) -> _Entry:
    name, code, folded_field = search_text.split(" | ")
    return _Entry(row_id, field, f" {name} ", code, f" {name} {code} {folded_field} ")


def _score(wanted: list[str], phrase: str, entry: _Entry) -> tuple[int, int] | None:
    """Lower is better; None when a word is missing.

    Every word but the last must be a whole word; the last may be the start of one. The
    checks are substring tests on space-padded text, so they run at C speed.
    """
    if not wanted:
        return (9, 0)
    if phrase == entry.code:
        return (0, 0)
    *whole, last = wanted
    everything, name = entry.everything, entry.name
    if f" {last}" not in everything or any(f" {word} " not in everything for word in whole):
        return None
    if name.startswith(f" {phrase}"):
        rank = 1
    elif f" {phrase}" in name:
        rank = 2
    elif f" {last}" in name and all(f" {word} " in name for word in whole):
        rank = 3
    else:
        rank = 4
    return (rank, name.count(" "))


def search_text_of(name: str, code: str, field: str) -> str:
    """What searches compare with: "<name> | <code> | <field>", each folded."""
    return " | ".join(fold(part) for part in (name, code, field))


def procedure_json(procedure: Procedure, *, is_full: bool = False) -> dict:
    """A procedure as the API lists it; is_full adds the forms, legal basis and link."""
    service = procedure.service
    body: dict[str, object] = {
        "code": procedure.code, "name": procedure.name, "field": procedure.field,
        "service": service.code, "service_name": service.name,
        "service_name_en": service.name_en or service.name,
        "documents": list(procedure.documents), "processing_time": procedure.processing_time,
        "fees": procedure.fees,
    }
    if is_full:
        body.update(forms=procedure.forms, legal_basis=procedure.legal_basis, url=procedure.url,
                    counters=[c.number for c in service.counters if c.is_active])
    return body
