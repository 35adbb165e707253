"""A real HTTP listener on 127.0.0.1 standing in for a province's system that receives the
webhook: it checks each delivery's signature the way docs/dossiers.md tells a receiver to,
and can be down (its port closed), answer errors, or hang."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def verify(secret: str, body: bytes, header: str) -> bool:
    """The receiver's check, as in docs/dossiers.md."""
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header)


@dataclass
class Delivery:
    event: str
    delivery: str
    signature: str
    body: bytes
    is_valid: bool

    @property
    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class WebhookReceiver:
    """Records every POST; answers the next of `statuses` (the last repeats); holds each
    request while `hold` is clear; `stop()` closes the port and `start()` opens the same one."""

    secret: str
    statuses: list[int] = field(default_factory=lambda: [200])
    received: list[Delivery] = field(default_factory=list)
    hold: threading.Event = field(default_factory=threading.Event)
    arrived: threading.Event = field(default_factory=threading.Event)
    port: int = 0
    server: ThreadingHTTPServer | None = None

    def __post_init__(self) -> None:
        self.hold.set()  # answer at once unless a test clears it

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def start(self) -> WebhookReceiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.arrived.set()
                receiver.hold.wait(30)
                signature = self.headers.get("X-Queue-Signature", "")
                receiver.received.append(Delivery(
                    self.headers.get("X-Queue-Event", ""),
                    self.headers.get("X-Queue-Delivery", ""), signature, body,
                    verify(receiver.secret, body, signature)))
                count = len(receiver.received)
                status = receiver.statuses[min(count, len(receiver.statuses)) - 1]
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args) -> None:  # quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.hold.set()
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def wait_for(self, count: int, timeout_s: float = 10.0) -> list[Delivery]:
        """The deliveries so far, once at least `count` arrived (AssertionError after
        timeout)."""
        deadline = time.monotonic() + timeout_s
        while len(self.received) < count:
            assert time.monotonic() < deadline, f"{len(self.received)} of {count} deliveries"
            time.sleep(0.02)
        return list(self.received)
