"""Administration of an office's set-up: the office, its services, counters and priorities.

Plain functions over a session with an explicit `now`; each change is checked completely
(every mistake listed, each with a code) and logged to the admin audit table. They flush;
the caller commits, then announces the change (queue_server.realtime.admin_changes).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from queue_server.core.clock import local_day
from queue_server.core.errors import Conflict
from queue_server.feedback import forms
from queue_server.models import (
    AdminAction,
    AdminObject,
    Counter,
    Office,
    PriorityCategory,
    PriorityMode,
    Service,
    Ticket,
    TicketStatus,
)
from queue_server.setup import fields
from queue_server.setup.audit_log import Changer, diff, logged_values, record
from queue_server.setup.fields import Rule, refuse
from queue_server.setup.names import (
    COUNTER_NAME_MAX,
    OFFICE_NAME_MAX,
    PRIORITY_NAME_MAX,
    SERVICE_NAME_MAX,
)

OFFICE_RULES = (
    Rule("name", fields.text(OFFICE_NAME_MAX)),
    Rule("timezone", fields.timezone),
    Rule("opening_hours", fields.opening_hours),
    Rule("holidays", fields.holidays),
    Rule("priority_mode", fields.choice([mode.value for mode in PriorityMode])),
    Rule("ordinary_per_priority", fields.integer(1, 20)),
    Rule("min_recalls_before_no_show", fields.integer(0, 10)),
    Rule("min_seconds_before_no_show", fields.integer(0, 600)),
    Rule("notice", fields.long_text(1000)),
    Rule("ticket_header", fields.text(200, required=False)),
    Rule("ticket_footer", fields.text(200, required=False)),
    Rule("number_reading", fields.choice(["numeral", "digits"])),
    Rule("number_region", fields.choice(["north", "south"])),
    Rule("near_threshold", fields.integer(1, 50)),
    Rule("phone_retention_hours", fields.integer(1, 168)),
    Rule("feedback_target_days", fields.integer(1, 30)),
    Rule("require_outcome", fields.flag("yes", "no")),
    Rule("dossier_pattern", fields.dossier_pattern, required=False),
    Rule("rating_form", fields.rating_form, required=False),
    Rule("outcome_labels", fields.outcome_labels, required=False),
)
OFFICE_LOGGED = tuple(rule.name for rule in OFFICE_RULES)
NEW_OFFICE_DEFAULTS = {
    "timezone": "Asia/Ho_Chi_Minh", "opening_hours": "Mo-Fr 07:30-11:30,13:30-17:00",
    "holidays": [], "priority_mode": "interleaved", "ordinary_per_priority": 2,
    "min_recalls_before_no_show": 1, "min_seconds_before_no_show": 60,
    "notice": "", "ticket_header": "",
    "ticket_footer": "Cảm ơn công dân đã sử dụng dịch vụ.", "number_reading": "numeral",
    "number_region": "north", "near_threshold": 3, "phone_retention_hours": 24,
    "feedback_target_days": 3, "require_outcome": "no", "dossier_pattern": "",
    "rating_form": "", "outcome_labels": "",
}

# A service's state in one word: open takes tickets, closed calls only those waiting,
# retired is gone from every screen.
SERVICE_STATES = ("open", "closed", "retired")
SERVICE_RULES = (
    Rule("name", fields.text(SERVICE_NAME_MAX)),
    Rule("name_en", fields.text(SERVICE_NAME_MAX, required=False)),
    Rule("prefix", fields.prefix),
    Rule("start_number", fields.integer(0, 9000)),
    Rule("daily_capacity", fields.integer(1, 100_000, optional=True)),
    Rule("booking_capacity", fields.integer(0, 1000)),
    Rule("mean_service_minutes", fields.minutes_as_seconds(0, 240)),
    Rule("target_wait_minutes", fields.minutes_as_seconds(0, 480)),
    Rule("sort_order", fields.integer(0, 999)),
    Rule("state", fields.choice(SERVICE_STATES)),
)
SERVICE_LOGGED = ("name", "name_en", "prefix", "start_number", "daily_capacity",
                  "booking_capacity", "mean_service_s", "target_wait_s", "sort_order",
                  "is_active", "is_closed")
NEW_SERVICE_DEFAULTS = {"name_en": "", "start_number": 1, "daily_capacity": None,
                        "booking_capacity": 0,
                        "mean_service_minutes": 10,
                        "target_wait_minutes": 15, "state": "open"}

ACTIVE_STATES = ("active", "retired")
COUNTER_RULES = (
    Rule("name", fields.text(COUNTER_NAME_MAX, required=False)),
    Rule("services", fields.codes),
    Rule("state", fields.choice(ACTIVE_STATES)),
)
COUNTER_LOGGED = ("name", "services", "is_active")
PRIORITY_RULES = (
    Rule("name", fields.text(PRIORITY_NAME_MAX)),
    Rule("name_en", fields.text(PRIORITY_NAME_MAX, required=False)),
    Rule("sort_order", fields.integer(0, 999)),
    Rule("state", fields.choice(ACTIVE_STATES)),
)
PRIORITY_LOGGED = ("name", "name_en", "sort_order", "is_active")


def with_defaults(defaults: Mapping[str, object], raw: Mapping[str, object]) -> dict:
    """What a new item gets: the defaults, overridden by every field given a value."""
    return {**defaults, **{key: value for key, value in raw.items() if value not in ("", None)}}


# ---- offices ----

def create_office(session: Session, raw: Mapping[str, object], *, now: datetime,
                  by: Changer) -> Office:
    """A new office (admins); its services, counters and devices are added afterwards."""
    values = fields.read(with_defaults(NEW_OFFICE_DEFAULTS, raw),
                         [Rule("slug", fields.code), *OFFICE_RULES])
    slug = values.pop("slug")
    # /admin/offices/new is the form's own address.
    if slug == "new" or session.scalar(select(Office.id).where(Office.slug == slug)) is not None:
        raise refuse("slug", "office_exists", slug=slug)
    office = Office(slug=slug, is_active=True)
    _set_office(office, values)
    session.add(office)
    session.flush()
    forms.remember_form(session, office, now=now)
    record(session, by, now=now, office_id=office.id, action=AdminAction.CREATED,
           kind=AdminObject.OFFICE, key=slug,
           changes=diff({}, logged_values(office, OFFICE_LOGGED)))
    return office


def update_office(session: Session, office: Office, raw: Mapping[str, object], *,
                  now: datetime, by: Changer) -> bool:
    """Change the office's settings (fields absent from raw keep their value); True if any."""
    values = fields.read(raw, OFFICE_RULES, partial=True)
    before = logged_values(office, OFFICE_LOGGED)
    _set_office(office, values)
    forms.remember_form(session, office, now=now)  # a changed form is its next version
    return _log_update(session, by, now, office.id, AdminObject.OFFICE, office.slug, before,
                       logged_values(office, OFFICE_LOGGED))


def _set_office(office: Office, values: dict) -> None:
    for name, value in values.items():
        setattr(office, name, PriorityMode(value) if name == "priority_mode" else value)


def _log_update(session: Session, by: Changer, now: datetime, office_id: int | None,
                kind: AdminObject, key: str, before: dict, after: dict) -> bool:
    changes = diff(before, after)
    if changes:
        session.flush()
        record(session, by, now=now, office_id=office_id, action=AdminAction.UPDATED,
               kind=kind, key=key, changes=changes)
    return bool(changes)


# ---- services ----

def create_service(session: Session, office: Office, raw: Mapping[str, object], *,
                   now: datetime, by: Changer) -> Service:
    """A new service at the end of the kiosk's list unless an order is given."""
    last = session.scalar(select(func.max(Service.sort_order)).where(
        Service.office_id == office.id))
    defaults = {**NEW_SERVICE_DEFAULTS, "sort_order": min(999, (last or 0) + 1)}
    values = fields.read(with_defaults(defaults, raw), [Rule("code", fields.code), *SERVICE_RULES])
    code = values.pop("code")
    if session.scalar(select(Service.id).where(Service.office_id == office.id,
                                               Service.code == code)) is not None:
        raise refuse("code", "code_taken", code=code)
    service = Service(office_id=office.id, code=code, recent_service_s=0.0,
                      service_time_samples=0, is_active=True, is_closed=False)
    _check_prefix(session, office, service, values["prefix"])
    _set_service(service, values)
    session.add(service)
    session.flush()
    record(session, by, now=now, office_id=office.id, action=AdminAction.CREATED,
           kind=AdminObject.SERVICE, key=code,
           changes=diff({}, logged_values(service, SERVICE_LOGGED)))
    return service


def update_service(session: Session, service: Service, raw: Mapping[str, object], *,
                   now: datetime, by: Changer) -> bool:
    """Change a service (absent fields kept); True if anything changed."""
    values = fields.read(raw, SERVICE_RULES, partial=True)
    office = service.office
    is_new_prefix = "prefix" in values and values["prefix"] != service.prefix
    is_coming_back = not service.is_active and values.get("state", "retired") != "retired"
    if is_new_prefix or is_coming_back:
        _check_prefix(session, office, service, values.get("prefix", service.prefix))
    if values.get("state") == "retired" and service.is_active:
        _check_nobody_waits(session, service, now)
    before = logged_values(service, SERVICE_LOGGED)
    _set_service(service, values)
    return _log_update(session, by, now, office.id, AdminObject.SERVICE, service.code, before,
                       logged_values(service, SERVICE_LOGGED))


def _set_service(service: Service, values: dict) -> None:
    names = {"mean_service_minutes": "mean_service_s", "target_wait_minutes": "target_wait_s"}
    for name, value in values.items():
        if name == "state":
            service.is_active = value != "retired"
            if value != "retired":
                service.is_closed = value == "closed"
        else:
            setattr(service, names.get(name, name), value)


def service_state(service: Service) -> str:
    """open, closed or retired."""
    if not service.is_active:
        return "retired"
    return "closed" if service.is_closed else "open"


def is_served(service: Service) -> bool:
    """Whether an active counter serves it: the kiosk offers only services someone calls."""
    return any(counter.is_active for counter in service.counters)


def _check_prefix(session: Session, office: Office, service: Service, prefix: str) -> None:
    # Two services with one prefix would both hand out "1005" the same day.
    query = select(Service).where(Service.office_id == office.id, Service.is_active,
                                  Service.prefix == prefix)
    if service.id is not None:
        query = query.where(Service.id != service.id)
    other = session.scalar(query)
    if other is not None:
        raise refuse("prefix", "prefix_taken", prefix=prefix, service=other.name)


def _check_nobody_waits(session: Session, service: Service, now: datetime) -> None:
    # Counters stop calling a retired service: its waiting tickets would never be called.
    count = session.scalar(select(func.count()).where(
        Ticket.office_id == service.office_id, Ticket.service_id == service.id,
        Ticket.status == TicketStatus.WAITING,
        Ticket.day == local_day(now, service.office.timezone)))
    if count:
        raise refuse("state", "service_has_waiting", count=count)


# ---- counters ----

def create_counter(session: Session, office: Office, raw: Mapping[str, object], *,
                   now: datetime, by: Changer) -> Counter:
    """A new counter serving the chosen services."""
    values = fields.read(with_defaults({"state": "active", "name": ""}, raw),
                         [Rule("number", fields.integer(1, 999)), *COUNTER_RULES])
    number = values.pop("number")
    if session.scalar(select(Counter.id).where(Counter.office_id == office.id,
                                               Counter.number == number)) is not None:
        raise refuse("number", "number_taken", number=number)
    counter = Counter(office_id=office.id, number=number, is_paused=False, ordinary_streak=0,
                      is_active=True)
    _set_counter(session, office, counter, values)
    session.add(counter)
    session.flush()
    record(session, by, now=now, office_id=office.id, action=AdminAction.CREATED,
           kind=AdminObject.COUNTER, key=str(number),
           changes=diff({}, counter_logged_values(counter)))
    return counter


def update_counter(session: Session, counter: Counter, raw: Mapping[str, object], *,
                   now: datetime, by: Changer) -> bool:
    """Rename a counter, change its services, retire it; True if anything changed."""
    values = fields.read(raw, COUNTER_RULES, partial=True)
    if values.get("state") == "retired" and counter.is_active and _is_serving(session, counter):
        raise Conflict("counter_busy", counter=counter.number)
    before = counter_logged_values(counter)
    _set_counter(session, counter.office, counter, values)
    return _log_update(session, by, now, counter.office_id, AdminObject.COUNTER,
                       str(counter.number), before, counter_logged_values(counter))


def _set_counter(session: Session, office: Office, counter: Counter, values: dict) -> None:
    if "services" in values:
        counter.services = _services_by_code(session, office, values["services"])
    if "name" in values:
        counter.name = values["name"] or f"Quầy {counter.number}"
    if "state" in values:
        counter.is_active = values["state"] == "active"


def _services_by_code(session: Session, office: Office, codes: list[str]) -> list[Service]:
    if not codes:
        raise refuse("services", "counter_needs_service")
    found = {s.code: s for s in session.scalars(select(Service).where(
        Service.office_id == office.id, Service.code.in_(codes), Service.is_active))}
    missing = [code for code in codes if code not in found]
    if missing:
        raise refuse("services", "unknown_service", code=missing[0])
    return sorted({found[code] for code in codes}, key=lambda s: (s.sort_order, s.code))


def _is_serving(session: Session, counter: Counter) -> bool:
    return (session.scalar(select(func.count()).where(
        Ticket.counter_id == counter.id, Ticket.status == TicketStatus.CALLED)) or 0) > 0


def counter_logged_values(counter: Counter) -> dict:
    """What the log keeps of a counter (its services by code)."""
    return {"name": counter.name, "services": [s.code for s in counter.services],
            "is_active": counter.is_active}


# ---- priority categories ----

def create_priority(session: Session, office: Office, raw: Mapping[str, object], *,
                    now: datetime, by: Changer) -> PriorityCategory:
    """A new priority category offered on the kiosk."""
    last = session.scalar(select(func.max(PriorityCategory.sort_order)).where(
        PriorityCategory.office_id == office.id))
    defaults = {"name_en": "", "sort_order": min(999, (last or 0) + 1), "state": "active"}
    values = fields.read(with_defaults(defaults, raw), [Rule("code", fields.code),
                                                        *PRIORITY_RULES])
    code = values.pop("code")
    if session.scalar(select(PriorityCategory.id).where(
            PriorityCategory.office_id == office.id, PriorityCategory.code == code)):
        raise refuse("code", "code_taken", code=code)
    category = PriorityCategory(office_id=office.id, code=code, is_active=True)
    _set_priority(category, values)
    session.add(category)
    session.flush()
    record(session, by, now=now, office_id=office.id, action=AdminAction.CREATED,
           kind=AdminObject.PRIORITY, key=code,
           changes=diff({}, logged_values(category, PRIORITY_LOGGED)))
    return category


def update_priority(session: Session, category: PriorityCategory, raw: Mapping[str, object],
                    *, now: datetime, by: Changer) -> bool:
    """Rename, reorder or retire a priority category; True if anything changed."""
    values = fields.read(raw, PRIORITY_RULES, partial=True)
    before = logged_values(category, PRIORITY_LOGGED)
    _set_priority(category, values)
    return _log_update(session, by, now, category.office_id, AdminObject.PRIORITY,
                       category.code, before, logged_values(category, PRIORITY_LOGGED))


def _set_priority(category: PriorityCategory, values: dict) -> None:
    for name, value in values.items():
        if name == "state":
            category.is_active = value == "active"
        else:
            setattr(category, name, value)
