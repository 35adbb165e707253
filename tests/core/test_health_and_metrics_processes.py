"""/healthz against real PostgreSQL and Redis going away; /metrics adding up several workers."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from .conftest import OFFICE_TOML, ROOT, api, free_port, wait_for_port


def _health(url: str) -> tuple[int, dict | None]:
    return api(url, "GET", "/healthz", timeout=10)


@pytest.mark.services
@pytest.mark.slow
def test_health_follows_redis_and_postgresql_going_away_and_back(installation, redis_server,
                                                                 postgres):
    url = installation.servers[0].url
    assert _health(url) == (200, {"status": "ok", "database": "ok", "redis": "ok"})
    redis_server.stop()
    try:
        assert _health(url) == (503, {"status": "unavailable", "database": "ok",
                                      "redis": "unreachable"})
    finally:
        redis_server.start()
    assert _health(url)[0] == 200
    postgres.stop()
    try:
        status, body = _health(url)
        assert status == 503 and body is not None
        assert body["database"] == "unreachable" and body["redis"] == "ok"
    finally:
        postgres.start()
    deadline = time.monotonic() + 20
    while _health(url)[0] != 200 and time.monotonic() < deadline:
        time.sleep(0.3)
    assert _health(url)[0] == 200


def _requests_to_offices(url: str) -> float:
    text = urllib.request.urlopen(url + "/metrics", timeout=10).read().decode()
    match = re.search(r'^queue_http_requests_total\{[^}]*route="/api/v1/offices"[^}]*\} (\S+)$',
                      text, re.MULTILINE)
    return float(match[1]) if match else 0.0


def test_every_worker_scrapes_the_sum_of_all_workers(tmp_path: Path):
    (tmp_path / "offices.toml").write_text(OFFICE_TOML)
    metrics_folder = tmp_path / "metrics"
    environment = {k: v for k, v in os.environ.items() if not k.startswith("QUEUE_")}
    environment.update({"QUEUE_DATABASE_URL": f"sqlite:///{tmp_path}/queue.db",
                        "QUEUE_VAR_DIR": str(tmp_path), "QUEUE_SECRET_KEY": "metrics-test",
                        "QUEUE_OFFICE_FILE": str(tmp_path / "offices.toml"),
                        "PROMETHEUS_MULTIPROC_DIR": str(metrics_folder)})
    subprocess.run([sys.executable, "-m", "queue_server.cli", "init"], env=environment,
                   cwd=ROOT, check=True, capture_output=True, timeout=60)
    port = free_port()
    with open(tmp_path / "gunicorn.log", "w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "config/gunicorn.conf.py",
             # Sync workers take one request each at a time: concurrent requests reach both.
             "--workers", "2", "--worker-class", "sync", "--bind", f"127.0.0.1:{port}",
             "queue_server.wsgi:app"],
            env=environment, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_for_port(port)
            url = f"http://127.0.0.1:{port}"
            # Batches of concurrent requests until both workers have answered some (on a busy
            # machine the second worker may still be starting while the first takes a batch).
            sent, deadline = 0, time.monotonic() + 60
            while len(list(metrics_folder.glob("counter_*.db"))) < 2:
                assert time.monotonic() < deadline, "the second worker never answered"
                with ThreadPoolExecutor(8) as pool:
                    statuses = list(pool.map(lambda _: api(url, "GET", "/api/v1/offices")[0],
                                             range(40)))
                assert statuses == [200] * 40
                sent += 40
            # Whichever worker answers the scrape, it reports both workers' requests.
            assert {_requests_to_offices(url) for _ in range(8)} == {float(sent)}
            assert len(list(metrics_folder.glob("counter_*.db"))) == 2
        finally:
            server.terminate()
            server.wait(timeout=20)
