"""The server worker's garbage collector: full collections stay rare as connections pile up."""

from __future__ import annotations

import json
import os
import subprocess
import sys

# Builds the worker's app as gunicorn does, then holds 300,000 tracked objects the way
# 600 open WebSockets would (greenlets, sockets, parsers), counting full collections.
WORKER_SCRIPT = """
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
print(json.dumps({"full": len(full), "frozen": frozen, "threshold": gc.get_threshold()}))
"""


def _run(tmp_path, mode: str) -> dict:  # noqa: ANN001
    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith("QUEUE_")}
    environment.update(QUEUE_DATABASE_URL=f"sqlite:///{tmp_path}/queue.db",
                       QUEUE_VAR_DIR=str(tmp_path), QUEUE_TESTING="1")
    result = subprocess.run([sys.executable, "-c", WORKER_SCRIPT, mode], env=environment,
                            capture_output=True, text=True, timeout=120, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_worker_makes_no_full_collection_while_connections_pile_up(tmp_path):
    worker = _run(tmp_path, "worker")
    assert worker["full"] == 0
    # What the app built at start is frozen, so a full collection never walks it again.
    assert worker["frozen"] > 10_000


def test_the_default_collector_would_have(tmp_path):
    # The same app and objects under CPython's defaults: the pauses the worker avoids.
    assert _run(tmp_path, "defaults")["full"] >= 2
