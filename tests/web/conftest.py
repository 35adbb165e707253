"""Fixtures for the page tests: a live server of the office `thu-nghiem`."""

import pytest

from ..support.servers import OFFICE_TOML, STAFF_PASSWORD, start_office_server


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """A server with the office `thu-nghiem` (open 24/7), a kiosk device and an officer."""
    server = start_office_server(tmp_path_factory.mktemp("live"), OFFICE_TOML, "thu-nghiem",
                                 "canbo", STAFF_PASSWORD)
    yield server
    server.stop()
