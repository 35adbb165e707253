"""Issue-and-call throughput and latency against a real `queue-server serve` on SQLite.

Prints tickets per second and p50/p95/p99 latency for issuing with 1, 8 and 32
concurrent clients (keep-alive HTTP connections), and for call-next + finish from 6
counters. The load is spread over offices the way a province installation is, so each
office's queue stays near a real day's length (a few hundred waiting at most).
"""

from __future__ import annotations

import http.client
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import ROOT, free_port, running_server, wait_until_up

GUNICORN_DEFAULTS = ROOT / "queue_server" / "core" / "gunicorn_defaults.py"

DURATION_S = 6.0
OFFICES = [f"office-{index:02d}" for index in range(16)]


class Client:
    """One keep-alive HTTP connection."""

    def __init__(self, base: str, token: str) -> None:
        parsed = urlparse(base)
        self.connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def post(self, path: str, body: dict | None = None, token: str | None = None) -> int:
        headers = self.headers if token is None else {
            **self.headers, "Authorization": f"Bearer {token}"}
        self.connection.request("POST", path, body=json.dumps(body or {}), headers=headers)
        response = self.connection.getresponse()
        response.read()
        return response.status


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def load(clients: int, work) -> tuple[int, float, list[float], int]:
    """Run work(index) -> status repeatedly from N threads; return counts and latencies."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    stop = threading.Event()

    def worker(index: int) -> None:
        step = work(index)
        while not stop.is_set():
            started = time.perf_counter()
            status = step()
            latencies[index].append(time.perf_counter() - started)
            if status >= 400:
                errors[index] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    time.sleep(DURATION_S)
    stop.set()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    flat = [value for values in latencies for value in values]
    return len(flat), elapsed, flat, sum(errors)


def report(label: str, count: int, elapsed: float, latencies: list[float], errors: int) -> None:
    ms = [value * 1000 for value in latencies]
    print(f"{label:<46} {count / elapsed:8.0f}/s   p50 {statistics.median(ms):6.2f} ms   "
          f"p95 {percentile(ms, 0.95):6.2f} ms   p99 {percentile(ms, 0.99):6.2f} ms   "
          f"errors {errors}")


@contextmanager
def minimal_server():
    """gunicorn + gevent serving bench/minimal_app.py, for calibration."""
    with tempfile.TemporaryDirectory() as folder:
        port = free_port()
        environment = {**os.environ, "MINIMAL_DB": f"{folder}/minimal.db"}
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", str(GUNICORN_DEFAULTS), "--bind",
             f"127.0.0.1:{port}", "--chdir", str(Path(__file__).parent), "minimal_app:app"],
            env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_until_up(f"http://127.0.0.1:{port}", "/tickets", method="POST")
            yield f"http://127.0.0.1:{port}"
        finally:
            server.terminate()
            server.wait(timeout=20)


def calibrate() -> float:
    """Print the calibration row (the smallest Flask + SQLite insert, 8 clients); its rate."""
    with minimal_server() as base:
        def poster(_index: int):
            client = Client(base, "none")
            return lambda: client.post("/tickets")
        count, elapsed, latencies, errors = load(8, poster)
        report("minimal Flask+SQLite insert, 8", count, elapsed, latencies, errors)
    return count / elapsed


def main() -> None:
    calibrate()
    with running_server(OFFICES) as (base, kiosks, staff, _pid):
        print(f"queue-server serve (gunicorn, 1 gevent worker) on SQLite; {len(OFFICES)} offices,"
              f" {DURATION_S:.0f} s per row")
        for clients in (1, 8, 32):
            def issuer(index: int):
                # Each client goes round the offices, so every row spreads its tickets.
                client, turns = Client(base, "none"), itertools.count(index)

                def step() -> int:
                    slug = OFFICES[next(turns) % len(OFFICES)]
                    return client.post(f"/api/v1/offices/{slug}/tickets",
                                       {"service": f"s{index % 4}"}, kiosks[slug])
                return step
            report(f"issue, {clients} client(s)", *load(clients, issuer))

        def counter(index: int):
            slug = OFFICES[0]
            client = Client(base, staff[slug])
            path = f"/api/v1/offices/{slug}/counters/{index + 1}"

            def step() -> int:
                status = client.post(path + "/call-next")
                client.post(path + "/finish")
                return status
            return step
        waiting = _waiting(base, OFFICES[0])
        count, elapsed, latencies, errors = load(6, counter)
        report(f"call-next + finish, 6 counters ({waiting} waiting)", count, elapsed,
               latencies, errors)


def _waiting(base: str, slug: str) -> int:
    """How many wait in the office at the start of the counters' row (the replay's size)."""
    with urllib.request.urlopen(f"{base}/api/v1/offices/{slug}/board", timeout=10) as answer:
        return sum(json.load(answer)["waiting"].values())


if __name__ == "__main__":
    main()
