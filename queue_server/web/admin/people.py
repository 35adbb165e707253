"""/admin: accounts (staff, managers, admins) and devices (tokens, pairing, revocation)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import request, url_for
from sqlalchemy import select

from queue_server.core.errors import DomainError
from queue_server.core.request_context import db, now, public_url
from queue_server.edge.callers import device_idle_limit
from queue_server.models import Device, DeviceKind, Office, Role, User
from queue_server.printing import jobs
from queue_server.security.tokens import device_expires_at
from queue_server.setup import accounts
from queue_server.setup.fields import refuse
from queue_server.tickets.queue_state import find_office
from queue_server.web.admin.pages import (
    Visitor,
    admin_page,
    attempt,
    blueprint,
    changed,
    done,
    error_page,
    form_errors,
    form_values,
    not_found,
    offices_of,
    refusal_status,
    render,
    saved,
)

# ---- accounts ----


def _office_users(office: Office) -> list[User]:
    return list(db().scalars(select(User).where(User.office_id == office.id)
                             .order_by(User.is_active.desc(), User.username)))


def _user_list(visitor: Visitor, office: Office, values, errors: dict, status: int = 200):
    return render("admin.users.html", visitor, status, office=office, section="users",
                  users=_office_users(office), values=values, errors=errors,
                  roles=["staff", "manager"])


@blueprint.get("/admin/offices/<slug>/users")
@admin_page()
def users(visitor: Visitor, office: Office):
    """The office's accounts, with a form to add one."""
    return _user_list(visitor, office, {"role": "staff"}, {})


@blueprint.post("/admin/offices/<slug>/users")
@admin_page()
def create_user(visitor: Visitor, office: Office):
    """Add a staff or manager account to the office."""
    _user, error = attempt(lambda: accounts.create_user(
        db(), form_values(), office=office, now=now(), by=visitor.changer))
    if error is not None:
        return _user_list(visitor, office, _without_passwords(), form_errors(error),
                          refusal_status(error))
    return done(url_for("admin.users", slug=office.slug), "created")


def _without_passwords() -> dict:
    return {key: value for key, value in request.form.items() if "password" not in key}


@blueprint.get("/admin/admins")
@admin_page(admins_only=True)
def admins(visitor: Visitor):
    """The administrators' and province managers' accounts, with a form to add an admin."""
    return _admin_list(visitor, {}, {})


def _admin_list(visitor: Visitor, values, errors: dict, status: int = 200):
    # The accounts of no office: admins, and the province's managers (added with the CLI).
    accounts = db().scalars(select(User).where(User.office_id.is_(None))
                            .order_by(User.is_active.desc(), User.role, User.username))
    return render("admin.admins.html", visitor, status, users=list(accounts), values=values,
                  errors=errors)


@blueprint.post("/admin/admins")
@admin_page(admins_only=True)
def create_admin(visitor: Visitor):
    """Add an administrator account."""
    values = {**form_values(), "role": Role.ADMIN.value}
    _user, error = attempt(lambda: accounts.create_user(
        db(), values, office=None, now=now(), by=visitor.changer))
    if error is not None:
        return _admin_list(visitor, _without_passwords(), form_errors(error),
                           refusal_status(error))
    return done(url_for("admin.admins"), "created")


def _managed_user(visitor: Visitor, username: str):
    """(user, None), or (None, the refusal page) when unknown or not the visitor's to manage."""
    user = db().scalar(select(User).where(User.username == username))
    if user is None:
        return None, not_found()
    if not accounts.may_manage(visitor.changer, user.role, user.office_id):
        return None, error_page("forbidden_title", "forbidden_office", 403)
    return user, None


def _user_page(visitor: Visitor, user: User, values, errors: dict, status: int = 200):
    office = db().get(Office, user.office_id) if user.office_id else None
    roles = [role.value for role in Role] if visitor.is_admin else ["staff", "manager"]
    return render("admin.user.html", visitor, status, office=office, section="users",
                  account=user, values=values, errors=errors, roles=roles,
                  offices=offices_of(visitor) if visitor.is_admin else [])


def _user_values(user: User) -> dict:
    return {"full_name": user.full_name, "role": user.role.value,
            "office": user.office.slug if user.office else "",
            "state": "active" if user.is_active else "disabled"}


@blueprint.get("/admin/users/<username>")
@admin_page()
def user_page(visitor: Visitor, username: str):
    """One account: name, role, office, state, and a new password."""
    user, refusal = _managed_user(visitor, username)
    if refusal is not None:
        return refusal
    return _user_page(visitor, user, _user_values(user), {})


@blueprint.post("/admin/users/<username>")
@admin_page()
def update_user(visitor: Visitor, username: str):
    """Save an account; a disabled one is logged out at once."""
    user, refusal = _managed_user(visitor, username)
    if refusal is not None:
        return refusal
    values = form_values()

    def change() -> bool:
        office = _chosen_office(visitor, values)
        return accounts.update_user(db(), user, values, office=office, now=now(),
                                          by=visitor.changer)

    is_changed, error = attempt(change)
    if error is not None:
        return _user_page(visitor, user, request.form, form_errors(error), refusal_status(error))
    changed(None, user_id=None if user.is_active else user.id)
    return saved(_back_to_users(visitor, user), is_changed)


def _chosen_office(visitor: Visitor, values: dict) -> Office | None:
    """The office picked on the form (admins only; managers keep the account's office)."""
    slug = values.get("office")
    if not visitor.is_admin or not slug:
        return None
    office = find_office(db(), str(slug))
    if office is None:
        raise refuse("office", "unknown_office_choice")
    return office


def _back_to_users(visitor: Visitor, user: User) -> str:
    if user.office is not None:
        return url_for("admin.users", slug=user.office.slug)
    return url_for("admin.admins") if visitor.is_admin else url_for("admin.home")


@blueprint.post("/admin/users/<username>/password")
@admin_page()
def reset_password(visitor: Visitor, username: str):
    """Set a new password; the account is logged out everywhere."""
    user, refusal = _managed_user(visitor, username)
    if refusal is not None:
        return refusal
    _none, error = attempt(lambda: accounts.reset_password(
        db(), user, form_values(), now=now(), by=visitor.changer))
    if error is not None:
        return _user_page(visitor, user, _user_values(user), form_errors(error),
                          refusal_status(error))
    changed(None, user_id=user.id)
    return done(url_for("admin.user_page", username=user.username), "password_reset_done")


# ---- devices ----


def _devices(office: Office) -> list[Device]:
    return list(db().scalars(select(Device).where(Device.office_id == office.id)
                             .order_by(Device.is_revoked, Device.kind, Device.name)))


# A device token this close to its idle expiry is flagged on the devices page.
EXPIRY_WARNING = timedelta(days=14)


@dataclass(frozen=True)
class TokenAge:
    """Whether a device's token has expired for lack of use, or soon will."""

    expires_at: datetime
    is_expired: bool
    is_expiring: bool


def token_ages(devices: list[Device], moment: datetime) -> dict[int, TokenAge]:
    """The idle expiry of each device that presents a token (not revoked, not a display)."""
    limit = device_idle_limit()
    warning = min(EXPIRY_WARNING, limit / 4)
    ages = {}
    for device in devices:
        if device.is_revoked or device.kind is DeviceKind.DISPLAY:
            continue
        expires_at = device_expires_at(device, limit)
        ages[device.id] = TokenAge(expires_at, expires_at <= moment,
                                   moment < expires_at <= moment + warning)
    return ages


def _device_list(visitor: Visitor, office: Office, values, errors: dict, status: int = 200):
    devices = _devices(office)
    health = {device.id: jobs.printer_health(db(), device, now=now())
              for device in devices if device.kind is DeviceKind.PRINTER and not device.is_revoked}
    kiosks = [d for d in devices if d.kind is DeviceKind.KIOSK and not d.is_revoked]
    return render("admin.devices.html", visitor, status, office=office, section="devices",
                  devices=devices, health=health, kiosks=kiosks, ages=token_ages(devices, now()),
                  idle_days=device_idle_limit().days, values=values, errors=errors,
                  kinds=[kind.value for kind in DeviceKind], zone=ZoneInfo(office.timezone))


@blueprint.get("/admin/offices/<slug>/devices")
@admin_page()
def devices(visitor: Visitor, office: Office):
    """The office's devices: kind, pairing, last seen and token expiry, printer state."""
    return _device_list(visitor, office, {"kind": "kiosk"}, {})


@blueprint.post("/admin/offices/<slug>/devices")
@admin_page()
def create_device(visitor: Visitor, office: Office):
    """Register a device and show its token, this once (never in an address or a log)."""
    created, error = attempt(lambda: accounts.create_device(
        db(), office, form_values(), now=now(), by=visitor.changer))
    if error is not None:
        return _device_list(visitor, office, request.form, form_errors(error),
                            refusal_status(error))
    device, token = created
    changed(office)
    return render("admin.device_token.html", visitor, office=office, section="devices",
                  device=device, token=token, base=public_url())


def _find_device(office: Office, device_id: int) -> Device | None:
    return db().scalar(select(Device).where(Device.office_id == office.id,
                                            Device.id == device_id))


@blueprint.post("/admin/offices/<slug>/devices/<int:device_id>")
@admin_page()
def update_device(visitor: Visitor, office: Office, device_id: int):
    """Pair a printer with a kiosk, or unpair it."""
    device = _find_device(office, device_id)
    if device is None:
        return not_found()
    is_changed, error = attempt(lambda: _pair(device, visitor))
    if error is not None:
        return _device_list(visitor, office, {"kind": "kiosk"}, form_errors(error),
                            refusal_status(error))
    changed(office, is_changed)
    return saved(url_for("admin.devices", slug=office.slug), is_changed)


def _pair(device: Device, visitor: Visitor) -> bool:
    if device.is_revoked:
        raise DomainError("device_revoked")
    return accounts.pair_printer(db(), device, form_values(), now=now(),
                                       by=visitor.changer)


@blueprint.post("/admin/offices/<slug>/devices/<int:device_id>/revoke")
@admin_page()
def revoke_device(visitor: Visitor, office: Office, device_id: int):
    """Refuse the device from now on; a kiosk shows "not activated" at once."""
    device = _find_device(office, device_id)
    if device is None:
        return not_found()
    is_changed, _error = attempt(lambda: accounts.revoke(db(), device, now=now(),
                                                               by=visitor.changer))
    changed(office, is_changed, device_id=device.id)
    return done(url_for("admin.devices", slug=office.slug), "revoked_done")
