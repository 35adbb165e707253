"""Start a real `queue-server serve` on a throwaway database, for benchmarks."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432"


def office_toml(slug: str, services: int = 4, counters: int = 6) -> str:
    """A 24/7 office so a benchmark never meets closing time."""
    lines = [f'[[office]]\nslug = "{slug}"\nname = "Bench {slug}"\nopening_hours = "24/7"\n']
    for index in range(services):
        lines.append(f'  [[office.service]]\n  code = "s{index}"\n  name = "Service {index}"\n'
                     f'  prefix = "{index + 1}"\n')
    for number in range(1, counters + 1):
        served = [f'"s{(number - 1) % services}"', f'"s{number % services}"']
        lines.append(f'  [[office.counter]]\n  number = {number}\n'
                     f'  services = [{", ".join(served)}]\n')
    lines.append('  [[office.priority]]\n  code = "elderly"\n  name = "Elderly"\n')
    return "\n".join(lines)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fresh_database() -> str:
    """A new empty database on the machine's PostgreSQL (127.0.0.1:5432); its URL."""
    import psycopg

    name = "bench_" + uuid.uuid4().hex[:10]
    with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres",
                         autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return f"{POSTGRES}/{name}"


def scale_out_environment(folder: str, office_file: Path) -> dict:
    """The environment of server processes sharing a fresh PostgreSQL database and the
    machine's Redis (127.0.0.1:6379) on a channel of their own."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("QUEUE_")}
    environment.update({"QUEUE_DATABASE_URL": fresh_database(),
                        "QUEUE_REDIS_URL": "redis://127.0.0.1:6379/0",
                        "QUEUE_REDIS_CHANNEL": "bench-" + uuid.uuid4().hex[:8],
                        "QUEUE_VAR_DIR": folder, "QUEUE_SECRET_KEY": "bench",
                        "QUEUE_OFFICE_FILE": str(office_file), "QUEUE_LOG_LEVEL": "WARNING"})
    return environment


def drop_database(url: str) -> None:
    """Drop a database made by fresh_database (its connections must be closed)."""
    import psycopg

    with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres",
                         autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


@contextmanager
def serving(environment: dict, processes: int, log_folder: str | Path | None = None,
            ) -> Iterator[tuple[list[subprocess.Popen], list[int]]]:
    """Start `processes` `queue-server serve` on free ports; yield them and their ports.

    With log_folder, each process's output goes to server-PORT.log there (else nowhere).
    """
    ports = [free_port() for _ in range(processes)]
    logs = [open(Path(log_folder) / f"server-{port}.log", "w")  # noqa: SIM115 - closed below
            if log_folder else subprocess.DEVNULL for port in ports]
    servers = [subprocess.Popen(
        [sys.executable, "-m", "queue_server.cli", "serve", "--port", str(port)],
        env=environment, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        for port, log in zip(ports, logs, strict=True)]
    try:
        for port in ports:
            wait_until_up(f"http://127.0.0.1:{port}")
        yield servers, ports
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=20)
        for log in logs:
            if log is not subprocess.DEVNULL:
                log.close()


def cli(environment: dict, *arguments: str, stdin: str = "", root: Path = ROOT) -> str:
    result = subprocess.run([sys.executable, "-m", "queue_server.cli", *arguments], input=stdin,
                            env=environment, cwd=root, capture_output=True, text=True, check=True)
    return result.stdout.strip()


@contextmanager
def running_server(offices: list[str], environment_extra: dict | None = None,
                   root: Path = ROOT):
    """Yield (base_url, kiosk tokens by office, staff token by office, server pid).

    `root` is the source tree the server runs from (another checkout of this repository
    measures that version with the same benchmark and the same installed libraries).
    """
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "offices.toml"
        config.write_text("\n".join(office_toml(slug) for slug in offices))
        environment = {k: v for k, v in os.environ.items() if not k.startswith("QUEUE_")}
        environment.update({"QUEUE_DATABASE_URL": f"sqlite:///{folder}/queue.db",
                            "QUEUE_VAR_DIR": folder, "QUEUE_OFFICE_FILE": str(config),
                            "QUEUE_LOG_LEVEL": "WARNING", "PYTHONPATH": str(root),
                            **(environment_extra or {})})
        cli(environment, "init", root=root)
        kiosks, staff = {}, {}
        for slug in offices:
            kiosks[slug] = cli(environment, "device", "add", f"kiosk-{slug}", "--kind", "kiosk",
                               "--office", slug, root=root)
            cli(environment, "user", "add", f"staff-{slug}", "--role", "staff", "--office", slug,
                "--password-stdin", stdin="bench-password-123\n", root=root)
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "queue_server.cli", "serve", "--port", str(port)],
            env=environment, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(base)
            for slug in offices:
                staff[slug] = _login(base, f"staff-{slug}", "bench-password-123")
            yield base, kiosks, staff, server.pid
        finally:
            server.terminate()
            server.wait(timeout=20)


def wait_until_up(base: str, path: str = "/api/v1/offices", method: str = "GET") -> None:
    """Poll until the server answers."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(urllib.request.Request(base + path, method=method),
                                   timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("server did not start")


def _login(base: str, username: str, password: str) -> str:
    request = urllib.request.Request(
        base + "/api/v1/auth/token", method="POST",
        data=json.dumps({"username": username, "password": password}).encode(),
        headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)["token"]
