"""Dossier codes (mã hồ sơ): normalised, checked against the office's pattern, recorded."""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from queue_server.core.errors import InvalidInput
from queue_server.models import Office, Ticket, TicketDossier

# What provinces' one-stop systems print on the receipt, such as 000.00.31.H57-241203-0001
# or H57.22-241203-0001: letters, digits and the separators . - _ /, 4 to 64 characters,
# starting with a letter or digit.
DEFAULT_PATTERN = r"[A-Z0-9][A-Z0-9.\-_/]{3,63}"
MAX_CODES = 10
MAX_CODE_LENGTH = 64


def normalise(code: str) -> str:
    """The code as it is compared: trimmed, upper case."""
    return code.strip().upper()


def pattern_of(office: Office) -> str:
    """The office's pattern, or the built-in one."""
    return office.dossier_pattern or DEFAULT_PATTERN


def is_valid_pattern(pattern: str) -> bool:
    """Whether a pattern compiles (office files and /admin check it before saving)."""
    try:
        re.compile(pattern)
    except re.error:
        return False
    return True


def checked_codes(office: Office, codes: Sequence[object] | None) -> dict[str, str]:
    """The visit's codes, normalised to as typed (trimmed), duplicates dropped; 400
    invalid_dossier_code when a code does not match the office's pattern, or for more than
    MAX_CODES."""
    if codes is None:
        return {}
    if len(codes) > MAX_CODES:
        raise InvalidInput("invalid_dossier_code", "too_many_dossier_codes", maximum=MAX_CODES)
    pattern = re.compile(pattern_of(office))
    result: dict[str, str] = {}
    for code in codes:
        if not isinstance(code, str):
            raise InvalidInput("invalid_dossier_code", code=str(code))
        normalised = normalise(code)
        if (not normalised or len(normalised) > MAX_CODE_LENGTH
                or not pattern.fullmatch(normalised)):
            raise InvalidInput("invalid_dossier_code", code=code.strip()[:MAX_CODE_LENGTH])
        result.setdefault(normalised, code.strip())
    return result


def ticket_codes(session: Session, ticket: Ticket) -> list[str]:
    """The ticket's dossier codes, in the order they were recorded."""
    return list(session.scalars(select(TicketDossier.normalised)
                                .where(TicketDossier.ticket_id == ticket.id)
                                .order_by(TicketDossier.id)))


def codes_by_ticket(session: Session, ticket_ids: Sequence[int]) -> dict[int, list[str]]:
    """The dossier codes of many tickets at once (for lists and the feed)."""
    found: dict[int, list[str]] = {}
    for start in range(0, len(ticket_ids), 500):
        rows = session.execute(select(TicketDossier.ticket_id, TicketDossier.normalised)
                               .where(TicketDossier.ticket_id.in_(ticket_ids[start:start + 500]))
                               .order_by(TicketDossier.id))
        for ticket_id, code in rows:
            found.setdefault(ticket_id, []).append(code)
    return found


def replace_codes(session: Session, ticket: Ticket, codes: dict[str, str]) -> None:
    """Make the ticket's dossier codes exactly these (checked: normalised to as typed)."""
    session.execute(delete(TicketDossier).where(TicketDossier.ticket_id == ticket.id))
    session.add_all(TicketDossier(ticket_id=ticket.id, code=typed, normalised=normalised)
                    for normalised, typed in codes.items())
    ticket.dossier_code = next(iter(codes), None)
    session.flush()
