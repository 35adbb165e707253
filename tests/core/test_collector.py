"""The server worker's garbage collector: no pauses with the broadcasts, no garbage piling up."""

from __future__ import annotations

import json
import os
import subprocess
import sys

# Builds the worker's app as gunicorn does, then holds 300,000 tracked objects the way
# 600 open WebSockets would (greenlets, sockets, parsers), counting full collections.
PILE_UP = """
import gc, json, sys
full = []
gc.callbacks.append(lambda phase, info: phase == "stop" and info["generation"] == 2
                    and full.append(info["collected"]))
if sys.argv[1] == "worker":
    import queue_server.wsgi
else:
    from queue_server import create_app
    app = create_app()
frozen = gc.get_freeze_count()
full.clear()
held = [[index] for index in range(300_000)]
print(json.dumps({"full": len(full), "frozen": frozen}))
"""

# WebSockets that open, live long enough to reach the oldest generation, and close, each
# leaving a cycle of objects behind; 4,000 open at any time. The timer runs every 0.05 s
# here instead of every few minutes, so the test sees what a day would.
CHURN = """
import gc, json, sys, threading, time
from queue_server.core import collector
collector.FULL_COLLECTION_EVERY_S = 0.05
start = lambda target, *args: threading.Thread(target=target, args=args, daemon=True).start()
collector.tune_for_server(start if sys.argv[1] == "timer" else lambda *_: None, time.sleep)

class Connection:
    def __init__(self):
        self.parts = [{"connection": self} for _ in range(25)]

open_now, peak = [], 0
for index in range(60_000):
    open_now.append(Connection())
    if len(open_now) > 4_000:
        open_now.pop(0)
    if index % 500 == 0:
        peak = max(peak, len(gc.get_objects()))
        time.sleep(0.001)
print(json.dumps({"peak": peak}))
"""
OPEN_OBJECTS = 4_000 * 28  # each open connection: itself, its dict, its list, 25 parts


def _run(tmp_path, script: str, mode: str) -> dict:
    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith("QUEUE_")}
    environment.update(QUEUE_DATABASE_URL=f"sqlite:///{tmp_path}/queue.db",
                       QUEUE_VAR_DIR=str(tmp_path), QUEUE_TESTING="1")
    result = subprocess.run([sys.executable, "-c", script, mode], env=environment,
                            capture_output=True, text=True, timeout=120, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_worker_makes_no_full_collection_while_connections_pile_up(tmp_path):
    worker = _run(tmp_path, PILE_UP, "worker")
    assert worker["full"] == 0
    # What the app built at start is frozen, so a full collection never walks it again.
    assert worker["frozen"] > 10_000


def test_the_default_collector_would_have(tmp_path):
    # The same app and objects under CPython's defaults: the pauses the worker avoids.
    assert _run(tmp_path, PILE_UP, "defaults")["full"] >= 2


def test_closed_connections_do_not_pile_up_between_full_collections(tmp_path):
    with_timer = _run(tmp_path, CHURN, "timer")["peak"]
    without = _run(tmp_path, CHURN, "no-timer")["peak"]
    # Without the timer, the raised thresholds alone let garbage grow to several times what
    # is open; the timer keeps it to a fraction of that.
    assert without > 5 * OPEN_OBJECTS, without
    assert with_timer < without / 2, (with_timer, without)
