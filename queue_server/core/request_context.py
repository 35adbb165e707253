"""Request-scoped access to the app's session, clock and settings (for views and events)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app, g, request
from sqlalchemy.orm import Session


def state() -> Any:
    """The app's shared state (settings, sessions, clock)."""
    return current_app.extensions["queue"]


def db() -> Session:
    """This request's database session, opened on first use."""
    if "db_session" not in g:
        g.db_session = state().sessions()
    session: Session = g.db_session
    return session


def now() -> datetime:
    """The current instant from the app's clock."""
    moment: datetime = state().clock()
    return moment


def public_url() -> str:
    """The base of links in QR codes: QUEUE_PUBLIC_URL, else the host that was asked."""
    return state().settings.public_url or request.host_url.rstrip("/")


def reading() -> None:
    """Read a report in a transaction of its own that never blocks writers.

    The request's session starts with BEGIN IMMEDIATE (SQLite's write lock, see db.py); a
    report reads for up to a second, and kiosks must not wait behind it.
    """
    db().commit()
    db().connection(execution_options={"sqlite_begin": "DEFERRED"})
