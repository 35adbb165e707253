"""Request-scoped access to the app's session, clock and settings (for views and events)."""

from __future__ import annotations

from datetime import datetime

from flask import current_app, g, request
from sqlalchemy.orm import Session


def state():
    """The app's shared state (settings, sessions, clock)."""
    return current_app.extensions["queue"]


def db() -> Session:
    """This request's database session, opened on first use."""
    if "db_session" not in g:
        g.db_session = state().sessions()
    return g.db_session


def now() -> datetime:
    """The current instant from the app's clock."""
    return state().clock()


def public_url() -> str:
    """The base of links in QR codes: QUEUE_PUBLIC_URL, else the host that was asked."""
    return state().settings.public_url or request.host_url.rstrip("/")


