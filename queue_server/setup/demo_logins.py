"""The demo office's logins: random passwords and device tokens, kept from one run to the next.

A demo never has a fixed password, but re-running it must not log officers out nor unpair the
kiosk: what the last run handed out is kept while it still works, and made anew only when
asked (rotate) or when it no longer works (changed in /admin, revoked, expired).
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from queue_server.core.errors import Unauthorized
from queue_server.models import AdminAction, AdminObject, Device, DeviceKind, Office, Role, User
from queue_server.security.hashing import password_matches
from queue_server.security.tokens import (
    add_device,
    add_user,
    authenticate,
    hash_token,
    set_password,
)
from queue_server.setup.accounts import log_device_created, log_password_reset, log_user_created
from queue_server.setup.audit_log import Changer, record

# Each with whether it belongs to the demo office: the admin and the province's manager
# ("tinh", who reads every office and changes nothing) belong to none.
DEMO_USERS = [("admin", Role.ADMIN, False), ("tinh", Role.MANAGER, False),
              ("quanly", Role.MANAGER, True), ("canbo1", Role.STAFF, True),
              ("canbo2", Role.STAFF, True)]
# Unpaired, the printer prints for kiosk-1 (and any other kiosk without a printer).
DEMO_DEVICES = [("kiosk_token", "kiosk-1", DeviceKind.KIOSK),
                ("printer_token", "printer-1", DeviceKind.PRINTER),
                ("rating_token", "rating-1", DeviceKind.RATING)]


def demo_logins(session: Session, kept: dict, *, now: datetime, by: Changer,
                device_idle_limit: timedelta) -> dict:
    """The first office's demo logins: each kept one that still works, a new one otherwise."""
    office = session.scalar(select(Office).order_by(Office.id))
    assert office is not None  # the demo file was applied first
    found = kept.get("passwords")
    kept_passwords: dict = found if isinstance(found, dict) else {}
    passwords = {username: _password(session, office if of_office else None, username, role,
                                     kept_passwords.get(username), now=now, by=by)
                 for username, role, of_office in DEMO_USERS}
    tokens = {key: _device_token(session, office, name, kind, kept.get(key), now=now, by=by,
                                 idle_limit=device_idle_limit)
              for key, name, kind in DEMO_DEVICES}
    return {"office": office.slug, "passwords": passwords, **tokens}


def _password(session: Session, office: Office | None, username: str, role: Role,
              kept: object, *, now: datetime, by: Changer) -> str:
    user = session.scalar(select(User).where(User.username == username))
    if user is not None and isinstance(kept, str) and password_matches(user.password_hash, kept):
        return kept
    password = "-".join(secrets.token_urlsafe(4) for _ in range(3))
    if user is None:
        user = add_user(session, username, password, role, office, now=now)
        log_user_created(session, by, user, now=now)
    else:
        set_password(user, password)  # logs the user out everywhere
        log_password_reset(session, by, user, now=now)
    return password


def _device_token(session: Session, office: Office, name: str, kind: DeviceKind,
                  kept: object, *, now: datetime, by: Changer, idle_limit: timedelta) -> str:
    device = session.scalar(select(Device).where(Device.office_id == office.id,
                                                 Device.name == name))
    if device is None:
        device, token = add_device(session, name, kind, office, now=now)
        log_device_created(session, by, device, None, now=now)
        return token
    if isinstance(kept, str) and _is_token_of(session, device, kept, now, idle_limit):
        return kept
    token = "d_" + secrets.token_urlsafe(32)
    changes = {"token": "replaced"} | ({"is_revoked": [True, False]} if device.is_revoked else {})
    device.token_hash, device.is_revoked = hash_token(token), False
    record(session, by, now=now, office_id=office.id, action=AdminAction.UPDATED,
           kind=AdminObject.DEVICE, key=device.name, changes=changes)
    return token


def _is_token_of(session: Session, device: Device, token: str, now: datetime,
                 idle_limit: timedelta) -> bool:
    try:
        caller = authenticate(session, token, now=now, device_idle_limit=idle_limit)
    except Unauthorized:
        return False
    return caller.device_id == device.id
