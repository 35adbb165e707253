"""What happened at the counter: the outcomes of the one-stop forms, named per office."""

from __future__ import annotations

from queue_server.core.errors import InvalidInput
from queue_server.core.i18n import page_texts
from queue_server.models import Office

# Received (phiếu tiếp nhận), sent back to complete (yêu cầu bổ sung), refused, only guided,
# a result returned, anything else. Stored as these codes in tickets.outcome.
OUTCOMES = ("received", "supplement", "refused", "guided", "returned", "other")
MAX_LABEL_LENGTH = 60


def checked_outcome(outcome: str | None) -> str | None:
    """The outcome code, or None; 400 invalid_outcome for anything else."""
    if outcome is None:
        return None
    if outcome not in OUTCOMES:
        raise InvalidInput("invalid_outcome", outcome=outcome, known=", ".join(OUTCOMES))
    return outcome


def outcome_labels(office: Office, language: str = "vi") -> dict[str, str]:
    """Each outcome's name at this office: its own name when renamed, else the catalogue's."""
    words = page_texts("outcome", language)
    renamed = office.outcome_labels or {}
    return {code: renamed.get(code) or words.get(code, code) for code in OUTCOMES}
