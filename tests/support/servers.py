"""A real `queue-server serve` on a throwaway database, and helpers for the tests that drive it."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).parents[2]

OFFICE_TOML = """
[[office]]
slug = "thu-nghiem"
name = "Bộ phận Một cửa – Xã Thử Nghiệm"
opening_hours = "24/7"
notice = "Công dân vui lòng giữ trật tự."
min_seconds_before_no_show = 0  # the console's tests mark no-shows at once

  [[office.service]]
  code = "dat-dai"
  name = "Đất đai"
  prefix = "1"

  [[office.service]]
  code = "tu-phap"
  name = "Tư pháp – Hộ tịch"
  prefix = "2"

  [[office.counter]]
  number = 1
  name = "Quầy 1"
  services = ["dat-dai"]

  [[office.counter]]
  number = 2
  name = "Quầy 2"
  services = ["dat-dai", "tu-phap"]

  [[office.priority]]
  code = "elderly"
  name = "Người cao tuổi (từ 60 tuổi)"

# Never open: the kiosk's closed-office message.
[[office]]
slug = "dong-cua"
name = "Điểm tiếp nhận luôn đóng cửa"
opening_hours = "off"

  [[office.service]]
  code = "dat-dai"
  name = "Đất đai"
  prefix = "1"

  [[office.counter]]
  number = 1
  name = "Quầy 1"
  services = ["dat-dai"]
"""
STAFF_PASSWORD = "mat-khau-can-bo-1"


@dataclass
class LiveServer:
    """A running `queue-server serve` on a throwaway database; restartable."""

    folder: Path
    port: int
    environment: dict
    tokens: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen | None = None
    log: object = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def cli(self, *arguments: str, stdin: str = "") -> str:
        result = subprocess.run([sys.executable, "-m", "queue_server.cli", *arguments],
                                input=stdin, env=self.environment, cwd=ROOT,
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    def start(self) -> None:
        self.log = open(self.folder / "server.log", "a")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "queue_server.cli", "serve", "--port", str(self.port)],
            env=self.environment, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + "/api/v1/offices", timeout=2).read()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError((self.folder / "server.log").read_text())

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=20)
            self.process = None
        if self.log is not None:
            self.log.close()
            self.log = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def api(self, method: str, path: str, body: dict | None = None,
            token: str | None = None) -> tuple[int, dict | None]:
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


def demo_office_file(folder: Path) -> Path:
    """The demo office file, open around the clock: tests pass at lunch time and at night."""
    text = (ROOT / "config/demo.toml").read_text(encoding="utf-8")
    always_open, replaced = re.subn(r'^opening_hours = ".*"$', 'opening_hours = "24/7"', text,
                                    flags=re.MULTILINE)
    assert replaced, "config/demo.toml has no opening_hours line to replace"
    always_open = re.sub(r"^holidays = \[[^\]]*\]", "holidays = []", always_open,
                         flags=re.MULTILINE)
    path = folder / "demo.toml"
    path.write_text(always_open, encoding="utf-8")
    return path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_office_server(folder, office_toml: str, office: str, username: str, password: str,
                        *, printer: bool = False, **settings: str) -> LiveServer:
    """A started server of one office with a kiosk (and a printer), an officer logged in;
    QUEUE_* settings added."""
    (folder / "offices.toml").write_text(office_toml)
    environment = {k: v for k, v in os.environ.items() if not k.startswith("QUEUE_")}
    environment.update({"QUEUE_DATABASE_URL": f"sqlite:///{folder}/queue.db",
                        "QUEUE_VAR_DIR": str(folder),
                        "QUEUE_OFFICE_FILE": str(folder / "offices.toml"), **settings})
    server = LiveServer(folder, _free_port(), environment)
    server.cli("init")
    server.tokens["kiosk"] = server.cli("device", "add", "kiosk-1", "--kind", "kiosk",
                                        "--office", office)
    if printer:
        server.tokens["printer"] = server.cli("device", "add", "printer-1", "--kind",
                                              "printer", "--office", office)
    server.cli("user", "add", username, "--role", "staff", "--office", office,
               "--password-stdin", stdin=password + "\n")
    server.start()
    status, body = server.api("POST", "/api/v1/auth/token",
                              {"username": username, "password": password})
    assert status == 200, body
    server.tokens["staff"] = body["token"]
    return server


# A server of the test office with its own officer, for the citizen-page tests (with extra
# settings such as an SMS gateway).

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
