"""What the province's offices offer, for a citizen choosing: services and procedures by code."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from queue_server.models import Office, Procedure, Service
from queue_server.procedures.folding import fold, words

# A phone shows this many procedures found; more words narrow the search.
MAX_FOUND = 30


@dataclass(frozen=True)
class Offer:
    """A service or procedure code, its name (as most offices write it) and how many offer it."""

    code: str
    name: str
    name_en: str
    offices: int


def services_offered(session: Session) -> list[Offer]:
    """Every service code of the active offices, by name."""
    rows = session.execute(
        select(Service.code, Service.name, Service.name_en)
        .join(Office, Office.id == Service.office_id)
        .where(Service.is_active, Office.is_active))
    return _offers(rows)


def find_procedures(session: Session, query: str) -> list[Offer]:
    """Procedures of any active office whose name, code or field has every word of query."""
    wanted = words(query)
    if not wanted:
        return []
    statement = (select(Procedure.code, Procedure.name, Procedure.name)
                 .join(Office, Office.id == Procedure.office_id)
                 .where(Office.is_active, Procedure.is_hidden.is_(False)))
    for word in wanted[:8]:
        statement = statement.where(Procedure.search_text.contains(word, autoescape=True))
    return _offers(session.execute(statement.limit(MAX_FOUND * 20)))[:MAX_FOUND]


def procedure_name(session: Session, code: str) -> str | None:
    """The name most offices give a procedure code, or None when no catalogue has it."""
    names = Counter(session.scalars(
        select(Procedure.name).join(Office, Office.id == Procedure.office_id)
        .where(Procedure.code == code, Procedure.is_hidden.is_(False), Office.is_active)))
    return names.most_common(1)[0][0] if names else None


def _offers(rows: Iterable[Any]) -> list[Offer]:
    names: dict[str, Counter[tuple[str, str]]] = {}
    for code, name, name_en in rows:
        names.setdefault(code, Counter())[(name, name_en or name)] += 1
    offers = [Offer(code, *counts.most_common(1)[0][0], offices=sum(counts.values()))
              for code, counts in names.items()]
    return sorted(offers, key=lambda offer: (fold(offer.name), offer.code))
