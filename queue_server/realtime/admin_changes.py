"""After a committed administration change: forget cached views of it, then announce it."""

from __future__ import annotations

from queue_server.edge.callers import forget_principals
from queue_server.models import Office
from queue_server.realtime import broadcasts
from queue_server.tickets import queue_state


def forget_office(office_id: int) -> None:
    """Drop the cached queue and layout of an office on every engine of this process."""
    for cache in list(queue_state._caches.values()):
        cache.pop(office_id, None)


def office_changed(office: Office) -> None:
    """Make kiosks and displays of the office show the change now, without a reload."""
    forget_office(office.id)
    broadcasts.office_changed(office)


def access_changed(*, user_id: int | None = None, device_id: int | None = None) -> None:
    """A token, account or role changed: check every token afresh on this process, and close
    the connections of a revoked device or a logged-out account."""
    forget_principals()
    if user_id is not None or device_id is not None:
        broadcasts.close_connections_of(user_id=user_id, device_id=device_id)
