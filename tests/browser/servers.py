"""A `queue-server serve` of the test office with its own officer, for the citizen-page tests
(the same LiveServer as conftest's, with extra settings such as an SMS gateway)."""

from __future__ import annotations

import os

from .conftest import OFFICE_TOML, LiveServer, _free_port

OFFICER, OFFICER_PASSWORD = "nhanvien", "Xep-hang-thu-nghiem-42"


def start_server(tmp_path_factory, name: str, **settings: str) -> LiveServer:
    """Office thu-nghiem (open 24/7) with a kiosk and an officer; QUEUE_* settings added."""
    folder = tmp_path_factory.mktemp(name)
    (folder / "offices.toml").write_text(OFFICE_TOML)
    environment = {k: v for k, v in os.environ.items() if not k.startswith("QUEUE_")}
    environment.update({"QUEUE_DATABASE_URL": f"sqlite:///{folder}/queue.db",
                        "QUEUE_VAR_DIR": str(folder),
                        "QUEUE_OFFICE_FILE": str(folder / "offices.toml"), **settings})
    server = LiveServer(folder, _free_port(), environment)
    server.cli("init")
    server.tokens["kiosk"] = server.cli("device", "add", "kiosk-1", "--kind", "kiosk",
                                        "--office", "thu-nghiem")
    server.cli("user", "add", OFFICER, "--role", "staff", "--office", "thu-nghiem",
               "--password-stdin", stdin=OFFICER_PASSWORD + "\n")
    server.start()
    status, body = server.api("POST", "/api/v1/auth/token",
                              {"username": OFFICER, "password": OFFICER_PASSWORD})
    assert status == 200, body
    server.tokens["staff"] = body["token"]
    return server


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
