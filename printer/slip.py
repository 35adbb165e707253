"""The slip: everything printed on one ticket, as already-translated plain text."""

from dataclasses import asdict, dataclass, fields
from typing import Any


@dataclass(frozen=True)
class Slip:
    """One ticket's printed content, formatted and translated by the server."""

    office_name: str
    heading: str
    number: str
    service: str
    counters: str
    ahead_line: str
    wait_line: str
    issued_line: str
    qr_payload: str
    footer: str
    qr_caption: str | None = None
    priority_line: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The slip as a JSON-ready dict."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Slip":
        """A slip from a dict; missing, unknown or non-text values are a ValueError."""
        if not isinstance(data, dict):
            raise ValueError(f"slip must be a JSON object, got {type(data).__name__}")
        _check_keys(set(data))
        for name, value in data.items():
            _check_value(name, value)
        return cls(**data)


# Fields an older server does not send.
OPTIONAL = {"qr_caption", "priority_line"}


def _check_keys(keys: set[str]) -> None:
    """Reject a slip dict whose keys differ from the Slip fields."""
    known = {field.name for field in fields(Slip)}
    required = known - OPTIONAL
    missing, unknown = sorted(required - keys), sorted(keys - known)
    if missing:
        raise ValueError(f"slip is missing keys: {', '.join(missing)}")
    if unknown:
        raise ValueError(f"slip has unknown keys: {', '.join(unknown)}")


def _check_value(name: str, value: Any) -> None:
    """Reject a value that is not a string (qr_caption may also be None)."""
    if name == "qr_caption" and value is None:
        return
    if not isinstance(value, str):
        raise ValueError(f"slip field {name!r} must be a string, got {type(value).__name__}")
