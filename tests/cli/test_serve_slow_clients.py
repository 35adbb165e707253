"""One slow or stalled client never holds up the rest of the desk (real `queue-server serve`)."""

from __future__ import annotations

import json
import socket
import time

import pytest

from ..support.servers import OFFICE_TOML, STAFF_PASSWORD, start_office_server

pytestmark = pytest.mark.slow
TICKETS = "/api/v1/offices/thu-nghiem/tickets"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    started = start_office_server(tmp_path_factory.mktemp("slow-clients"), OFFICE_TOML,
                                  "thu-nghiem", "canbo", STAFF_PASSWORD)
    yield started
    started.stop()


def test_a_kiosk_whose_body_is_slow_to_arrive_does_not_hold_up_other_tickets(server):
    body = json.dumps({"service": "dat-dai"}).encode()
    slow = socket.create_connection(("127.0.0.1", server.port), timeout=30)
    try:
        # Headers now, body later: a kiosk on flaky Wi-Fi whose second packet is delayed.
        slow.sendall((f"POST {TICKETS} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                      f"Authorization: Bearer {server.tokens['kiosk']}\r\n"
                      f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
                      f"\r\n").encode() + body[:5])
        time.sleep(0.3)  # the server has read the headers and waits for the rest

        started = time.monotonic()
        status, ticket = server.api("POST", TICKETS, {"service": "tu-phap"},
                                    server.tokens["kiosk"])
        waited = time.monotonic() - started

        slow.sendall(body[5:])
        answer = slow.recv(65536).decode()
    finally:
        slow.close()
    assert status == 201, ticket
    # A writer stuck behind the slow request would wait out the 10 s write timeout.
    assert waited < 5, waited
    assert answer.startswith("HTTP/1.1 201"), answer[:200]
