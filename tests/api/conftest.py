"""Fixtures for the API tests: printer devices in the test app."""

import pytest

from queue_server.models import DeviceKind
from queue_server.security.tokens import add_device
from queue_server.tickets.queue_state import find_office


@pytest.fixture
def add_printer(app, clock, accounts):
    """Register a printer of test-office, optionally paired: add_printer("p1", kiosk="kiosk-1")."""

    def add(name: str, *, kiosk: str | None = None, office: str = "test-office") -> str:
        with app.extensions["queue"].sessions() as session:
            _device, token = add_device(session, name, DeviceKind.PRINTER,
                                        find_office(session, office), now=clock(),
                                        kiosk_name=kiosk)
            session.commit()
        return token

    return add
