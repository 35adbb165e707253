"""Real HTTP listeners on 127.0.0.1 standing in for an SMS gateway and Zalo ZNS in tests."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class FakeGateway:
    """Records every POST and answers with the next status of `statuses` (the last repeats)."""

    statuses: list[int] = field(default_factory=lambda: [200])
    delay_s: float = 0.0
    received: list[Received] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeGateway:
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                time.sleep(gateway.delay_s)
                gateway.received.append(Received(self.path, dict(self.headers), body))
                status = gateway.statuses[min(len(gateway.received), len(gateway.statuses)) - 1]
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *_args) -> None:  # quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def wait_for(self, count: int, timeout_s: float = 10.0) -> list[Received]:
        """The requests so far, once at least `count` arrived (AssertionError after timeout)."""
        deadline = time.monotonic() + timeout_s
        while len(self.received) < count:
            assert time.monotonic() < deadline, f"{len(self.received)} of {count} requests"
            time.sleep(0.02)
        return list(self.received)


@dataclass
class FakeZns:
    """A real HTTP listener answering like Zalo's ZNS template endpoint.

    Success is {"error": 0, "data": {"msg_id", …}}; `refused` maps a phone (84…) to Zalo's
    error code and message; `token_expired` answers -124 to everything; `is_down` closes
    every connection unanswered, like a provider that is out.
    """

    refused: dict[str, tuple[int, str]] = field(default_factory=dict)
    token_expired: bool = False
    is_down: bool = False
    received: list[dict] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/message/template"

    def answer(self, body: dict, token: str | None) -> dict:
        if self.token_expired or not token:
            return {"error": -124, "message": "Access token is invalid"}
        if body.get("phone") in self.refused:
            code, text = self.refused[body["phone"]]
            return {"error": code, "message": text}
        return {"error": 0, "message": "Success",
                "data": {"msg_id": f"zns-{len(self.received)}", "sent_time": "1733550000000",
                         "quota": {"dailyQuota": "500", "remainingQuota": "499"}}}

    def start(self) -> FakeZns:
        zns = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                if zns.is_down:
                    self.close_connection = True
                    self.connection.close()
                    return
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
                body["access_token"] = self.headers.get("access_token")
                zns.received.append(body)
                answer = json.dumps(zns.answer(body, body["access_token"])).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *_args) -> None:  # quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def wait_for(self, count: int, timeout_s: float = 10.0) -> list[dict]:
        """The requests so far, once at least `count` arrived (AssertionError after timeout)."""
        deadline = time.monotonic() + timeout_s
        while len(self.received) < count:
            assert time.monotonic() < deadline, f"{len(self.received)} of {count} requests"
            time.sleep(0.02)
        return list(self.received)
