"""Real PostgreSQL and Redis servers of our own, and real server processes, for scale-out tests.

Each test session starts a private PostgreSQL cluster and a private Redis on free ports, so
tests can stop and restart them without touching the machine's own services.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
OFFICE_TOML = """
[[office]]
slug = "trung-tam"
name = "Trung tâm Phục vụ hành chính công"
opening_hours = "24/7"
  [[office.service]]
  code = "dat-dai"
  name = "Đất đai"
  prefix = "1"
  [[office.service]]
  code = "ho-tich"
  name = "Hộ tịch"
  prefix = "2"
  [[office.counter]]
  number = 1
  services = ["dat-dai"]
  [[office.counter]]
  number = 2
  services = ["dat-dai", "ho-tich"]
  [[office.counter]]
  number = 3
  services = ["ho-tich"]
  [[office.counter]]
  number = 4
  services = ["dat-dai", "ho-tich"]
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


class PostgresCluster:
    """A private PostgreSQL cluster owned by the postgres user, on a free port."""

    def __init__(self) -> None:
        binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
        if not binaries:
            raise RuntimeError("PostgreSQL server binaries not found (apt-get install postgresql)")
        self.bin = Path(binaries[-1])
        self.folder = Path(tempfile.mkdtemp(prefix="queue-pg-"))
        self.port = free_port()
        shutil.chown(self.folder, "postgres")
        self._as_postgres(str(self.bin / "initdb"), "-D", str(self.folder / "data"),
                          "-A", "trust", "-U", "postgres", "--no-sync")

    def _as_postgres(self, *command: str) -> None:
        subprocess.run(["runuser", "-u", "postgres", "--", *command], check=True,
                       capture_output=True, timeout=120)

    def start(self) -> None:
        self._as_postgres(str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"), "-w",
                          "-l", str(self.folder / "log"), "-o",
                          f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
                          "-c fsync=off -c max_connections=200", "start")

    def stop(self, mode: str = "fast") -> None:
        self._as_postgres(str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"), "-w",
                          "-m", mode, "stop")

    def create_database(self) -> str:
        name = "q_" + uuid.uuid4().hex[:12]
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres",
                             autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)


class RedisServer:
    """A private Redis on a free port that keeps nothing on disk."""

    def __init__(self) -> None:
        if not shutil.which("redis-server"):
            raise RuntimeError("redis-server not found (apt-get install redis-server)")
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(self.port)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture(scope="session")
def postgres():
    cluster = PostgresCluster()
    cluster.start()
    yield cluster
    cluster.remove()


@pytest.fixture(scope="session")
def redis_server():
    server = RedisServer()
    server.start()
    yield server
    server.stop()


@dataclass
class ServerProcess:
    """One `queue-server serve` process."""

    port: int
    environment: dict
    folder: Path
    process: subprocess.Popen | None = None
    log: object = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.log = open(self.folder / f"server-{self.port}.log", "a")  # noqa: SIM115 - closed in stop()
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
        raise RuntimeError((self.folder / f"server-{self.port}.log").read_text())

    def kill(self) -> None:
        """SIGKILL the whole process group: the gunicorn master and its worker."""
        if self.process is not None:
            for child in _children(self.process.pid):
                os.kill(child, 9)
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None
        self._close_log()

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=20)
            self.process = None
        self._close_log()

    def _close_log(self) -> None:
        if self.log is not None:
            self.log.close()
            self.log = None


def api(base: str, method: str, path: str, body: dict | None = None,
        token: str | None = None, timeout: float = 10) -> tuple[int, dict | None]:
    """Call the JSON API; returns (status, body)."""
    import json

    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(base + path, method=method, headers=headers,
                                     data=json.dumps(body).encode() if body else None)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            data = response.read()
            return response.status, json.loads(data) if data else None
    except urllib.error.HTTPError as error:
        data = error.read()
        return error.code, json.loads(data) if data else None


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


@dataclass
class Installation:
    """A shared database and Redis with several server processes in front of them."""

    database_url: str
    environment: dict
    folder: Path
    servers: list[ServerProcess] = field(default_factory=list)
    tokens: dict[str, str] = field(default_factory=dict)

    def cli(self, *arguments: str, stdin: str = "") -> str:
        result = subprocess.run([sys.executable, "-m", "queue_server.cli", *arguments],
                                input=stdin, env=self.environment, cwd=ROOT,
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    def add_server(self) -> ServerProcess:
        server = ServerProcess(free_port(), self.environment, self.folder)
        server.start()
        self.servers.append(server)
        return server


@pytest.fixture
def installation(postgres, redis_server, tmp_path):
    """PostgreSQL + Redis + two server processes, an office, a kiosk and an officer."""
    database_url = postgres.create_database()
    (tmp_path / "offices.toml").write_text(OFFICE_TOML)
    environment = {k: v for k, v in os.environ.items() if not k.startswith("QUEUE_")}
    environment.update({"QUEUE_DATABASE_URL": database_url, "QUEUE_REDIS_URL": redis_server.url,
                        "QUEUE_REDIS_CHANNEL": "test-" + uuid.uuid4().hex[:8],
                        "QUEUE_VAR_DIR": str(tmp_path), "QUEUE_SECRET_KEY": "scale-test",
                        "QUEUE_OFFICE_FILE": str(tmp_path / "offices.toml")})
    setup = Installation(database_url, environment, tmp_path)
    setup.cli("init")
    setup.tokens["kiosk"] = setup.cli("device", "add", "kiosk-1", "--kind", "kiosk",
                                      "--office", "trung-tam")
    setup.cli("user", "add", "canbo", "--role", "staff", "--office", "trung-tam",
              "--password-stdin", stdin="mat-khau-can-bo-1\n")
    setup.add_server()
    setup.add_server()
    status, body = api(setup.servers[0].url, "POST", "/api/v1/auth/token",
                       {"username": "canbo", "password": "mat-khau-can-bo-1"})
    assert status == 200
    setup.tokens["staff"] = body["token"]
    yield setup
    for server in setup.servers:
        server.stop()
