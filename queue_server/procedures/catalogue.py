"""Finding procedures: one by code, and the forgiving search the kiosk and phones use."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from queue_server.core.errors import InvalidInput, NotFound
from queue_server.models import Office, Procedure
from queue_server.procedures.folding import fold, words

# More answers than a kiosk screen or a phone can show help nobody.
MAX_RESULTS = 50
MAX_QUERY_LENGTH = 200


def find_procedure(session: Session, office: Office, code: str) -> Procedure | None:
    """The office's visible procedure with this code; None when unknown or hidden."""
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
    """The catalogue's fields by name, for browsing."""
    counts: dict[str, int] = {}
    for name in session.scalars(select(Procedure.field).where(
            Procedure.office_id == office.id, Procedure.is_hidden.is_(False))):
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
    statement = select(Procedure.id, Procedure.search_text).where(
        Procedure.office_id == office.id, Procedure.is_hidden.is_(False))
    if field:
        statement = statement.where(Procedure.field == field)
    scored = []
    phrase = " ".join(wanted)
    for row in session.execute(statement):
        score = _score(wanted, phrase, row.search_text)
        if score is not None:
            scored.append((score, row.search_text, row.id))
    scored.sort()
    chosen = [row_id for _, _, row_id in scored[:limit]]
    if not chosen:
        return []
    loaded = {p.id: p for p in session.scalars(select(Procedure).where(Procedure.id.in_(chosen)))}
    return [loaded[row_id] for row_id in chosen]


def _score(wanted: list[str], phrase: str, search_text: str) -> tuple[int, int] | None:
    """Lower is better; None when a word is missing (see search_text_of for the layout)."""
    if not wanted:
        return (9, 0)
    name, code, field = search_text.split(" | ")
    if phrase == code:
        return (0, 0)
    name_words = name.split()
    other_words = f"{code} {field}".split()
    last = len(wanted) - 1
    found_in_name = [any(_matches(word, candidate, index == last) for candidate in name_words)
                     for index, word in enumerate(wanted)]
    for index, word in enumerate(wanted):
        if not found_in_name[index] and not any(
                _matches(word, candidate, index == last) for candidate in other_words):
            return None
    if name.startswith(phrase):
        rank = 1
    elif f" {phrase}" in f" {name}":
        rank = 2
    elif all(found_in_name):
        rank = 3
    else:
        rank = 4
    return (rank, len(name_words))


def _matches(word: str, candidate: str, is_prefix: bool) -> bool:
    return candidate.startswith(word) if is_prefix else candidate == word


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
