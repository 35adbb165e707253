"""Administration of people and devices: accounts, roles, passwords, device tokens, pairing.

Admins manage every account; a manager manages the staff and manager accounts of their own
office (a province manager, of no office, manages none). Nobody disables or demotes the
account they are using. Each change is logged.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from queue_server.core.errors import DomainError, Forbidden
from queue_server.models import (
    AdminAction,
    AdminObject,
    Device,
    DeviceKind,
    Office,
    Role,
    User,
)
from queue_server.security.tokens import (
    add_device,
    add_user,
    revoke_device,
    revoke_user_tokens,
    set_password,
)
from queue_server.setup import fields
from queue_server.setup.audit_log import Changer, diff, logged_values, record
from queue_server.setup.fields import FormInvalid, Problem, Rule, refuse
from queue_server.setup.names import DEVICE_NAME_MAX, PERSON_NAME_MAX

USER_RULES = (
    Rule("full_name", fields.text(PERSON_NAME_MAX, required=False)),
    Rule("role", fields.choice([role.value for role in Role])),
    Rule("state", fields.choice(("active", "disabled"))),
)
USER_LOGGED = ("full_name", "role", "office_id", "is_active")
# Which field a refusal from queue_server.security.tokens belongs to.
_AUTH_FIELDS = {"invalid_username": "username", "user_exists": "username",
                "weak_password": "password", "office_required": "office",
                "staff_office_required": "office",
                "invalid_device_name": "name", "device_exists": "name",
                "unknown_kiosk": "kiosk"}


def may_manage(by: Changer, role: Role, office_id: int | None) -> bool:
    """Whether this changer may hold accounts of that role and office."""
    if by.is_admin:
        return True
    return (by.role is Role.MANAGER and role in (Role.STAFF, Role.MANAGER)
            and office_id is not None and office_id == by.office_id)


def _auth_refusal(error: DomainError) -> FormInvalid:
    field = _AUTH_FIELDS.get(error.code, "form")
    return FormInvalid([Problem(field, error.code, error.params, error.message_key)])


# ---- users ----

def create_user(session: Session, raw: Mapping[str, object], *, office: Office | None,
                now: datetime, by: Changer) -> User:
    """A new account with a password that passes the strength rule; admins have no office."""
    values = fields.read({"state": "active", "full_name": "", **raw}, USER_RULES)
    role = Role(values["role"])
    office = None if role is Role.ADMIN else office
    if not may_manage(by, role, office.id if office else None):
        raise refuse("role", "role_not_allowed")
    password = _new_password(raw)
    try:
        user = add_user(session, str(raw.get("username") or ""), password, role, office,
                        now=now, full_name=values["full_name"])
    except DomainError as error:
        raise _auth_refusal(error) from None
    user.is_active = values["state"] == "active"
    log_user_created(session, by, user, now=now)
    return user


def log_user_created(session: Session, by: Changer, user: User, *, now: datetime) -> None:
    """The audit line of a new account (here and from `queue-server user add`)."""
    record(session, by, now=now, office_id=user.office_id, action=AdminAction.CREATED,
           kind=AdminObject.USER, key=user.username,
           changes=diff({}, logged_values(user, USER_LOGGED)))


def update_user(session: Session, user: User, raw: Mapping[str, object], *,
                office: Office | None, now: datetime, by: Changer) -> bool:
    """Change name, role, office (admins) or state; a disabled account is logged out."""
    values = fields.read(raw, USER_RULES, partial=True)
    role = Role(values.get("role", user.role.value))
    office_id = None if role is Role.ADMIN else (office.id if office else user.office_id)
    if role is Role.STAFF and office_id is None:  # a manager of no office is the province's
        raise refuse("office", "office_required")
    _check_allowed(by, user, role, office_id)
    if user.id == by.user_id and (role is not user.role or values.get("state") == "disabled"):
        raise refuse("state" if values.get("state") == "disabled" else "role", "own_account")
    before = logged_values(user, USER_LOGGED)
    user.role, user.office_id = role, office_id
    if "full_name" in values:
        user.full_name = values["full_name"]
    if "state" in values:
        user.is_active = values["state"] == "active"
    if not user.is_active:
        revoke_user_tokens(session, user)
    return _log(session, by, now, user, AdminAction.UPDATED, before)


def reset_password(session: Session, user: User, raw: Mapping[str, object], *,
                   now: datetime, by: Changer) -> None:
    """Set a new password (strength rule) and log the user out everywhere."""
    _check_allowed(by, user, user.role, user.office_id)
    password = _new_password(raw)
    try:
        set_password(user, password)
    except DomainError as error:
        raise _auth_refusal(error) from None
    log_password_reset(session, by, user, now=now)


def log_password_reset(session: Session, by: Changer, user: User, *, now: datetime) -> None:
    """The audit line of a new password (never the password itself)."""
    record(session, by, now=now, office_id=user.office_id, action=AdminAction.PASSWORD_RESET,
           kind=AdminObject.USER, key=user.username)


def _check_allowed(by: Changer, user: User, role: Role, office_id: int | None) -> None:
    if not may_manage(by, user.role, user.office_id):
        raise Forbidden("user_not_yours")
    if not may_manage(by, role, office_id):
        raise refuse("role", "role_not_allowed")


def _new_password(raw: Mapping[str, object]) -> str:
    password, confirm = raw.get("password"), raw.get("password_confirm", raw.get("password"))
    if not isinstance(password, str) or not password:
        raise refuse("password", "field_required")
    if password != confirm:
        raise refuse("password_confirm", "passwords_differ")
    return password


def _log(session: Session, by: Changer, now: datetime, user: User, action: AdminAction,
         before: dict) -> bool:
    changes = diff(before, logged_values(user, USER_LOGGED))
    if changes:
        session.flush()
        record(session, by, now=now, office_id=user.office_id, action=action,
               kind=AdminObject.USER, key=user.username, changes=changes)
    return bool(changes)


# ---- devices ----

DEVICE_RULES = (
    Rule("name", fields.text(DEVICE_NAME_MAX)),
    Rule("kind", fields.choice([kind.value for kind in DeviceKind])),
)


def create_device(session: Session, office: Office, raw: Mapping[str, object], *,
                  now: datetime, by: Changer) -> tuple[Device, str]:
    """A new device and its token, which is shown this once (only its hash is kept)."""
    values = fields.read(raw, DEVICE_RULES)
    kind = DeviceKind(values["kind"])
    kiosk = _kiosk_choice(session, office, kind, raw.get("kiosk"))
    try:
        device, token = add_device(session, values["name"], kind, office, now=now,
                                   kiosk_name=kiosk.name if kiosk else None)
    except DomainError as error:
        raise _auth_refusal(error) from None
    log_device_created(session, by, device, kiosk.name if kiosk else None, now=now)
    return device, token


def log_device_created(session: Session, by: Changer, device: Device, kiosk_name: str | None,
                       *, now: datetime) -> None:
    """The audit line of a new device (never its token)."""
    record(session, by, now=now, office_id=device.office_id, action=AdminAction.CREATED,
           kind=AdminObject.DEVICE, key=device.name,
           changes={"kind": [None, device.kind.value], "kiosk": [None, kiosk_name]})


def pair_printer(session: Session, printer: Device, raw: Mapping[str, object], *,
                 now: datetime, by: Changer) -> bool:
    """Pair a printer with a kiosk, or unpair it (it then serves every unpaired kiosk)."""
    kiosk = _kiosk_choice(session, printer.office, printer.kind, raw.get("kiosk"))
    if (kiosk.id if kiosk else None) == printer.kiosk_id:
        return False
    before = printer.kiosk.name if printer.kiosk else None
    printer.kiosk_id = kiosk.id if kiosk else None
    record(session, by, now=now, office_id=printer.office_id, action=AdminAction.UPDATED,
           kind=AdminObject.DEVICE, key=printer.name,
           changes={"kiosk": [before, kiosk.name if kiosk else None]})
    return True


def revoke(session: Session, device: Device, *, now: datetime, by: Changer) -> bool:
    """Refuse the device's token from now on; False if it was revoked already."""
    if device.is_revoked:
        return False
    revoke_device(session, device)
    for printer in session.scalars(select(Device).where(Device.kiosk_id == device.id)):
        printer.kiosk_id = None  # its printer now serves the office's unpaired kiosks
    record(session, by, now=now, office_id=device.office_id, action=AdminAction.REVOKED,
           kind=AdminObject.DEVICE, key=device.name, changes={"is_revoked": [False, True]})
    return True


def _kiosk_choice(session: Session, office: Office, kind: DeviceKind,
                  chosen: object) -> Device | None:
    """The kiosk picked in the form (its id), or None for no pairing."""
    if chosen in (None, ""):
        return None
    if kind is not DeviceKind.PRINTER:
        raise refuse("kiosk", "kiosk_only_for_printer")
    kiosk_id = fields.read({"kiosk": chosen}, [Rule("kiosk", fields.integer(1, 2**62))])["kiosk"]
    kiosk = session.scalar(select(Device).where(
        Device.id == kiosk_id, Device.office_id == office.id, Device.kind == DeviceKind.KIOSK,
        Device.is_revoked.is_(False)))
    if kiosk is None:
        raise refuse("kiosk", "unknown_kiosk", name=str(kiosk_id))
    return kiosk
