"""The office configuration file (CONTRACT §2), parsed strictly into plain specs."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from queue_server.booking.rules import rule_problems, rules_of
from queue_server.feedback.forms import form_problems
from queue_server.notify.office_messages import CHANNELS, MESSAGE_FIELDS, template_problem
from queue_server.privacy import retention
from queue_server.setup.names import (
    COUNTER_NAME_MAX,
    OFFICE_NAME_MAX,
    PRIORITY_NAME_MAX,
    SERVICE_NAME_MAX,
)
from queue_server.tickets.hours import OpeningHoursError, parse_opening_hours
from queue_server.visits.dossiers import is_valid_pattern
from queue_server.visits.outcomes import MAX_LABEL_LENGTH, OUTCOMES

SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
PREFIX_PATTERN = re.compile(r"^[A-Z0-9]{0,3}$")
# An office's place in the province's network since Decree 118/2025: the province's Public
# Administration Service Centre, one of its branches, or a commune's (ward's) centre.
OFFICE_KINDS = ("centre", "branch", "commune")
AREA_MAX, ADDRESS_MAX = 200, 300


class OfficeConfigError(ValueError):
    """Every mistake found in an office file, each with the file and its place."""

    def __init__(self, path: str, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        super().__init__("\n".join(f"{path}: {problem}" for problem in problems))


@dataclass(frozen=True)
class ServiceSpec:
    code: str
    name: str
    prefix: str
    start_number: int = 1
    daily_capacity: int | None = None
    mean_service_s: int = 600
    target_wait_s: int = 900
    name_en: str = ""
    # Bookings per slot; 0: the service takes no bookings.
    booking_capacity: int = 0


@dataclass(frozen=True)
class CounterSpec:
    number: int
    name: str
    services: tuple[str, ...]


@dataclass(frozen=True)
class PrioritySpec:
    code: str
    name: str
    name_en: str = ""


@dataclass(frozen=True)
class OfficeSpec:
    slug: str
    name: str
    timezone: str
    opening_hours: str
    holidays: tuple[date, ...]
    services: tuple[ServiceSpec, ...]
    counters: tuple[CounterSpec, ...]
    priorities: tuple[PrioritySpec, ...] = ()
    priority_mode: str = "interleaved"
    ordinary_per_priority: int = 2
    min_recalls_before_no_show: int = 1
    min_seconds_before_no_show: int = 60
    notice: str = ""
    ticket_footer: str = "Cảm ơn công dân đã sử dụng dịch vụ."
    near_threshold: int = 3
    number_reading: str = "numeral"
    number_region: str = "north"
    phone_retention_hours: int = 24
    feedback_target_days: int = 3
    # Empty: the built-in pattern of dossier codes (visits.dossiers.DEFAULT_PATTERN).
    dossier_pattern: str = ""
    require_outcome: bool = False
    # The office's own names of outcomes; the catalogue names the others.
    outcome_labels: dict[str, str] = field(default_factory=dict)
    # [office.rating]; None: the built-in form.
    rating_form: dict | None = None
    # "% hài lòng" targets in percent: the minimum and the goal.
    satisfaction_targets: tuple[int, ...] = (85, 95)
    # [office.messages], checked, as plain JSON (notify/office_messages.py reads it); None:
    # SMS alone, "your turn is near" only.
    messages: dict[str, Any] | None = None
    # [office.booking], checked (booking/rules.py reads it); None: the defaults.
    booking: dict[str, int] | None = None
    # One of OFFICE_KINDS; None: not said (an office on its own).
    kind: str | None = None
    area: str = ""
    address: str = ""
    # (latitude, longitude) in degrees; None: not given.
    location: tuple[float, float] | None = None
    # [office.retention] but phone_hours (that is phone_retention_hours); None: the defaults.
    retention: dict[str, int] | None = None
    # A citizen ID card showing this age or more gives the priority category elderly_priority.
    elderly_age: int = 60
    elderly_priority: str = ""
    # Who answers for the personal data, named in the privacy notices; empty: the office.
    privacy_controller: str = ""


@dataclass(frozen=True)
class ProvinceSpec:
    slug: str
    name: str


@dataclass(frozen=True)
class NetworkSpec:
    """A whole office file: the province (None when not given) and its offices."""

    province: ProvinceSpec | None
    offices: list[OfficeSpec]

    def warnings(self) -> list[str]:
        """What init should point out without refusing the file."""
        return name_warnings(self.offices)


@dataclass
class _Reader:
    """Reads one table, remembering its place and collecting every problem."""

    table: dict
    place: str
    problems: list[str]
    seen: set[str] = field(default_factory=set)

    def _problem(self, key: str, reason: str) -> None:
        self.problems.append(f"{self.place}.{key}: {reason}")

    def get(self, key: str, kind: type | tuple[type, ...], default: object = ...,
            check: Callable[..., object] | None = None, hint: str = "") -> Any:
        """One key of the expected type; records a problem and returns None when wrong."""
        self.seen.add(key)
        if key not in self.table:
            if default is ...:
                self._problem(key, "required key is missing")
                return None
            return default
        value = self.table[key]
        if (isinstance(value, bool) and kind is not bool) or not isinstance(value, kind):
            self._problem(key, f"must be {_kind_name(kind)}, got {value!r}")
            return None
        if check is not None and not check(value):
            self._problem(key, f"{value!r} is not allowed{': ' + hint if hint else ''}")
            return None
        return value

    def reject_unknown(self) -> None:
        for key in self.table:
            if key not in self.seen:
                self._problem(key, "unknown key")


def _read_name(reader: _Reader, key: str, maximum: int, *, required: bool = True) -> str | None:
    """A name, trimmed: not blank when required, at most maximum characters."""
    value: str | None = reader.get(key, str, ... if required else "")
    if value is None:
        return None
    value = value.strip()
    if required and not value:
        reader._problem(key, "must not be blank")
        return None
    if len(value) > maximum:
        reader._problem(key, f"too long: at most {maximum} characters, got {len(value)}")
        return None
    return value


def _kind_name(kind: type | tuple) -> str:
    if isinstance(kind, tuple):
        return "a number"
    return {str: "a string", int: "an integer", list: "a list", bool: "true or false",
            dict: "a table"}.get(
        kind, kind.__name__
    )


def load_office_file(path: str | Path) -> list[OfficeSpec]:
    """Read and validate an office file; raise OfficeConfigError listing every mistake."""
    return load_network_file(path).offices


def load_network_file(path: str | Path) -> NetworkSpec:
    """The office file with its [province]; raise OfficeConfigError listing every mistake."""
    path = str(path)
    try:
        with open(path, "rb") as handle:
            document = tomllib.load(handle)
    except FileNotFoundError:
        raise OfficeConfigError(path, ["file not found"]) from None
    except tomllib.TOMLDecodeError as error:
        raise OfficeConfigError(path, [f"not valid TOML: {error}"]) from None
    return parse_network_document(document, path)


def parse_office_document(document: dict, path: str = "<config>") -> list[OfficeSpec]:
    """Validate a parsed TOML document; raise OfficeConfigError listing every mistake."""
    return parse_network_document(document, path).offices


def parse_network_document(document: dict, path: str = "<config>") -> NetworkSpec:
    """Validate a parsed TOML document with its [province]; raise OfficeConfigError."""
    problems: list[str] = []
    unknown = set(document) - {"office", "province"}
    problems += [f"{key}: unknown top-level key (expected [[office]] or [province])"
                 for key in sorted(unknown)]
    province = _parse_province(document, problems)
    tables = document.get("office")
    if not isinstance(tables, list) or not tables:
        problems.append("no [[office]] table found")
        raise OfficeConfigError(path, problems)
    offices = [_parse_office(table, index, problems) for index, table in enumerate(tables, 1)]
    _check_unique([o.slug for o in offices if o], "office", "slug", problems)
    if problems:
        raise OfficeConfigError(path, problems)
    return NetworkSpec(province, [office for office in offices if office])


def _parse_province(document: dict, problems: list[str]) -> ProvinceSpec | None:
    """[province]: the slug and name of the province the offices belong to."""
    if "province" not in document:
        return None
    table = document["province"]
    if not isinstance(table, dict):
        problems.append("province: must be written as a [province] table")
        return None
    reader = _Reader(table, "province", problems)
    before = len(problems)
    slug = reader.get("slug", str, check=SLUG_PATTERN.match, hint="lowercase letters, digits, -")
    name = _read_name(reader, "name", OFFICE_NAME_MAX)
    reader.reject_unknown()
    if len(problems) > before or name is None:
        return None
    return ProvinceSpec(slug=slug, name=name)


def name_warnings(offices: list[OfficeSpec]) -> list[str]:
    """Service codes that offices name differently: one code should mean one service."""
    names: dict[str, dict[str, str]] = {}
    for office in offices:
        for service in office.services:
            names.setdefault(service.code, {})[office.slug] = service.name
    return [f"service code {code!r} has different names: "
            + "; ".join(f"{slug}: {name!r}" for slug, name in by_office.items())
            for code, by_office in names.items() if len(set(by_office.values())) > 1]


def _parse_office(table: dict, index: int, problems: list[str]) -> OfficeSpec | None:
    place = f"office[{index}]"
    if isinstance(table.get("slug"), str):
        place = f"office[{index}] ({table['slug']})"
    reader = _Reader(table, place, problems)
    before = len(problems)
    slug = reader.get("slug", str, check=SLUG_PATTERN.match, hint="lowercase letters, digits, -")
    name = _read_name(reader, "name", OFFICE_NAME_MAX)
    timezone = reader.get("timezone", str, "Asia/Ho_Chi_Minh", check=_is_timezone,
                          hint="an IANA zone such as Asia/Ho_Chi_Minh")
    hours = _read_opening_hours(reader)
    holidays = _read_holidays(reader)
    options = {**_read_office_options(reader), **_read_visit_options(reader)}
    options["messages"] = _read_messages(reader, place, problems)
    options["booking"] = _read_booking(reader)
    options.update(_read_place(reader))
    options.update(_read_privacy(reader))
    service_tables = _subtables(reader, "service")
    services = [_parse_service(t, f"{place}.service[{i}]", problems)
                for i, t in enumerate(service_tables, 1)]
    counters = [_parse_counter(t, f"{place}.counter[{i}]", problems)
                for i, t in enumerate(_subtables(reader, "counter"), 1)]
    priorities = [_parse_priority(t, f"{place}.priority[{i}]", problems)
                  for i, t in enumerate(_subtables(reader, "priority"), 1)]
    reader.reject_unknown()
    # Links are checked against every declared code, so one bad service line does not
    # also report each counter that serves it.
    declared = [t["code"] for t in service_tables if isinstance(t.get("code"), str)]
    _check_office_links(place, declared, services, counters, priorities, problems)
    if options["elderly_priority"] and options["elderly_priority"] not in {
            p.code for p in priorities if p}:
        problems.append(f"{place}.elderly_priority: unknown priority"
                        f" {options['elderly_priority']!r} (declare it as [[office.priority]])")
    if len(problems) > before:
        return None
    assert hours is not None and name is not None  # else a problem was recorded above
    return OfficeSpec(slug=slug, name=name, timezone=timezone, opening_hours=hours,
                      holidays=tuple(holidays), services=tuple(s for s in services if s),
                      counters=tuple(c for c in counters if c),
                      priorities=tuple(p for p in priorities if p), **options)


def _read_place(reader: _Reader) -> dict:
    """kind, area, address and location: where the office stands in the province."""
    area = _read_name(reader, "area", AREA_MAX, required=False)
    address = _read_name(reader, "address", ADDRESS_MAX, required=False)
    return {"kind": reader.get("kind", str, None, check=OFFICE_KINDS.__contains__,
                               hint=", ".join(OFFICE_KINDS)),
            "area": area or "", "address": address or "",
            "location": _read_location(reader)}


def _read_location(reader: _Reader) -> tuple[float, float] | None:
    value = reader.get("location", list, None)
    if value is None:
        return None
    numbers = [item for item in value if isinstance(item, int | float)
               and not isinstance(item, bool)]
    if len(value) != 2 or len(numbers) != 2:
        reader._problem("location", f"must be [latitude, longitude], two numbers, got {value!r}")
        return None
    latitude, longitude = (float(number) for number in numbers)
    if not -90 <= latitude <= 90 or not -180 <= longitude <= 180:
        reader._problem("location", f"{value!r} is out of range: latitude -90 to 90, longitude"
                                    " -180 to 180, in that order (Hà Nội is [21.03, 105.85])")
        return None
    return latitude, longitude


def _read_opening_hours(reader: _Reader) -> str | None:
    text: str | None = reader.get("opening_hours", str)
    if text is None:
        return None
    try:
        parse_opening_hours(text)
    except OpeningHoursError as error:
        reader._problem("opening_hours", str(error))
        return None
    return text


def _read_holidays(reader: _Reader) -> list[date]:
    days = reader.get("holidays", list, [])
    result = []
    for position, value in enumerate(days or [], 1):
        parsed = value if isinstance(value, date) else _parse_date(value)
        if parsed is None:
            reader._problem(f"holidays[{position}]", f"{value!r} is not a date YYYY-MM-DD")
        else:
            result.append(parsed)
    return result


def _read_office_options(reader: _Reader) -> dict:
    return {
        "priority_mode": reader.get("priority_mode", str, "interleaved",
                                    check={"strict", "interleaved"}.__contains__,
                                    hint="strict or interleaved"),
        "ordinary_per_priority": reader.get("ordinary_per_priority", int, 2,
                                            check=lambda v: 1 <= v <= 20, hint="1 to 20"),
        "min_recalls_before_no_show": reader.get("min_recalls_before_no_show", int, 1,
                                                 check=lambda v: 0 <= v <= 10, hint="0 to 10"),
        # Time to walk to the counter after a call or recall before the officer may give up.
        "min_seconds_before_no_show": reader.get("min_seconds_before_no_show", int, 60,
                                                 check=lambda v: 0 <= v <= 600, hint="0 to 600"),
        "notice": reader.get("notice", str, ""),
        "ticket_footer": reader.get("ticket_footer", str, OfficeSpec.ticket_footer,
                                    check=lambda v: len(v) <= 200, hint="at most 200 characters"),
        "near_threshold": reader.get("near_threshold", int, 3,
                                     check=lambda v: 1 <= v <= 50, hint="1 to 50"),
        "number_reading": reader.get("number_reading", str, "numeral",
                                     check={"numeral", "digits"}.__contains__,
                                     hint="numeral or digits"),
        "number_region": reader.get("number_region", str, "north",
                                    check={"north", "south"}.__contains__, hint="north or south"),
        # Phone numbers for "your turn is near" are personal data: kept a week at most.
        "phone_retention_hours": reader.get("phone_retention_hours", int, 24,
                                            check=lambda v: 1 <= v <= 168, hint="1 to 168"),
        # Working days to handle a low rating or a comment in the feedback inbox.
        "feedback_target_days": reader.get("feedback_target_days", int, 3,
                                           check=lambda v: 1 <= v <= 30, hint="1 to 30"),
    }


def _read_visit_options(reader: _Reader) -> dict:
    labels = reader.get("outcome_labels", dict, {})
    for code, label in (labels or {}).items():
        if code not in OUTCOMES:
            reader._problem(f"outcome_labels.{code}",
                            f"unknown outcome (known: {', '.join(OUTCOMES)})")
        elif not isinstance(label, str) or not 0 < len(label.strip()) <= MAX_LABEL_LENGTH:
            reader._problem(f"outcome_labels.{code}",
                            f"must be a name of 1 to {MAX_LABEL_LENGTH} characters")
    return {
        # A regular expression the normalised (trimmed, upper-case) code must match whole.
        "dossier_pattern": reader.get("dossier_pattern", str, "",
                                      check=lambda v: len(v) <= 200 and is_valid_pattern(v),
                                      hint="a regular expression of at most 200 characters"),
        "require_outcome": reader.get("require_outcome", bool, False),
        "outcome_labels": {code: label.strip() for code, label in (labels or {}).items()
                           if isinstance(label, str)},
        "rating_form": _read_rating_form(reader),
        "satisfaction_targets": tuple(reader.get(
            "satisfaction_targets", list, [85, 95],
            check=lambda v: len(v) == 2 and all(
                isinstance(x, int) and not isinstance(x, bool) and 1 <= x <= 100 for x in v)
            and v[0] <= v[1],
            hint="[minimum, goal] in percent, such as [85, 95]") or (85, 95)),
    }


def _read_rating_form(reader: _Reader) -> dict | None:
    table = reader.get("rating", dict, None)
    if table is None:
        return None
    unknown = [key for key in table if key not in ("levels", "labels", "question")]
    for key in unknown:
        reader._problem(f"rating.{key}", "unknown key")
    form = {"levels": table.get("levels", 5),
            "labels": [label.strip() if isinstance(label, str) else label
                       for label in table.get("labels", [])]
            if isinstance(table.get("labels", []), list) else table["labels"],
            "questions": table.get("question", [])}
    problems = form_problems(form)
    for problem in problems:
        key, _, reason = problem.partition(": ")
        reader._problem(f"rating.{key}", reason)
    return None if problems or unknown else form
ZNS_TEMPLATE_ID = re.compile(r"^[0-9]{1,20}$")
SMS_TEXT_MAX = 480


def _read_messages(reader: _Reader, place: str, problems: list[str]) -> dict[str, Any] | None:
    """[office.messages]: channels in order, Zalo template ids and SMS texts per message."""
    table = reader.get("messages", dict, None)
    if table is None:
        return None
    inner = _Reader(table, f"{place}.messages", problems)
    channels = inner.get("channels", list, ["sms"], hint="a list of zalo, sms")
    if channels is not None and (not channels or len(set(map(str, channels))) != len(channels)
                                 or not all(channel in CHANNELS for channel in channels)):
        inner._problem("channels", f"{channels!r} is not allowed: a list of"
                                   f" {', '.join(CHANNELS)}, each once")
    per_minute = inner.get("per_minute", int, 60, check=lambda v: 1 <= v <= 6000,
                           hint="1 to 6000")
    zalo = _read_templates(inner, "zalo", lambda value: None if ZNS_TEMPLATE_ID.match(value)
                           else "a ZNS template id is digits, such as \"301234\"")
    sms = _read_templates(inner, "sms", lambda value: (
        f"too long: at most {SMS_TEXT_MAX} characters" if len(value) > SMS_TEXT_MAX
        else None))
    inner.reject_unknown()
    return {"channels": channels or ["sms"], "per_minute": per_minute, "zalo": zalo,
            "sms": sms}


def _read_booking(reader: _Reader) -> dict[str, int] | None:
    """[office.booking]: slot length, days ahead, caps per phone, the check-in window."""
    table = reader.get("booking", dict, None)
    if table is None:
        return None
    problems = rule_problems(table)
    for key, reason in problems:
        reader._problem(f"booking.{key}", reason)
    return None if problems else rules_of(table).as_json()


def _read_privacy(reader: _Reader) -> dict[str, Any]:
    """[office.retention] (its phone_hours, or the deprecated phone_retention_hours), the
    elderly priority from a scanned card, and the controller named in privacy notices."""
    table = reader.get("retention", dict, None) or {}
    problems = retention.rule_problems(table)
    for key, reason in problems:
        reader._problem(f"retention.{key}", reason)
    alias = reader.table.get("phone_retention_hours")
    if "phone_hours" in table and alias is not None and alias != table["phone_hours"]:
        reader._problem("phone_retention_hours", "deprecated alias of retention.phone_hours,"
                                                 " which says otherwise: keep one")
    stored = {key: value for key, value in table.items() if key != "phone_hours"}
    values: dict[str, Any] = {
        "retention": stored or None if not problems else None,
        "elderly_age": reader.get("elderly_age", int, 60, check=lambda v: 50 <= v <= 100,
                                  hint="50 to 100 (the Law on the Elderly says 60)"),
        "elderly_priority": reader.get("elderly_priority", str, "",
                                       check=lambda v: not v or SLUG_PATTERN.match(v),
                                       hint="the code of one of the office's priorities"),
        "privacy_controller": reader.get("privacy_controller", str, "",
                                         check=lambda v: len(v) <= 300,
                                         hint="at most 300 characters"),
    }
    if "phone_hours" in table and not problems:
        values["phone_retention_hours"] = table["phone_hours"]
    return values


def _read_templates(reader: _Reader, key: str, check: Callable[[str], str | None]
                    ) -> dict[str, str]:
    table = reader.get(key, dict, {})
    if not table:
        return {}
    found: dict[str, str] = {}
    for kind, value in table.items():
        where = f"{key}.{kind}"
        if kind not in MESSAGE_FIELDS:
            reader._problem(where, f"unknown message; known: {', '.join(MESSAGE_FIELDS)}")
        elif not isinstance(value, str) or not value.strip():
            reader._problem(where, f"must be a non-empty string, got {value!r}")
        elif (problem := check(value) or (template_problem(kind, value) if key == "sms"
                                          else None)):
            reader._problem(where, problem)
        else:
            found[kind] = value
    return found


def _subtables(reader: _Reader, key: str) -> list[dict]:
    tables = reader.get(key, list, [])
    if tables is None:
        return []
    good = [t for t in tables if isinstance(t, dict)]
    if len(good) != len(tables):
        reader._problem(key, f"must be written as [[office.{key}]] tables")
    return good


def _parse_service(table: dict, place: str, problems: list[str]) -> ServiceSpec | None:
    reader = _Reader(table, place, problems)
    before = len(problems)
    code = reader.get("code", str, check=SLUG_PATTERN.match, hint="lowercase letters, digits, -")
    name = _read_name(reader, "name", SERVICE_NAME_MAX)
    name_en = _read_name(reader, "name_en", SERVICE_NAME_MAX, required=False)
    prefix = reader.get("prefix", str, check=PREFIX_PATTERN.match,
                        hint="up to 3 capital letters or digits")
    start = reader.get("start_number", int, 1, check=lambda v: 0 <= v <= 9000, hint="0 to 9000")
    capacity = reader.get("daily_capacity", int, None, check=lambda v: v >= 1, hint="at least 1")
    mean = reader.get("mean_service_minutes", (int, float), 10,
                      check=lambda v: 0 < v <= 240, hint="more than 0, at most 240")
    target = reader.get("target_wait_minutes", (int, float), 15,
                        check=lambda v: 0 < v <= 480, hint="more than 0, at most 480")
    booking_capacity = reader.get("booking_capacity", int, 0, check=lambda v: 0 <= v <= 1000,
                                  hint="0 (no booking) to 1000")
    reader.reject_unknown()
    if len(problems) > before:
        return None
    assert name is not None and name_en is not None  # else a problem was recorded
    return ServiceSpec(code=code, name=name, prefix=prefix, start_number=start,
                       daily_capacity=capacity, mean_service_s=round(mean * 60),
                       target_wait_s=round(target * 60), name_en=name_en,
                       booking_capacity=booking_capacity)


def _parse_counter(table: dict, place: str, problems: list[str]) -> CounterSpec | None:
    reader = _Reader(table, place, problems)
    before = len(problems)
    number = reader.get("number", int, check=lambda v: 1 <= v <= 999, hint="1 to 999")
    name = _read_name(reader, "name", COUNTER_NAME_MAX, required=False)
    name = name or (f"Quầy {number}" if number else None)
    services = reader.get("services", list, check=bool, hint="list at least one service code")
    if services and not all(isinstance(code, str) for code in services):
        reader._problem("services", "must be a list of service codes (strings)")
    reader.reject_unknown()
    if len(problems) > before:
        return None
    assert name is not None  # else a problem was recorded
    return CounterSpec(number=number, name=name, services=tuple(services))


def _parse_priority(table: dict, place: str, problems: list[str]) -> PrioritySpec | None:
    reader = _Reader(table, place, problems)
    before = len(problems)
    code = reader.get("code", str, check=SLUG_PATTERN.match, hint="lowercase letters, digits, -")
    name = _read_name(reader, "name", PRIORITY_NAME_MAX)
    name_en = _read_name(reader, "name_en", PRIORITY_NAME_MAX, required=False)
    reader.reject_unknown()
    if len(problems) > before:
        return None
    assert name is not None and name_en is not None  # else a problem was recorded
    return PrioritySpec(code=code, name=name, name_en=name_en)


def _check_office_links(place: str, declared: list[str], services: list[Any],
                        counters: list[Any], priorities: list[Any], problems: list[str]) -> None:
    services = [s for s in services if s]
    if not declared:
        problems.append(f"{place}: an office needs at least one [[office.service]]")
    _check_unique(declared, place, "service code", problems)
    _check_unique([s.prefix for s in services], place, "service prefix", problems)
    _check_unique([c.number for c in counters if c], place, "counter number", problems)
    _check_unique([p.code for p in priorities if p], place, "priority code", problems)
    known = set(declared)
    for index, counter in enumerate(counters, 1):
        for code in counter.services if counter else ():
            if code not in known:
                problems.append(f"{place}.counter[{index}].services: unknown service {code!r}")


def _check_unique(values: list, place: str, what: str, problems: list[str]) -> None:
    seen: set = set()
    for value in values:
        if value in seen:
            problems.append(f"{place}: duplicate {what} {value!r}")
        seen.add(value)


def _is_timezone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _parse_date(value: object) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None
