"""/admin: an office's services, counters and priority categories."""

from __future__ import annotations

from typing import Any

from flask import request, url_for
from sqlalchemy import func, select

from queue_server.core.clock import local_day
from queue_server.core.request_context import db, now
from queue_server.models import Counter, Office, PriorityCategory, Service, Ticket, TicketStatus
from queue_server.setup import offices as office_setup
from queue_server.web.admin.pages import (
    Visitor,
    admin_page,
    attempt,
    blueprint,
    changed,
    done,
    form_errors,
    form_values,
    not_found,
    refusal_status,
    render,
    saved,
)

# ---- services ----


def _services(office: Office) -> list[Service]:
    return list(db().scalars(select(Service).where(Service.office_id == office.id)
                             .order_by(Service.is_active.desc(), Service.sort_order,
                                       Service.code)))


def _waiting(office: Office) -> dict[int, int]:
    return dict(db().execute(
        select(Ticket.service_id, func.count())
        .where(Ticket.office_id == office.id, Ticket.status == TicketStatus.WAITING,
               Ticket.day == local_day(now(), office.timezone))
        .group_by(Ticket.service_id)).all())


def _service_list(visitor: Visitor, office: Office, values, errors: dict, status: int = 200):
    return render("admin.services.html", visitor, status, office=office, section="services",
                  services=_services(office), waiting=_waiting(office), values=values,
                  errors=errors, state_of=office_setup.service_state,
                  is_served=office_setup.is_served)


@blueprint.get("/admin/offices/<slug>/services")
@admin_page()
def services(visitor: Visitor, office: Office):
    """The office's services, with a form to add one."""
    return _service_list(visitor, office, office_setup.NEW_SERVICE_DEFAULTS, {})


@blueprint.post("/admin/offices/<slug>/services")
@admin_page()
def create_service(visitor: Visitor, office: Office):
    """Add a service; kiosks show it at once."""
    _service, error = attempt(lambda: office_setup.create_service(
        db(), office, form_values(), now=now(), by=visitor.changer))
    if error is not None:
        return _service_list(visitor, office, request.form, form_errors(error),
                             refusal_status(error))
    changed(office)
    return done(url_for("admin.services", slug=office.slug), "created")


def _find_service(office: Office, code: str) -> Service | None:
    return db().scalar(select(Service).where(Service.office_id == office.id,
                                             Service.code == code))


def service_values(service: Service) -> dict[str, object]:
    """A service as its edit form shows it."""
    return {"name": service.name, "name_en": service.name_en, "prefix": service.prefix,
            "start_number": service.start_number, "daily_capacity": service.daily_capacity,
            "booking_capacity": service.booking_capacity,
            "mean_service_minutes": _minutes(service.mean_service_s),
            "target_wait_minutes": _minutes(service.target_wait_s),
            "sort_order": service.sort_order, "state": office_setup.service_state(service)}


def _minutes(seconds: int) -> str:
    return f"{seconds / 60:g}"


@blueprint.get("/admin/offices/<slug>/services/<code>")
@admin_page()
def service_page(visitor: Visitor, office: Office, code: str):
    """One service's form."""
    service = _find_service(office, code)
    if service is None:
        return not_found()
    return render("admin.service.html", visitor, office=office, section="services",
                  service=service, values=service_values(service), errors={},
                  is_served=office_setup.is_served)


@blueprint.post("/admin/offices/<slug>/services/<code>")
@admin_page()
def update_service(visitor: Visitor, office: Office, code: str):
    """Save a service: name, prefix, limits, times, open, closed or retired."""
    service = _find_service(office, code)
    if service is None:
        return not_found()
    is_changed, error = attempt(lambda: office_setup.update_service(
        db(), service, form_values(), now=now(), by=visitor.changer))
    if error is not None:
        return render("admin.service.html", visitor, refusal_status(error), office=office,
                      section="services", service=service, values=request.form,
                      errors=form_errors(error), is_served=office_setup.is_served)
    changed(office, is_changed)
    return saved(url_for("admin.services", slug=office.slug), is_changed)


# ---- counters ----


def _counters(office: Office) -> list[Counter]:
    return list(db().scalars(select(Counter).where(Counter.office_id == office.id)
                             .order_by(Counter.is_active.desc(), Counter.number)))


def _active_services(office: Office) -> list[Service]:
    return [service for service in _services(office) if service.is_active]


def _counter_list(visitor: Visitor, office: Office, values, errors: dict, status: int = 200):
    return render("admin.counters.html", visitor, status, office=office, section="counters",
                  counters=_counters(office), services=_active_services(office),
                  values=values, chosen=_chosen(values), errors=errors)


def _chosen(values: Any) -> list[str]:
    if hasattr(values, "getlist"):
        return list(values.getlist("services"))
    return list(values.get("services", []))


@blueprint.get("/admin/offices/<slug>/counters")
@admin_page()
def counters(visitor: Visitor, office: Office):
    """The office's counters, with a form to add one."""
    return _counter_list(visitor, office, {"services": []}, {})


@blueprint.post("/admin/offices/<slug>/counters")
@admin_page()
def create_counter(visitor: Visitor, office: Office):
    """Add a counter; the display shows it at once."""
    _counter, error = attempt(lambda: office_setup.create_counter(
        db(), office, form_values(), now=now(), by=visitor.changer))
    if error is not None:
        return _counter_list(visitor, office, request.form, form_errors(error),
                             refusal_status(error))
    changed(office)
    return done(url_for("admin.counters", slug=office.slug), "created")


def _find_counter(office: Office, number: int) -> Counter | None:
    return db().scalar(select(Counter).where(Counter.office_id == office.id,
                                             Counter.number == number))


@blueprint.get("/admin/offices/<slug>/counters/<int:number>")
@admin_page()
def counter_page(visitor: Visitor, office: Office, number: int):
    """One counter's form."""
    counter = _find_counter(office, number)
    if counter is None:
        return not_found()
    values = {"name": counter.name, "state": "active" if counter.is_active else "retired"}
    return render("admin.counter.html", visitor, office=office, section="counters",
                  counter=counter, services=_active_services(office), values=values,
                  chosen=[s.code for s in counter.services], errors={})


@blueprint.post("/admin/offices/<slug>/counters/<int:number>")
@admin_page()
def update_counter(visitor: Visitor, office: Office, number: int):
    """Save a counter: name, services, in use or retired."""
    counter = _find_counter(office, number)
    if counter is None:
        return not_found()
    is_changed, error = attempt(lambda: office_setup.update_counter(
        db(), counter, form_values(), now=now(), by=visitor.changer))
    if error is not None:
        return render("admin.counter.html", visitor, refusal_status(error), office=office,
                      section="counters", counter=counter, services=_active_services(office),
                      values=request.form, chosen=_chosen(request.form),
                      errors=form_errors(error))
    changed(office, is_changed)
    return saved(url_for("admin.counters", slug=office.slug), is_changed)


# ---- priority categories ----


def _priorities(office: Office) -> list[PriorityCategory]:
    return list(db().scalars(select(PriorityCategory)
                             .where(PriorityCategory.office_id == office.id)
                             .order_by(PriorityCategory.is_active.desc(),
                                       PriorityCategory.sort_order, PriorityCategory.code)))


def _priority_list(visitor: Visitor, office: Office, values, errors: dict, status: int = 200):
    return render("admin.priorities.html", visitor, status, office=office,
                  section="priorities", priorities=_priorities(office), values=values,
                  errors=errors)


@blueprint.get("/admin/offices/<slug>/priorities")
@admin_page()
def priorities(visitor: Visitor, office: Office):
    """The office's priority categories, with a form to add one."""
    return _priority_list(visitor, office, {}, {})


@blueprint.post("/admin/offices/<slug>/priorities")
@admin_page()
def create_priority(visitor: Visitor, office: Office):
    """Add a priority category; the kiosk offers it at once."""
    _category, error = attempt(lambda: office_setup.create_priority(
        db(), office, form_values(), now=now(), by=visitor.changer))
    if error is not None:
        return _priority_list(visitor, office, request.form, form_errors(error),
                              refusal_status(error))
    changed(office)
    return done(url_for("admin.priorities", slug=office.slug), "created")


def _find_priority(office: Office, code: str) -> PriorityCategory | None:
    return db().scalar(select(PriorityCategory).where(PriorityCategory.office_id == office.id,
                                                      PriorityCategory.code == code))


@blueprint.get("/admin/offices/<slug>/priorities/<code>")
@admin_page()
def priority_page(visitor: Visitor, office: Office, code: str):
    """One priority category's form."""
    category = _find_priority(office, code)
    if category is None:
        return not_found()
    values = {"name": category.name, "name_en": category.name_en,
              "sort_order": category.sort_order,
              "state": "active" if category.is_active else "retired"}
    return render("admin.priority.html", visitor, office=office, section="priorities",
                  category=category, values=values, errors={})


@blueprint.post("/admin/offices/<slug>/priorities/<code>")
@admin_page()
def update_priority(visitor: Visitor, office: Office, code: str):
    """Save a priority category."""
    category = _find_priority(office, code)
    if category is None:
        return not_found()
    is_changed, error = attempt(lambda: office_setup.update_priority(
        db(), category, form_values(), now=now(), by=visitor.changer))
    if error is not None:
        return render("admin.priority.html", visitor, refusal_status(error), office=office,
                      section="priorities", category=category, values=request.form,
                      errors=form_errors(error))
    changed(office, is_changed)
    return saved(url_for("admin.priorities", slug=office.slug), is_changed)
