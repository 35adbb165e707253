"""WebSockets go uncompressed: a browser's permessage-deflate offer is declined (real serve)."""

from __future__ import annotations

import base64
import os
import socket

import pytest

from ..support.servers import OFFICE_TOML, STAFF_PASSWORD, start_office_server

pytestmark = pytest.mark.slow

# What Chromium sends when a page opens a WebSocket (Firefox offers the same extension).
OFFER = "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    started = start_office_server(tmp_path_factory.mktemp("ws-deflate"), OFFICE_TOML,
                                  "thu-nghiem", "canbo", STAFF_PASSWORD)
    yield started
    started.stop()


def _upgrade(port: int, offer: str) -> tuple[str, bytes]:
    """Open a Socket.IO WebSocket; return the 101 answer's head and the first frame."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        key = base64.b64encode(os.urandom(16)).decode()
        sock.sendall((f"GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
                      f"Host: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                      f"Sec-WebSocket-Version: 13\r\n{offer}Sec-WebSocket-Key: {key}\r\n\r\n")
                     .encode())
        received = b""
        while b"\r\n\r\n" not in received or len(received.split(b"\r\n\r\n", 1)[1]) < 2:
            chunk = sock.recv(65536)
            assert chunk, received
            received += chunk
    head, frames = received.split(b"\r\n\r\n", 1)
    return head.decode(), frames


def test_a_browsers_compression_offer_is_declined(server):
    head, frames = _upgrade(server.port, OFFER)
    assert head.startswith("HTTP/1.1 101"), head
    assert "sec-websocket-extensions" not in head.lower(), head
    # Engine.IO's open packet comes as a plain text frame: FIN, no RSV1, opcode 1, "0{…".
    assert frames[0] == 0x81, hex(frames[0])
    assert frames[2:3] == b"0"


def test_a_plain_websocket_still_opens(server):
    head, frames = _upgrade(server.port, "")
    assert head.startswith("HTTP/1.1 101"), head
    assert frames[0] == 0x81
