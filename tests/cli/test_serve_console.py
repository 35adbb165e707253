"""The server console stays readable: a wrong password and Ctrl-C each log a line, no traceback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request

import pytest

from ..support.servers import OFFICE_TOML, ROOT, STAFF_PASSWORD, start_office_server

pytestmark = pytest.mark.slow


@pytest.fixture
def server(tmp_path):
    started = start_office_server(tmp_path, OFFICE_TOML, "thu-nghiem", "canbo", STAFF_PASSWORD)
    yield started
    started.stop()


def console(server) -> str:
    server.log.flush()
    return (server.folder / "server.log").read_text()


def test_a_wrong_password_logs_one_line_and_no_traceback(server):
    for _ in range(2):
        status, body = server.api("POST", "/api/v1/auth/token",
                                  {"username": "canbo", "password": "sai-mat-khau-roi"})
        assert (status, body["error"]["code"]) == (401, "bad_credentials")
    time.sleep(0.5)  # the worker writes its lines after answering
    text = console(server)
    assert "Traceback" not in text and "VerifyMismatchError" not in text, text
    refusals = [line for line in text.splitlines() if "login refused" in line]
    assert len(refusals) == 2 and "'canbo'" in refusals[0], text


def test_a_failure_in_a_native_thread_is_raised_in_the_caller_without_a_traceback():
    script = ("from gevent import monkey; monkey.patch_all()\n"
              "from queue_server.core.greenlets import off_the_loop\n"
              "def refuse(): raise ValueError('no match')\n"
              "try:\n    off_the_loop(refuse)\n"
              "except ValueError as error:\n    print('raised:', error)\n"
              "print(off_the_loop(sum, [1, 2]))\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=60, cwd=ROOT)
    assert result.stdout.split("\n")[:2] == ["raised: no match", "3"], result.stderr
    assert result.stderr == ""


def test_ctrl_c_stops_the_server_without_a_traceback(tmp_path):
    server = start_office_server(tmp_path, OFFICE_TOML, "thu-nghiem", "canbo", STAFF_PASSWORD)
    server.stop()
    log = open(tmp_path / "console.log", "w")  # noqa: SIM115 - closed below
    # Its own process group, as a terminal's: Ctrl-C reaches the master and the worker.
    process = subprocess.Popen(
        [sys.executable, "-m", "queue_server.cli", "serve", "--port", str(server.port)],
        env=server.environment, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(server.url + "/api/v1/offices", timeout=2).read()
                break
            except OSError:
                time.sleep(0.1)
        os.killpg(process.pid, signal.SIGINT)
        assert process.wait(timeout=20) == 0
    finally:
        if process.poll() is None:
            process.kill()
        log.close()
    text = (tmp_path / "console.log").read_text()
    assert "Handling signal: int" in text, text
    assert "Traceback" not in text and "SystemExit" not in text, text
