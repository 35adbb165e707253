"""The queue-server command, run as a real process."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
import socketio
from sqlalchemy import create_engine, text

ROOT = Path(__file__).parents[2]


@pytest.fixture
def environment(tmp_path):
    return {**{k: v for k, v in os.environ.items() if not k.startswith("QUEUE_")},
            "QUEUE_DATABASE_URL": f"sqlite:///{tmp_path}/queue.db",
            "QUEUE_VAR_DIR": str(tmp_path), "QUEUE_OFFICE_FILE": str(ROOT / "config/demo.toml")}


def run(environment, *arguments, stdin=""):
    return subprocess.run([sys.executable, "-m", "queue_server.cli", *arguments], input=stdin,
                          capture_output=True, text=True, env=environment, cwd=ROOT, timeout=60)


def count(environment, table):
    engine = create_engine(environment["QUEUE_DATABASE_URL"])
    with engine.connect() as connection:
        value = connection.execute(text(f"SELECT count(*) FROM {table}")).scalar()
    engine.dispose()
    return value


def test_init_creates_the_demo_office_and_is_idempotent(environment):
    first = run(environment, "init")
    assert first.returncode == 0, first.stderr
    assert "office cam-lam: 7 services, 6 counters, 5 priorities" in first.stdout
    engine = create_engine(environment["QUEUE_DATABASE_URL"])
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO tickets (code, office_id, issued_service_id, service_id, day, sequence,"
            " number, channel, status, issued_at, queued_at, is_transferred, recall_count)"
            " VALUES ('c1', 1, 1, 1, '2026-11-26', 1, '1001', 'kiosk', 'waiting',"
            " '2026-11-26 02:00:00', '2026-11-26 02:00:00', 0, 0)"))
    engine.dispose()
    again = run(environment, "init")
    assert again.returncode == 0, again.stderr
    assert count(environment, "services") == 7 and count(environment, "counters") == 6
    assert count(environment, "tickets") == 1


def test_init_refuses_a_bad_office_file_with_its_place(environment, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text((ROOT / "config/demo.toml").read_text().replace(
        'services = ["tu-phap-ho-tich"]', 'services = ["ho-tich"]'))
    result = run(environment, "init", "--config", str(bad))
    assert result.returncode == 1
    assert f"{bad}: office[1] (cam-lam).counter[5].services: unknown service 'ho-tich'" \
        in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "queue.db").exists()


@pytest.mark.parametrize("command, stdin", [
    (["init"], ""),
    (["user", "add", "tranthib", "--role", "admin", "--password-stdin"], "another-long-one\n"),
])
def test_an_unreachable_database_is_one_clear_line(environment, tmp_path, command, stdin):
    closed = free_port()  # nothing listens there
    for url in (f"postgresql+psycopg://queue@127.0.0.1:{closed}/queue",
                f"sqlite:///{tmp_path}"):  # a folder, not a database file
        result = run({**environment, "QUEUE_DATABASE_URL": url}, *command, stdin=stdin)
        assert result.returncode == 1
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "the database could not be used" in lines[0], lines
        assert "Traceback" not in result.stderr


def test_user_add_reads_the_password_from_stdin(environment):
    run(environment, "init")
    added = run(environment, "user", "add", "nguyenvana", "--role", "staff", "--office",
                "cam-lam", "--password-stdin", stdin="mot-mat-khau-dai\n")
    assert added.returncode == 0, added.stderr
    response_hash = count(environment, "users")
    assert response_hash == 1


def test_a_manager_added_without_an_office_is_the_provinces(environment):
    run(environment, "init")
    added = run(environment, "user", "add", "lanhdaotinh", "--role", "manager",
                "--password-stdin", stdin="mot-mat-khau-dai\n")
    assert added.returncode == 0, added.stderr
    engine = create_engine(environment["QUEUE_DATABASE_URL"])
    with engine.connect() as connection:
        row = connection.execute(text(
            "SELECT role, office_id FROM users WHERE username = 'lanhdaotinh'")).one()
    engine.dispose()
    assert tuple(row) == ("manager", None)


@pytest.mark.parametrize("arguments, stdin, message", [
    (["nguyenvana", "--role", "staff", "--office", "cam-lam"], "another-long-one\n",
     "already exists"),
    (["tranthib", "--role", "staff", "--office", "cam-lam"], "short\n", "too weak"),
    (["tranthib", "--role", "staff", "--office", "nowhere"], "another-long-one\n",
     "unknown office 'nowhere'"),
    (["tranthib", "--role", "staff"], "another-long-one\n", "must belong to an office"),
    (["tranthib", "--role", "staff", "--office", "cam-lam"], "", "no password"),
    (["tranthib", "--role", "staff", "--office", "cam-lam", "--full-name", "Trần " * 64],
     "another-long-one\n", "--full-name is too long: at most 100 characters"),
])
def test_user_add_errors_are_one_clear_line(environment, arguments, stdin, message):
    run(environment, "init")
    run(environment, "user", "add", "nguyenvana", "--role", "staff", "--office", "cam-lam",
        "--password-stdin", stdin="mot-mat-khau-dai\n")
    result = run(environment, "user", "add", *arguments, "--password-stdin", stdin=stdin)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0]


def test_device_add_prints_only_the_token_which_is_stored_hashed(environment):
    run(environment, "init")
    kiosk = run(environment, "device", "add", "kiosk-sanh", "--kind", "kiosk", "--office",
                "cam-lam")
    assert kiosk.returncode == 0, kiosk.stderr
    token = kiosk.stdout
    assert token.count("\n") == 1 and token.strip().startswith("d_") and len(token) > 40
    printer = run(environment, "device", "add", "may-in-1", "--kind", "printer", "--office",
                  "cam-lam", "--kiosk", "kiosk-sanh")
    assert printer.returncode == 0, printer.stderr
    engine = create_engine(environment["QUEUE_DATABASE_URL"])
    with engine.connect() as connection:
        hashes = connection.execute(text("SELECT token_hash FROM devices")).scalars().all()
        paired = connection.execute(text(
            "SELECT kiosk_id FROM devices WHERE name = 'may-in-1'")).scalar()
    engine.dispose()
    assert token.strip() not in hashes and paired is not None


def test_device_add_makes_a_read_only_integration_token_for_the_visits_feed(environment):
    run(environment, "init")
    added = run(environment, "device", "add", "mot-cua-tinh", "--kind", "integration",
                "--office", "cam-lam")
    assert added.returncode == 0, added.stderr
    assert added.stdout.count("\n") == 1 and added.stdout.startswith("d_")
    engine = create_engine(environment["QUEUE_DATABASE_URL"])
    with engine.connect() as connection:
        kind = connection.execute(text(
            "SELECT kind FROM devices WHERE name = 'mot-cua-tinh'")).scalar()
    engine.dispose()
    assert kind == "integration"


@pytest.mark.parametrize("arguments, message", [
    (["x", "--kind", "printer", "--office", "cam-lam", "--kiosk", "none"], "no kiosk"),
    (["x", "--kind", "kiosk", "--office", "nowhere"], "unknown office"),
    (["x", "--kind", "display", "--office", "cam-lam", "--kiosk", "k"], "--kiosk pairs"),
])
def test_device_add_errors_are_one_clear_line(environment, arguments, message):
    run(environment, "init")
    result = run(environment, "device", "add", *arguments)
    assert result.returncode == 1 and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_runs_a_websocket_server(environment):
    run(environment, "init")
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "queue_server.cli", "serve", "--port",
                               str(port)], env=environment, cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                response = requests.get(base + "/api/v1/offices/cam-lam/board", timeout=2)
                break
            except (requests.ConnectionError, requests.Timeout):
                time.sleep(0.2)
        assert response.status_code == 200 and response.json()["office"] == "cam-lam"
        client = socketio.Client()
        client.connect(base, transports=["websocket"], wait_timeout=10)
        snapshot = client.call("subscribe", {"office": "cam-lam", "channel": "board"},
                               timeout=10)
        client.disconnect()
        assert snapshot["office"] == "cam-lam"
    finally:
        server.terminate()
        output = server.communicate(timeout=15)[0]
    assert "gevent" in output


def test_serve_refuses_to_start_when_gevent_websocket_is_installed(environment, tmp_path):
    # Installed, it would take over engine.io's WebSockets and answer each with a 500.
    package = tmp_path / "site" / "geventwebsocket"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    environment = {**environment, "PYTHONPATH": str(tmp_path / "site")}
    assert run(environment, "init").returncode == 0
    result = run(environment, "serve", "--port", "0")
    assert result.returncode == 1
    assert "pip uninstall gevent-websocket" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_gevent_worker_refuses_to_load_the_app_with_gevent_websocket(environment, tmp_path):
    package = tmp_path / "site" / "geventwebsocket"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    script = ("from gevent import monkey; monkey.patch_all()\n"
              "from queue_server import create_app\ncreate_app()\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            env={**environment, "PYTHONPATH": str(tmp_path / "site")},
                            cwd=ROOT, timeout=60)
    assert result.returncode != 0
    assert "pip uninstall gevent-websocket" in result.stderr
