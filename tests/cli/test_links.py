"""Links that phones open (QR codes, printed tickets) use an address phones can reach."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from typing import ClassVar

import pytest
import requests

from queue_server import cli
from queue_server.core import lan

from ..support.servers import demo_office_file
from .test_cli import ROOT, free_port, run


class FakeProbe:
    """A UDP socket that only routes: no send method, so sending would fail the test."""

    routes: ClassVar[dict[str, str]] = {}

    def __init__(self, family: int, kind: int) -> None:
        self.source = None

    def __enter__(self) -> FakeProbe:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def connect(self, address: tuple[str, int]) -> None:
        if address[0] not in self.routes:
            raise OSError("Network is unreachable")
        self.source = self.routes[address[0]]

    def getsockname(self) -> tuple[str, int]:
        return self.source, 40000


@pytest.fixture
def routes(monkeypatch):
    monkeypatch.setattr(lan.socket, "socket", FakeProbe)
    FakeProbe.routes = {}
    return FakeProbe.routes


def test_the_lan_address_is_the_source_of_the_route_out(routes):
    routes["192.0.2.1"] = "192.168.1.23"
    assert lan.lan_address() == "192.168.1.23"


def test_an_office_network_without_a_default_route_is_found_too(routes):
    routes["192.168.0.1"] = "192.168.0.40"
    assert lan.lan_address() == "192.168.0.40"


def test_no_network_and_loopback_give_no_lan_address(routes):
    assert lan.lan_address() is None
    routes["192.0.2.1"] = "127.0.0.1"
    assert lan.lan_address() is None


@pytest.fixture
def serving(monkeypatch, tmp_path):
    """`queue-server serve` up to the point it starts gunicorn; returns what it would run."""
    monkeypatch.setenv("QUEUE_PUBLIC_URL", "")  # so that the value serve sets is undone
    for name in list(os.environ):
        if name.startswith("QUEUE_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("QUEUE_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("QUEUE_DATABASE_URL", f"sqlite:///{tmp_path}/queue.db")
    started = {}

    def execvp(file: str, arguments: list[str]) -> None:
        started.update(arguments=arguments, public_url=os.environ.get("QUEUE_PUBLIC_URL"))

    monkeypatch.setattr(cli.os, "execvp", execvp)
    monkeypatch.setattr(cli, "lan_address", lambda: "192.168.1.23")
    return started


def test_serving_the_office_network_puts_the_lan_address_in_links(serving, capsys):
    assert cli.main(["serve", "--host", "0.0.0.0", "--port", "8123"]) == 0
    assert serving["public_url"] == "http://192.168.1.23:8123"
    error = capsys.readouterr().err
    assert "Links on tickets and in QR codes: http://192.168.1.23:8123" in error
    assert "PHONES CANNOT" not in error


def test_serving_this_machine_only_says_loudly_that_phones_cannot_open_links(serving, capsys):
    assert cli.main(["serve", "--port", "8123"]) == 0
    assert serving["public_url"] is None
    error = capsys.readouterr().err
    assert "PHONES CANNOT OPEN THE LINKS PRINTED ON TICKETS" in error
    assert "--host 0.0.0.0" in error and "QUEUE_PUBLIC_URL=" in error


def test_a_configured_public_url_is_kept_as_it_is(serving, monkeypatch, capsys):
    monkeypatch.setenv("QUEUE_PUBLIC_URL", "https://hang.xa-thu.gov.vn")
    assert cli.main(["serve", "--host", "0.0.0.0"]) == 0
    assert serving["public_url"] == "https://hang.xa-thu.gov.vn"
    assert "PHONES CANNOT" not in capsys.readouterr().err


def test_serve_help_says_how_phones_reach_the_server(capsys):
    with pytest.raises(SystemExit):
        cli.main(["serve", "--help"])
    assert "0.0.0.0" in capsys.readouterr().out


@pytest.mark.slow
def test_a_ticket_taken_on_this_machine_links_to_the_lan_address(tmp_path):
    address = lan.lan_address()
    if address is None:
        pytest.skip("this machine has no network address")
    environment = {**{k: v for k, v in os.environ.items() if not k.startswith("QUEUE_")},
                   "QUEUE_DATABASE_URL": f"sqlite:///{tmp_path}/queue.db",
                   "QUEUE_VAR_DIR": str(tmp_path),
                   "QUEUE_OFFICE_FILE": str(demo_office_file(tmp_path))}
    assert run(environment, "init").returncode == 0
    token = run(environment, "device", "add", "kiosk-1", "--kind", "kiosk", "--office",
                "cam-lam").stdout.strip()
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "queue_server.cli", "serve", "--host",
                               "0.0.0.0", "--port", str(port)], env=environment, cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline, answer = time.monotonic() + 30, None
        while answer is None and time.monotonic() < deadline:
            try:
                answer = requests.post(f"http://127.0.0.1:{port}/api/v1/offices/cam-lam/tickets",
                                       json={"service": "dat-dai"}, timeout=5,
                                       headers={"Authorization": f"Bearer {token}"})
            except (requests.ConnectionError, requests.Timeout):
                time.sleep(0.2)
        assert answer is not None and answer.status_code == 201, answer
        assert answer.json()["track_url"].startswith(f"http://{address}:{port}/t/")
    finally:
        server.terminate()
        server.communicate(timeout=15)


def test_make_run_serves_the_office_network_so_phones_can_open_the_links():
    environment = {k: v for k, v in os.environ.items() if k != "SERVE_HOST"}
    planned = subprocess.run(["make", "-n", "run"], cwd=ROOT, capture_output=True, text=True,
                             timeout=60, env=environment)
    assert planned.returncode == 0, planned.stderr
    assert "queue-server demo --host 0.0.0.0" in planned.stdout
    assert "queue-server serve --host 0.0.0.0" in planned.stdout
