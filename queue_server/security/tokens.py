"""Passwords, user tokens and device tokens: only hashes are stored."""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, delete, or_, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, object_session

from queue_server.core.db import BUSY_TIMEOUT_MS
from queue_server.core.errors import Conflict, InvalidInput, NotFound, Unauthorized
from queue_server.models import ApiToken, Device, DeviceKind, Office, Role, User
from queue_server.security.hashing import dummy_hash, hash_password, needs_rehash, password_matches
from queue_server.security.password_rule import check_password_strength

USER_TOKEN_PREFIX = "u_"
DEVICE_TOKEN_PREFIX = "d_"

# A device's last_seen_at is written at most this often: on SQLite every write takes the one
# write lock, and a kiosk asks many times a minute.
DEVICE_SEEN_EVERY = timedelta(minutes=5)

log = logging.getLogger(__name__)


def hash_token(token: str) -> str:
    """Tokens carry 256 random bits, so a plain SHA-256 is enough to store them."""
    return hashlib.sha256(token.encode()).hexdigest()


def add_user(session: Session, username: str, password: str, role: Role, office: Office | None,
             *, now: datetime, full_name: str = "") -> User:
    """Create a user with an Argon2id password hash."""
    username = username.strip()
    if not username or len(username) > 64 or not username.replace("-", "").replace(
            "_", "").replace(".", "").isalnum():
        raise InvalidInput("invalid_username")
    if session.scalar(select(User).where(User.username == username)):
        raise Conflict("user_exists", username=username)
    # A manager without an office is the province's: they read every office's figures.
    if role is Role.STAFF and office is None:
        raise InvalidInput("staff_office_required")
    check_password_strength(password, username)
    user = User(username=username, role=role, office_id=office.id if office else None,
                password_hash=hash_password(password), created_at=now, full_name=full_name)
    session.add(user)
    session.flush()
    return user


def set_password(user: User, password: str) -> None:
    """Replace a user's password (checked for strength) and revoke the old password's tokens."""
    check_password_strength(password, user.username)
    user.password_hash = hash_password(password)
    session = object_session(user)
    if session is not None and user.id is not None:
        revoke_user_tokens(session, user)


def revoke_user_tokens(session: Session, user: User) -> int:
    """Log a user out everywhere (password reset, account disabled); returns how many."""
    result = session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
    return cast(CursorResult[Any], result).rowcount  # a DELETE's result is a CursorResult


def revoke_device(session: Session, device: Device) -> None:
    """Refuse this device's token from now on (a new token needs `device add` again)."""
    device.is_revoked = True


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_at: datetime
    user: User


def issue_user_token(session: Session, username: str, password: str, *, now: datetime,
                     lifetime: timedelta) -> IssuedToken:
    """Check a password and hand out a bearer token."""
    user = session.scalar(select(User).where(User.username == username, User.is_active))
    if not password_matches(user.password_hash if user else dummy_hash(), password) or not user:
        raise Unauthorized("bad_credentials")
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    # Expired tokens are useless; dropping the user's own keeps the table small.
    session.execute(delete(ApiToken).where(ApiToken.user_id == user.id,
                                           ApiToken.expires_at <= now))
    token = USER_TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires_at = now + lifetime
    session.add(ApiToken(user_id=user.id, token_hash=hash_token(token), created_at=now,
                         expires_at=expires_at))
    return IssuedToken(token, expires_at, user)


def add_device(session: Session, name: str, kind: DeviceKind, office: Office, *,
               now: datetime, kiosk_name: str | None = None) -> tuple[Device, str]:
    """Register a device; returns it with its token, which is shown only this once."""
    name = name.strip()
    if not name or len(name) > 100:
        raise InvalidInput("invalid_device_name")
    if session.scalar(select(Device).where(Device.office_id == office.id, Device.name == name)):
        raise Conflict("device_exists", name=name)
    kiosk = None
    if kiosk_name is not None:
        kiosk = session.scalar(select(Device).where(
            Device.office_id == office.id, Device.name == kiosk_name,
            Device.kind == DeviceKind.KIOSK))
        if kiosk is None:
            raise NotFound("unknown_kiosk", name=kiosk_name)
    token = DEVICE_TOKEN_PREFIX + secrets.token_urlsafe(32)
    device = Device(name=name, kind=kind, office_id=office.id, kiosk_id=kiosk and kiosk.id,
                    token_hash=hash_token(token), created_at=now, is_revoked=False)
    session.add(device)
    session.flush()
    return device, token


@dataclass(frozen=True)
class Principal:
    """Whoever a bearer token stands for, as plain values (safe to cache across requests)."""

    user_id: int | None = None
    role: Role | None = None
    office_id: int | None = None
    device_id: int | None = None
    device_kind: DeviceKind | None = None
    expires_at: datetime | None = None
    # Devices: the last_seen_at found when the token was checked (None: never seen).
    device_seen_at: datetime | None = None

    @property
    def is_user(self) -> bool:
        return self.user_id is not None

    @property
    def is_device(self) -> bool:
        return self.device_id is not None

    @property
    def is_province_manager(self) -> bool:
        """A manager bound to no office: reads every office, changes nothing."""
        return self.is_user and self.role is Role.MANAGER and self.office_id is None

    @property
    def oversees_province(self) -> bool:
        """An admin or a province manager: the province's monitor and league table."""
        return self.is_user and (self.role is Role.ADMIN or self.is_province_manager)

    def manages(self, office_id: int) -> bool:
        """Reads this office's dashboard: its manager, a province manager, or an admin."""
        return self.oversees_province or (self.role is Role.MANAGER
                                          and self.office_id == office_id)


def authenticate(session: Session, token: str, *, now: datetime,
                 device_idle_limit: timedelta) -> Principal:
    """The user or device behind a bearer token, or Unauthorized.

    A device token unused for device_idle_limit is refused like an expired user token.
    """
    digest = hash_token(token)
    if token.startswith(USER_TOKEN_PREFIX):
        row = session.scalar(select(ApiToken).where(ApiToken.token_hash == digest))
        if row and row.expires_at > now and row.user.is_active:
            user = row.user
            return Principal(user_id=user.id, role=user.role, office_id=user.office_id,
                             expires_at=row.expires_at)
    elif token.startswith(DEVICE_TOKEN_PREFIX):
        device = session.scalar(select(Device).where(Device.token_hash == digest))
        if device and not device.is_revoked and now < device_expires_at(device,
                                                                         device_idle_limit):
            return Principal(device_id=device.id, device_kind=device.kind,
                             office_id=device.office_id, device_seen_at=device.last_seen_at)
    raise Unauthorized("bad_token")


def device_expires_at(device: Device, idle_limit: timedelta) -> datetime:
    """When the device's token stops working unless used: idle_limit after its last use.

    A device never seen counts from its creation. Each use moves last_seen_at on (at most
    DEVICE_SEEN_EVERY late), so a device in daily use never expires.
    """
    return (device.last_seen_at or device.created_at) + idle_limit


def device_seen_due(principal: Principal, now: datetime) -> bool:
    """Whether this device's last_seen_at is old enough to be written again."""
    return principal.is_device and (principal.device_seen_at is None
                                    or now - principal.device_seen_at >= DEVICE_SEEN_EVERY)


def record_device_seen(session: Session, device_id: int, *, now: datetime) -> bool:
    """Set a device's last_seen_at in a short transaction of its own; False when not written.

    Call it with no transaction open in session (after the request's own has ended). The
    write never waits: when the database is locked by another writer, read-only, or the row
    is locked, it is skipped (the device's next request tries again) and nothing is raised.
    """
    stale = or_(Device.last_seen_at.is_(None), Device.last_seen_at <= now - DEVICE_SEEN_EVERY)
    statement = (update(Device).where(Device.id == device_id, stale)
                 .values(last_seen_at=now).execution_options(synchronize_session=False))
    try:
        # DEFERRED: no BEGIN IMMEDIATE, which would wait up to WRITE_WAIT_S for the lock.
        connection = session.connection(execution_options={"sqlite_begin": "DEFERRED"})
        is_sqlite = connection.dialect.name == "sqlite"
        connection.exec_driver_sql("PRAGMA busy_timeout=0" if is_sqlite
                                   else "SET LOCAL lock_timeout = '200ms'")
        try:
            session.execute(statement)
        finally:
            if is_sqlite:  # before the connection goes back to the pool
                connection.exec_driver_sql(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        session.commit()
        return True
    except SQLAlchemyError:
        session.rollback()
        log.debug("last_seen_at of device %s not written", device_id, exc_info=True)
        return False


class PrincipalCache:
    """Recently checked tokens, so a busy kiosk does not cost a lookup per ticket.

    An entry lives a few seconds: a revoked device or user is refused within that time on
    every process (and at once on the process that revoked it, which calls `clear`).
    """

    def __init__(self, lifetime_s: float = 10.0, size: int = 10_000) -> None:
        self._entries: dict[str, tuple[float, Principal]] = {}
        self._lifetime_s, self._size = lifetime_s, size

    def get(self, token: str, monotonic_now: float) -> Principal | None:
        entry = self._entries.get(token)
        if entry is None or monotonic_now - entry[0] > self._lifetime_s:
            return None
        return entry[1]

    def put(self, token: str, principal: Principal, monotonic_now: float) -> None:
        if len(self._entries) >= self._size:
            self._entries.clear()
        self._entries[token] = (monotonic_now, principal)

    def clear(self) -> None:
        self._entries.clear()
