"""Create or update offices, services, counters and priorities from an office file."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from queue_server.core.clock import utc_now
from queue_server.feedback import forms
from queue_server.models import Counter, Office, PriorityCategory, PriorityMode, Service
from queue_server.setup import sync as office_sync
from queue_server.setup.audit_log import INIT, Changer
from queue_server.setup.office_file import OfficeSpec


def apply_office_specs(session: Session, specs: list[OfficeSpec], *,
                       now: datetime | None = None, by: Changer = INIT) -> list[Office]:
    """Upsert every office of the file; things dropped from the file are deactivated.

    What /admin changed and the file did not is kept (see office_sync); now None: the clock.
    `by` is who the audit log names for what the file changed (`init`: the command's user).
    """
    offices = []
    for spec in _in_id_order(session, specs):
        sync = office_sync.prepare(session, spec)
        office = _apply_office(session, sync.merged, now or utc_now())
        sync.remember(session, office, now=now or utc_now(), by=by)
        offices.append(office)
    return offices


def _in_id_order(session: Session, specs: list[OfficeSpec]) -> list[OfficeSpec]:
    # Existing offices in id order, new ones after them in the file's order. Each office
    # edited moves its queue version, a row lock until commit on PostgreSQL; housekeeping
    # takes those locks in id order too, so the two can never wait for each other in a circle.
    ids = dict(session.execute(select(Office.slug, Office.id)).all())
    return sorted(specs, key=lambda spec: (spec.slug not in ids, ids.get(spec.slug, 0)))


def _apply_office(session: Session, spec: OfficeSpec, now: datetime) -> Office:
    office = session.scalar(select(Office).where(Office.slug == spec.slug))
    if office is None:
        office = Office(slug=spec.slug)
        session.add(office)
    office.name, office.timezone = spec.name, spec.timezone
    office.opening_hours = spec.opening_hours
    office.holidays = [day.isoformat() for day in spec.holidays]
    office.priority_mode = PriorityMode(spec.priority_mode)
    office.ordinary_per_priority = spec.ordinary_per_priority
    office.min_recalls_before_no_show = spec.min_recalls_before_no_show
    office.min_seconds_before_no_show = spec.min_seconds_before_no_show
    office.notice, office.ticket_footer = spec.notice, spec.ticket_footer
    office.near_threshold = spec.near_threshold
    office.phone_retention_hours = spec.phone_retention_hours
    office.feedback_target_days = spec.feedback_target_days
    office.messages = spec.messages
    office.booking = spec.booking
    office.retention = spec.retention
    office.elderly_age, office.elderly_priority = spec.elderly_age, spec.elderly_priority
    office.privacy_controller = spec.privacy_controller
    office.number_reading, office.number_region = spec.number_reading, spec.number_region
    office.dossier_pattern, office.require_outcome = spec.dossier_pattern, spec.require_outcome
    office.outcome_labels = dict(spec.outcome_labels)
    office.rating_form = spec.rating_form
    office.satisfaction_targets = list(spec.satisfaction_targets)
    office.kind, office.area, office.address = spec.kind, spec.area, spec.address
    office.latitude, office.longitude = spec.location or (None, None)
    office.is_active = True
    session.flush()
    forms.remember_form(session, office, now=now)
    services = _apply_services(session, office, spec)
    _apply_counters(session, office, spec, services)
    _apply_priorities(session, office, spec)
    session.flush()
    session.refresh(office)
    return office


def _apply_services(session: Session, office: Office, spec: OfficeSpec) -> dict[str, Service]:
    existing = {s.code: s for s in session.scalars(
        select(Service).where(Service.office_id == office.id))}
    for position, item in enumerate(spec.services):
        service = existing.get(item.code) or Service(office_id=office.id, code=item.code)
        service.name, service.name_en, service.prefix = item.name, item.name_en, item.prefix
        service.start_number, service.daily_capacity = item.start_number, item.daily_capacity
        service.mean_service_s, service.target_wait_s = item.mean_service_s, item.target_wait_s
        service.booking_capacity = item.booking_capacity
        service.sort_order, service.is_active = position, True
        if service.recent_service_s is None:
            service.recent_service_s, service.service_time_samples = 0.0, 0
        session.add(service)
        existing[item.code] = service
    wanted = {item.code for item in spec.services}
    for code, service in existing.items():
        if code not in wanted:
            service.is_active = False
    session.flush()
    return existing


def _apply_counters(session: Session, office: Office, spec: OfficeSpec,
                    services: dict[str, Service]) -> None:
    existing = {c.number: c for c in session.scalars(
        select(Counter).where(Counter.office_id == office.id))}
    for item in spec.counters:
        counter = existing.get(item.number) or Counter(office_id=office.id, number=item.number,
                                                       is_paused=False, ordinary_streak=0)
        counter.name, counter.is_active = item.name, True
        counter.services = [services[code] for code in item.services]
        session.add(counter)
        existing[item.number] = counter
    wanted = {item.number for item in spec.counters}
    for number, counter in existing.items():
        if number not in wanted:
            counter.is_active = False


def _apply_priorities(session: Session, office: Office, spec: OfficeSpec) -> None:
    existing = {p.code: p for p in session.scalars(
        select(PriorityCategory).where(PriorityCategory.office_id == office.id))}
    for position, item in enumerate(spec.priorities):
        category = existing.get(item.code) or PriorityCategory(office_id=office.id,
                                                               code=item.code)
        category.name, category.name_en = item.name, item.name_en
        category.sort_order, category.is_active = position, True
        session.add(category)
        existing[item.code] = category
    wanted = {item.code for item in spec.priorities}
    for code, category in existing.items():
        if code not in wanted:
            category.is_active = False
