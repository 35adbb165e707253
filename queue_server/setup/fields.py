"""Reading administration input: each field parsed and checked, every mistake with a code.

Values come as form text or as typed values (tests, scripts); both go through the same rules,
which mirror the office file's (setup.office_file) so /admin and `init` accept the same.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from queue_server.core.errors import InvalidInput
from queue_server.feedback.forms import form_problems
from queue_server.setup.office_file import PREFIX_PATTERN, SLUG_PATTERN
from queue_server.tickets.hours import OpeningHoursError, parse_opening_hours
from queue_server.visits.dossiers import is_valid_pattern
from queue_server.visits.outcomes import MAX_LABEL_LENGTH, OUTCOMES

_MISSING = object()
_DATE_PATTERNS = (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
                  re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$"))


@dataclass(frozen=True)
class Problem:
    """One refused field: its name, the error code and what the message needs."""

    field: str
    code: str
    params: dict = dataclasses.field(default_factory=dict)  # `field` is taken above
    message_key: str | None = None  # when the message says more than the code

    @property
    def key(self) -> str:
        return self.message_key or self.code


class FormInvalid(InvalidInput):
    """Several fields refused at once; the first gives the error code, all are listed."""

    def __init__(self, problems: list[Problem]) -> None:
        first = problems[0]
        super().__init__(first.code, first.key, **first.params)
        self.problems = problems


@dataclass(frozen=True)
class Rule:
    """How one field is read: a parser from text (or a typed value) that raises _Refusal."""

    name: str
    parse: Callable[[object], object]
    required: bool = True


class _Refusal(Exception):
    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code, self.params = code, params


def read(raw: Mapping[str, object], rules: Iterable[Rule], *, partial: bool = False) -> dict:
    """The typed values of the rules' fields; FormInvalid lists every mistake.

    partial: fields absent from raw are left out (an update keeps them) instead of required.
    """
    values, problems = {}, []
    for rule in rules:
        value = raw.get(rule.name, _MISSING)
        if value is _MISSING and partial:
            continue
        if value is _MISSING or value is None:
            value = ""
        try:
            values[rule.name] = rule.parse(value)
        except _Refusal as refusal:
            problems.append(Problem(rule.name, refusal.code, refusal.params))
    if problems:
        raise FormInvalid(problems)
    return values


def refuse(field_name: str, error_code: str, /, **params: object) -> FormInvalid:
    """A one-field refusal (uniqueness and other checks made against the database)."""
    return FormInvalid([Problem(field_name, error_code, params)])


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise _Refusal("field_invalid")
    if "\x00" in value:
        raise _Refusal("field_invalid")
    return value.strip()


def text(max_length: int, *, required: bool = True) -> Callable[[object], str]:
    """Trimmed text of at most max_length characters; empty refused when required."""
    def parse(value: object) -> str:
        result = _text(value)
        if required and not result:
            raise _Refusal("field_required")
        if len(result) > max_length:
            raise _Refusal("field_too_long", maximum=max_length)
        return result
    return parse


def long_text(max_length: int) -> Callable[[object], str]:
    """Free text kept as typed (line breaks included), empty allowed."""
    def parse(value: object) -> str:
        result = _text(value).replace("\r\n", "\n")
        if len(result) > max_length:
            raise _Refusal("field_too_long", maximum=max_length)
        return result
    return parse


def integer(low: int, high: int, *, optional: bool = False) -> Callable[[object], int | None]:
    """A whole number within [low, high]; blank is None when optional."""
    def parse(value: object) -> int | None:
        if isinstance(value, str):
            value = value.strip()
            if not value:
                if optional:
                    return None
                raise _Refusal("field_required")
            if not re.fullmatch(r"[+-]?\d{1,9}", value):
                raise _Refusal("field_not_a_number")
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise _Refusal("field_not_a_number")
        if not low <= value <= high:
            raise _Refusal("field_out_of_range", low=low, high=high)
        return value
    return parse


def minutes_as_seconds(low_exclusive: float, high: float) -> Callable[[object], int]:
    """Minutes (decimals allowed, "7,5" too), returned as whole seconds."""
    def parse(value: object) -> int:
        if isinstance(value, str):
            value = value.strip().replace(",", ".")
            if not value:
                raise _Refusal("field_required")
            if not re.fullmatch(r"\d{1,4}(\.\d{1,2})?", value):
                raise _Refusal("field_not_a_number")
            value = float(value)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _Refusal("field_not_a_number")
        if not low_exclusive < value <= high:
            raise _Refusal("field_out_of_range_minutes", high=high)
        return round(value * 60)
    return parse


def choice(options: Iterable[str]) -> Callable[[object], str]:
    """One of a fixed set of values."""
    allowed = tuple(options)

    def parse(value: object) -> str:
        result = _text(value)
        if result not in allowed:
            raise _Refusal("field_invalid_choice", options=", ".join(allowed))
        return result
    return parse


def code(value: object) -> str:
    """A short code used in addresses and the office file: a-z, 0-9 and -."""
    result = _text(value)
    if not result:
        raise _Refusal("field_required")
    if not SLUG_PATTERN.match(result):
        raise _Refusal("field_invalid_code")
    return result


def prefix(value: object) -> str:
    """The number's prefix: up to 3 capital letters or digits (may be empty)."""
    result = _text(value).upper()
    if not PREFIX_PATTERN.match(result):
        raise _Refusal("field_invalid_prefix")
    return result


def opening_hours(value: object) -> str:
    """OpenStreetMap opening_hours text, such as "Mo-Fr 07:30-11:30,13:30-17:00"."""
    result = " ".join(_text(value).split())
    if not result:
        raise _Refusal("field_required")
    if len(result) > 500:
        raise _Refusal("field_too_long", maximum=500)
    try:
        parse_opening_hours(result)
    except OpeningHoursError:
        raise _Refusal("field_invalid_opening_hours") from None
    return result


def holidays(value: object) -> list[str]:
    """Dates, one per line or separated by commas (2026-01-01 or 01/01/2026); ISO out."""
    items = value if isinstance(value, list | tuple) else re.split(r"[\s,;]+", _text(value))
    days = set()
    for item in items:
        text = item.isoformat() if isinstance(item, date) else _text(item)
        if text:
            days.add(_date(text).isoformat())
    if len(days) > 400:
        raise _Refusal("field_too_many_dates", maximum=400)
    return sorted(days)


def one_date(value: object) -> date:
    """One date, 30/04/2026 or 2026-04-30."""
    if isinstance(value, date):
        return value
    item = _text(value)
    if not item:
        raise _Refusal("field_required")
    return _date(item)


def _date(item: str) -> date:
    for pattern in _DATE_PATTERNS:
        match = pattern.match(item)
        if match:
            numbers = [int(part) for part in match.groups()]
            year, month, day = numbers if pattern is _DATE_PATTERNS[0] else numbers[::-1]
            try:
                return date(year, month, day)
            except ValueError:
                break
    raise _Refusal("field_invalid_date", value=item[:20])


def timezone(value: object) -> str:
    """An IANA zone such as Asia/Ho_Chi_Minh."""
    result = _text(value)
    if not result:
        raise _Refusal("field_required")
    try:
        ZoneInfo(result)
    except (ZoneInfoNotFoundError, ValueError):
        raise _Refusal("field_unknown_timezone") from None
    return result


def flag(true_word: str, false_word: str) -> Callable[[object], bool]:
    """A yes/no given as one of two words (a select in the form) or a bool."""
    def parse(value: object) -> bool:
        if isinstance(value, bool):
            return value
        word = _text(value)
        if word not in (true_word, false_word):
            raise _Refusal("field_invalid_choice", options=f"{true_word}, {false_word}")
        return word == true_word
    return parse


def codes(value: object) -> list[str]:
    """A list of codes (the services a counter serves)."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list | tuple):
        raise _Refusal("field_invalid")
    return [code(item) for item in items if _text(item)]


def dossier_pattern(value: object) -> str:
    """A regular expression for dossier codes; empty for the built-in one."""
    text_value = _text(value)
    if len(text_value) > 200 or not is_valid_pattern(text_value):
        raise _Refusal("field_dossier_pattern")
    return text_value


def rating_form(value: object) -> dict | None:
    """The rating form as /admin writes it, one line each (empty: the built-in form)::

        levels = 5
        labels = Rất không hài lòng; Không hài lòng; Bình thường; Hài lòng; Rất hài lòng
        thai-do | cbcc | Thái độ phục vụ của công chức
    """
    form = value if isinstance(value, dict) or value is None else _form_from_lines(str(value))
    if form is None:
        return None
    problems = form_problems(form)
    if problems:
        raise _Refusal("field_rating_form", reason="; ".join(problems[:3]))
    return form


def _form_from_lines(text_value: str) -> dict | None:
    lines = [line.strip() for line in text_value.splitlines() if line.strip()]
    if not lines:
        return None
    form: dict = {"levels": 5, "labels": [], "questions": []}
    for line in lines:
        key, equals, rest = line.partition("=")
        if equals and key.strip() == "levels":
            form["levels"] = int(rest) if rest.strip().isdigit() else rest.strip()
        elif equals and key.strip() == "labels":
            form["labels"] = [label.strip() for label in rest.split(";") if label.strip()]
        else:
            parts = [part.strip() for part in line.split("|", 2)]
            if len(parts) != 3:
                raise _Refusal("field_rating_form", reason=line[:80])
            form["questions"].append({"code": parts[0], "criterion": parts[1], "text": parts[2]})
    return form


def rating_form_lines(form: dict | None) -> str:
    """A form as the /admin field shows it (the inverse of rating_form)."""
    if not form:
        return ""
    lines = [f"levels = {form['levels']}"]
    if form.get("labels"):
        lines.append("labels = " + "; ".join(form["labels"]))
    lines += [f"{q['code']} | {q['criterion']} | {q['text']}" for q in form["questions"]]
    return "\n".join(lines)


def outcome_labels(value: object) -> dict[str, str]:
    """The office's own names of outcomes, one "code = name" a line (or a mapping)."""
    if isinstance(value, dict):
        pairs = list(value.items())
    else:
        pairs = []
        for line in _text(value).splitlines():
            if line.strip():
                code_text, equals, name = line.partition("=")
                if not equals:
                    raise _Refusal("field_outcome_labels", known=", ".join(OUTCOMES))
                pairs.append((code_text.strip(), name.strip()))
    labels = {}
    for code_text, name in pairs:
        if (code_text not in OUTCOMES or not isinstance(name, str)
                or not 0 < len(name.strip()) <= MAX_LABEL_LENGTH):
            raise _Refusal("field_outcome_labels", known=", ".join(OUTCOMES))
        labels[code_text] = name.strip()
    return labels


def outcome_labels_lines(labels: dict[str, str]) -> str:
    """The office's names of outcomes as the /admin field shows them."""
    return "\n".join(f"{code} = {name}" for code, name in labels.items())
