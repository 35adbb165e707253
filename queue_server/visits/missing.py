"""The documents a visit sent back for completion lacks: checked against the procedure."""

from __future__ import annotations

from collections.abc import Sequence

from queue_server.core.errors import InvalidInput
from queue_server.models import Ticket

# The outcome that sends a file back for completion: only it names missing documents.
SUPPLEMENT = "supplement"


def checked_missing(ticket: Ticket, documents: Sequence[object] | None) -> list[str] | None:
    """The missing documents in the procedure's order, duplicates dropped (None: unchanged);
    400 missing_without_procedure for a ticket without a procedure, 400 unknown_document for
    a text that is not one of its documents (nor already recorded)."""
    if documents is None:
        return None
    if not documents:
        return []
    procedure = ticket.procedure if ticket.procedure_id is not None else None
    if procedure is None:
        raise InvalidInput("missing_without_procedure", number=ticket.number)
    # Texts recorded before a new import reworded the catalogue stay acceptable.
    known = [*procedure.documents, *(text for text in ticket.missing_documents or []
                                     if text not in procedure.documents)]
    wanted = set()
    for document in documents:
        text = document.strip() if isinstance(document, str) else None
        if text is None or text not in known:
            shown = str(document).strip()[:80]
            raise InvalidInput("unknown_document", document=shown, procedure=procedure.code)
        wanted.add(text)
    return [text for text in known if text in wanted]


def check_missing_fits(outcome: str | None, missing: list[str]) -> None:
    """400 missing_needs_supplement when documents are named for another outcome."""
    if missing and outcome != SUPPLEMENT:
        raise InvalidInput("missing_needs_supplement", outcome=outcome or "")


def missing_of(ticket: Ticket) -> list[str]:
    """The ticket's missing documents (an empty list when none)."""
    return list(ticket.missing_documents or [])
