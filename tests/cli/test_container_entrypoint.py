"""The container image's entry point (config/container/entrypoint.sh), run without a container
runtime: init, serve, the print agent and a passed-through command, on this machine."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from ..support.servers import _free_port, demo_office_file

ROOT = Path(__file__).parents[2]
ENTRYPOINT = ROOT / "config/container/entrypoint.sh"

pytestmark = pytest.mark.skipif(shutil.which("sh") is None, reason="no POSIX shell")


@pytest.fixture
def environment(tmp_path):
    base = {k: v for k, v in os.environ.items() if not k.startswith("QUEUE_")}
    return {**base, "PATH": f"{Path(sys.executable).parent}:{base.get('PATH', '')}",
            "QUEUE_DATABASE_URL": f"sqlite:///{tmp_path}/queue.db",
            "QUEUE_VAR_DIR": str(tmp_path / "var"),
            "QUEUE_OFFICE_FILE": str(demo_office_file(tmp_path)),
            "SHARED_DIR": str(tmp_path / "shared"), "PRINTER_OFFICE": "cam-lam"}


def entrypoint(environment: dict, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(["sh", str(ENTRYPOINT), *arguments], env=environment, cwd=ROOT,
                          capture_output=True, text=True, timeout=180)


def started(environment: dict, role: str, log: Path) -> subprocess.Popen:
    with open(log, "w") as output:
        return subprocess.Popen(["sh", str(ENTRYPOINT), role], env=environment, cwd=ROOT,
                                stdout=output, stderr=subprocess.STDOUT)


def wait_for(condition, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if condition():
                return True
        except requests.RequestException:
            pass
        time.sleep(0.2)
    return False


def test_init_makes_the_shared_key_and_the_printer_token_once(environment, tmp_path):
    first = entrypoint(environment, "init")
    assert first.returncode == 0, first.stderr
    shared = tmp_path / "shared"
    key, token = (shared / "secret-key").read_text(), (shared / "printer-token").read_text()
    assert len(key.strip()) >= 48 and token.startswith("d_") and token.count("\n") == 1
    again = entrypoint(environment, "init")
    assert again.returncode == 0, again.stderr
    assert (shared / "secret-key").read_text() == key
    assert (shared / "printer-token").read_text() == token


def test_init_gives_up_on_a_database_that_never_answers(environment):
    environment.update({"QUEUE_DATABASE_URL":
                        f"postgresql+psycopg://nobody@127.0.0.1:{_free_port()}/queue",
                        "INIT_TRIES": "2"})
    result = entrypoint(environment, "init")
    assert result.returncode == 1
    assert "the database is not ready (try 1 of 2)" in result.stderr
    assert result.stderr.strip().endswith("did not answer after 2 tries; giving up")


@pytest.mark.slow
def test_serve_and_printer_roles_print_a_ticket_issued_at_the_kiosk(environment, tmp_path):
    assert entrypoint(environment, "init").returncode == 0
    port = _free_port()
    server = started({**environment, "PORT": str(port)}, "serve", tmp_path / "server.log")
    url = f"http://127.0.0.1:{port}"
    agent = None
    try:
        assert wait_for(lambda: requests.get(url + "/healthz", timeout=2).ok), \
            (tmp_path / "server.log").read_text()
        # The server signs sessions with the shared key, not one of its own.
        shared_key = (tmp_path / "shared/secret-key").read_text().strip()
        process_environment = Path(f"/proc/{server.pid}/environ").read_bytes().split(b"\0")
        assert f"QUEUE_SECRET_KEY={shared_key}".encode() in process_environment
        kiosk = entrypoint(environment, "device", "add", "kiosk-1", "--kind", "kiosk",
                           "--office", "cam-lam")
        assert kiosk.returncode == 0, kiosk.stderr
        tickets = tmp_path / "tickets"
        agent = started({**environment, "PRINTER_SERVER": url,
                         "PRINTER_URI": f"image://{tickets}",
                         "PRINTER_STATE_DIR": str(tmp_path / "agent")},
                        "printer", tmp_path / "agent.log")
        response = requests.post(url + "/api/v1/offices/cam-lam/tickets",
                                 json={"service": "dat-dai"}, timeout=10,
                                 headers={"Authorization": f"Bearer {kiosk.stdout.strip()}"})
        assert response.status_code == 201
        number = response.json()["number"]
        assert wait_for((tickets / f"{number}.bin").exists), \
            (tmp_path / "agent.log").read_text()
        assert (tickets / f"{number}.png").exists()
    finally:
        for process in (agent, server):
            if process is not None:
                process.terminate()
                process.wait(timeout=20)


def test_every_file_the_image_copies_is_in_the_repository():
    copied = []
    for line in (ROOT / "Dockerfile").read_text().splitlines():
        words = line.split()
        if words[:1] == ["COPY"] and not any(word.startswith("--from") for word in words):
            copied += [word for word in words[1:-1] if not word.startswith("--")]
    assert "config/container/entrypoint.sh" in copied
    assert [path for path in copied if not (ROOT / path).exists()] == []
