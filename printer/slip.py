"""The slips: everything printed on one ticket, or one procedure's checklist, as
already-translated plain text."""

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
    procedure_line: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The slip as a JSON-ready dict; an empty procedure line is left out for older agents."""
        data = asdict(self)
        if not data["procedure_line"]:
            del data["procedure_line"]
        return data

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
OPTIONAL = {"qr_caption", "priority_line", "procedure_line"}


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


CHECKLIST = "checklist"


@dataclass(frozen=True)
class ChecklistSlip:
    """A procedure's documents to bring, printed as boxes to tick, with its time and fees."""

    office_name: str
    heading: str
    title: str
    code_line: str
    items: tuple[str, ...]
    notes: tuple[str, ...]
    printed_line: str
    qr_payload: str
    qr_caption: str
    footer: str
    kind: str = CHECKLIST

    def to_dict(self) -> dict[str, Any]:
        """The slip as a JSON-ready dict, lists for the items and notes."""
        data = asdict(self)
        data["items"], data["notes"] = list(self.items), list(self.notes)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "ChecklistSlip":
        """A checklist from a dict; missing, unknown or non-text values are a ValueError."""
        known = {field.name for field in fields(cls)}
        missing, unknown = sorted(known - set(data)), sorted(set(data) - known)
        if missing:
            raise ValueError(f"checklist slip is missing keys: {', '.join(missing)}")
        if unknown:
            raise ValueError(f"checklist slip has unknown keys: {', '.join(unknown)}")
        values: dict[str, Any] = {}
        for name, value in data.items():
            if name in ("items", "notes"):
                if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                    raise ValueError(f"checklist slip field {name!r} must be a list of strings")
                values[name] = tuple(value)
            else:
                _check_value(name, value)
                values[name] = value
        return cls(**values)


def parse_slip(data: Any) -> Slip | ChecklistSlip:
    """A ticket slip, or a checklist when its "kind" says so; a ValueError when unusable."""
    if isinstance(data, dict) and data.get("kind") == CHECKLIST:
        return ChecklistSlip.from_dict(data)
    return Slip.from_dict(data)
