"""A `queue-server serve` of the test office with its own officer, for the citizen-page tests
(the same LiveServer as conftest's, with extra settings such as an SMS gateway)."""

from __future__ import annotations

from .conftest import OFFICE_TOML, LiveServer, start_office_server

OFFICER, OFFICER_PASSWORD = "nhanvien", "Xep-hang-thu-nghiem-42"


def start_server(tmp_path_factory, name: str, **settings: str) -> LiveServer:
    """Office thu-nghiem (open 24/7) with a kiosk and an officer; QUEUE_* settings added."""
    return start_office_server(tmp_path_factory.mktemp(name), OFFICE_TOML, "thu-nghiem",
                               OFFICER, OFFICER_PASSWORD, **settings)


OFFICE = "/api/v1/offices/thu-nghiem"  # the office of the servers started here


def issue(server: LiveServer, service: str = "dat-dai") -> dict:
    """A ticket taken at the office's kiosk."""
    status, ticket = server.api("POST", OFFICE + "/tickets", {"service": service},
                                server.tokens["kiosk"])
    assert status == 201
    return ticket


def act(server: LiveServer, counter: int, action: str) -> dict:
    """A counter action by the officer (call-next, finish, recall …); it must succeed."""
    status, ticket = server.api("POST", f"{OFFICE}/counters/{counter}/{action}",
                                token=server.tokens["staff"])
    assert status == 200, ticket
    return ticket


def empty_the_queue(server: LiveServer, *, finish: bool = False) -> None:
    """Call everyone waiting at counters 1 and 2 (then finish the last ones, if asked)."""
    for counter in (1, 2):
        while server.api("POST", f"{OFFICE}/counters/{counter}/call-next",
                         token=server.tokens["staff"])[0] == 200:
            pass
        if finish:
            server.api("POST", f"{OFFICE}/counters/{counter}/finish",
                       token=server.tokens["staff"])
