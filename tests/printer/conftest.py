"""Fixtures for the printer package: slips, a fake network printer on 127.0.0.1; and, end to
end, a real server with real queue-printer processes."""

from __future__ import annotations

import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest
from sqlalchemy import select

from printer.slip import Slip
from queue_server.core.clock import utc_now
from queue_server.core.db import make_engine, make_session_factory
from queue_server.models import Device, DeviceKind, PrintJob, Ticket
from queue_server.security.tokens import add_device
from queue_server.tickets.queue_state import find_office

DLE_EOT = b"\x10\x04"

SAMPLE_SLIP = Slip(
    office_name="Trung tâm Phục vụ hành chính công tỉnh Đồng Nai",
    heading="SỐ THỨ TỰ",
    number="1005",
    service="Đất đai",
    counters="Quầy 1, 2",
    ahead_line="Số người đang chờ trước: 3 người",
    wait_line="Thời gian chờ dự kiến: khoảng 12 phút",
    issued_line="Giờ lấy số: 08:05 26/11/2026",
    qr_payload="http://192.168.1.10:8000/t/Xq3v9KpL2mN8rT5wY7zA1bC4",
    footer="Cảm ơn quý công dân đã sử dụng dịch vụ!",
    qr_caption="Quét mã để theo dõi lượt",
)


@pytest.fixture
def make_slip():
    """Build a realistic slip, overriding any field."""
    return lambda **changes: replace(SAMPLE_SLIP, **changes)


class FakePrinter:
    """A TCP listener standing in for a network printer (raw port 9100 protocol)."""

    def __init__(self, replies: dict[int, int], *, reads: bool = True) -> None:
        self.replies = replies
        self.reads = reads
        self.jobs: queue.Queue[bytes] = queue.Queue()
        self._held: list[socket.socket] = []
        self._stopping = False
        self._server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        # A small receive buffer makes a printer that stops reading block the sender soon.
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        self._server.bind(("127.0.0.1", 0))
        self._server.listen()
        self.port = self._server.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        """Accept connections one at a time, as many network printers do."""
        while True:
            connection, _ = self._server.accept()
            if self._stopping:
                connection.close()
                return
            if not self.reads:
                self._held.append(connection)
                continue
            with connection:
                self.jobs.put(self._talk(connection))

    def _talk(self, connection: socket.socket) -> bytes:
        """Everything received until the client closes, answering DLE EOT n queries."""
        received, scanned = b"", 0
        while chunk := connection.recv(65536):
            received += chunk
            while (at := received.find(DLE_EOT, scanned, len(received) - 1)) >= 0:
                if (reply := self.replies.get(received[at + 2])) is not None:
                    connection.sendall(bytes([reply]))
                scanned = at + 3
        return received

    def close(self) -> None:
        """Stop listening and drop held connections."""
        for connection in self._held:
            connection.close()
        # Closing a socket does not wake a thread blocked in accept(); a last client does.
        self._stopping = True
        socket.create_connection(("127.0.0.1", self.port), timeout=5).close()
        self._thread.join(timeout=5)
        self._server.close()


@pytest.fixture
def fake_printer():
    """Start fake network printers: fake_printer(replies={4: 0x72}, reads=True)."""
    printers: list[FakePrinter] = []

    def start(replies: dict[int, int] | None = None, *, reads: bool = True) -> FakePrinter:
        printers.append(FakePrinter(replies or {}, reads=reads))
        return printers[-1]

    yield start
    for printer in printers:
        printer.close()


@pytest.fixture
def refused_port():
    """A loopback port that is bound but not listening, so connecting is refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as bound:
        bound.bind(("127.0.0.1", 0))
        yield bound.getsockname()[1]


# End to end: a real `queue-server serve`, real `queue-printer` processes, a real TCP printer.

OFFICE_TOML = """
[[office]]
slug = "thu-nghiem"
name = "Bộ phận Một cửa – Xã Thử Nghiệm"
opening_hours = "24/7"
ticket_footer = "Cảm ơn công dân đã sử dụng dịch vụ!"

  [[office.service]]
  code = "dat-dai"
  name = "Đất đai"
  prefix = "1"

  [[office.counter]]
  number = 1
  name = "Quầy 1"
  services = ["dat-dai"]
"""
ROOT = Path(__file__).parents[2]
ALL_GOOD, PAPER_END = 0x12, 0x72  # DLE EOT replies: online and paper adequate / paper end


def wait_until(check: Callable[[], object], *, timeout: float = 20, what: str = "") -> object:
    """Poll check() until it returns something true; fail after timeout seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout} s waiting for {what or check}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class LiveServer:
    """`queue-server serve` on a throwaway SQLite database."""

    folder: Path
    port: int = field(default_factory=_free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def database_url(self) -> str:
        return f"sqlite:///{self.folder}/queue.db"

    @property
    def environment(self) -> dict[str, str]:
        environment = {k: v for k, v in os.environ.items() if not k.startswith("QUEUE_")}
        return {**environment, "QUEUE_DATABASE_URL": self.database_url,
                "QUEUE_VAR_DIR": str(self.folder),
                "QUEUE_OFFICE_FILE": str(self.folder / "offices.toml")}

    def init(self) -> None:
        (self.folder / "offices.toml").write_text(OFFICE_TOML)
        subprocess.run([sys.executable, "-m", "queue_server.cli", "init"], check=True,
                       env=self.environment, cwd=ROOT, capture_output=True, timeout=60)

    def start(self) -> None:
        with open(self.folder / "server.log", "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "queue_server.cli", "serve", "--port", str(self.port)],
                env=self.environment, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        wait_until(self._answers, timeout=30, what="the server to start")

    def _answers(self) -> bool:
        try:
            urllib.request.urlopen(self.url + "/api/v1/offices", timeout=2).read()
        except OSError:
            return False
        return True

    def stop(self) -> None:
        """Quick shutdown (SIGINT): gunicorn's graceful one waits 5 s for open WebSockets."""
        if self.process is not None:
            self.process.send_signal(signal.SIGINT)
            self.process.wait(timeout=20)
            self.process = None

    def api(self, method: str, path: str, body: dict | None = None,
            token: str | None = None) -> tuple[int, object]:
        """Call the JSON API; returns (status, body)."""
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        request = urllib.request.Request(self.url + path, method=method, headers=headers,
                                         data=json.dumps(body).encode() if body else None)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                data = response.read()
                return response.status, json.loads(data) if data else None
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def sessions(self):
        """Direct access to the server's database, for set-up and for checking job rows."""
        engine = make_engine(self.database_url)
        return engine, make_session_factory(engine)

    def add_device(self, name: str, kind: str, *, kiosk: str | None = None) -> str:
        engine, sessions = self.sessions()
        try:
            with sessions() as session:
                office = find_office(session, "thu-nghiem")
                _device, token = add_device(session, name, DeviceKind(kind), office,
                                            now=utc_now(), kiosk_name=kiosk)
                session.commit()
        finally:
            engine.dispose()
        return token

    def job_rows(self, printer_name: str) -> list[tuple[str, str, str]]:
        """(ticket number, job status, job key) of a printer's jobs, oldest first."""
        engine, sessions = self.sessions()
        try:
            with sessions() as session:
                rows = session.execute(
                    select(Ticket.number, PrintJob.status, PrintJob.key)
                    .join(Ticket, Ticket.id == PrintJob.ticket_id)
                    .join(Device, Device.id == PrintJob.printer_id)
                    .where(Device.name == printer_name).order_by(PrintJob.id))
                return [(number, status.value, key) for number, status, key in rows]
        finally:
            engine.dispose()


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """A running server with the office `thu-nghiem` (open 24/7) and an officer."""
    server = LiveServer(tmp_path_factory.mktemp("live-printing"))
    server.init()
    server.start()
    yield server
    server.stop()


@dataclass
class Desk:
    """A kiosk with its own paired printer, so tests sharing the server never share jobs."""

    server: LiveServer
    name: str
    kiosk_token: str
    printer_token: str

    def issue(self) -> dict:
        status, ticket = self.server.api("POST", "/api/v1/offices/thu-nghiem/tickets",
                                         {"service": "dat-dai"}, self.kiosk_token)
        assert status == 201, ticket
        return ticket


@pytest.fixture
def desk(live_server, request):
    """A fresh kiosk and printer pair named after the test."""
    name = request.node.name[-40:]
    kiosk_token = live_server.add_device(f"kiosk {name}", "kiosk")
    printer_token = live_server.add_device(f"printer {name}", "printer", kiosk=f"kiosk {name}")
    return Desk(live_server, name, kiosk_token, printer_token)


@dataclass
class AgentProcess:
    """One `queue-printer` process; its output goes to a log file."""

    arguments: list[str]
    log_path: Path
    process: subprocess.Popen | None = None

    def start(self) -> AgentProcess:
        with open(self.log_path, "ab") as log, open(self._errors_path, "ab") as errors:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "printer.agent", *self.arguments], cwd=ROOT,
                stdout=log, stderr=errors)
        return self

    @property
    def _errors_path(self) -> Path:
        return self.log_path.with_suffix(".err")

    def log(self) -> str:
        """What the agent logged (standard output)."""
        return self.log_path.read_text(errors="replace")

    def errors(self) -> str:
        """What it wrote on standard error."""
        return self._errors_path.read_text(errors="replace")

    def wait_for_log(self, text: str, *, count: int = 1, timeout: float = 20) -> None:
        wait_until(lambda: self.log().count(text) >= count, timeout=timeout,
                   what=f"{text!r} in the agent log:\n{self.log()}")

    def kill(self) -> None:
        """SIGKILL: no chance to finish anything."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def start_agent(live_server, tmp_path):
    """Start queue-printer for a desk: start_agent(desk, "image://DIR", state_dir=...)."""
    agents: list[AgentProcess] = []

    def start(desk: Desk, printer_uri: str, *, state_dir: Path | None = None,
              token: str | None = None) -> AgentProcess:
        arguments = ["--server", live_server.url, "--token", token or desk.printer_token,
                     "--printer", printer_uri, "--state-dir", str(state_dir or tmp_path / "state"),
                     "--retry-min", "0.2", "--retry-max", "1", "--heartbeat", "2"]
        agent = AgentProcess(arguments, tmp_path / f"agent-{len(agents)}.log")
        agents.append(agent.start())
        return agent

    yield start
    for agent in agents:
        agent.kill()


class NetworkPrinter:
    """A real TCP listener standing in for a port-9100 printer; it can refuse, then accept."""

    def __init__(self) -> None:
        self.paper_reply = ALL_GOOD
        self.jobs: list[bytes] = []
        self._lock = threading.Lock()
        self._server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        # Bound but not listening: every connection is refused until listen() is called.
        self._server.bind(("127.0.0.1", 0))
        self.port = self._server.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._stopping = False

    @property
    def uri(self) -> str:
        return f"network://127.0.0.1:{self.port}"

    def listen(self) -> NetworkPrinter:
        self._server.listen()
        self._thread.start()
        return self

    def jobs_containing(self, marker: str) -> int:
        with self._lock:
            return sum(marker.encode() in job for job in self.jobs)

    def _serve(self) -> None:
        while True:
            connection, _ = self._server.accept()
            if self._stopping:
                connection.close()
                return
            with connection:
                received = self._talk(connection)
            if b"\x1b@" in received:  # ESC @ starts a ticket; status probes only ask
                with self._lock:
                    self.jobs.append(received)

    def _talk(self, connection: socket.socket) -> bytes:
        """Read until the client closes, answering DLE EOT 1 and DLE EOT 4 as they come."""
        connection.settimeout(10)
        received, scanned = b"", 0
        try:
            while chunk := connection.recv(65536):
                received += chunk
                while (at := received.find(DLE_EOT, scanned, len(received) - 1)) >= 0:
                    reply = {1: ALL_GOOD, 4: self.paper_reply}.get(received[at + 2])
                    if reply is not None:
                        connection.sendall(bytes([reply]))
                    scanned = at + 3
        except OSError:
            pass
        return received

    def close(self) -> None:
        if self._thread.is_alive():
            self._stopping = True
            socket.create_connection(("127.0.0.1", self.port), timeout=5).close()
            self._thread.join(timeout=5)
        self._server.close()


@pytest.fixture
def network_printer():
    printer = NetworkPrinter()
    yield printer
    printer.close()
