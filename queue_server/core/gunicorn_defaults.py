"""gunicorn settings for `queue-server serve`: one gevent worker, WebSockets, quick restarts."""

import os
import signal
from typing import Any

worker_class = "gevent"
workers = 1
# Displays, counters and citizens' phones each hold a WebSocket.
worker_connections = 4000
# Open WebSockets would otherwise hold a restart for 30 s.
graceful_timeout = 5
timeout = 60
keepalive = 5
accesslog = None
errorlog = "-"
loglevel = "info"


def post_worker_init(worker: Any) -> None:  # gunicorn ships no types
    """Quit once on Ctrl-C: the terminal's SIGINT and the master's SIGQUIT both reach the worker.

    gunicorn's gevent worker quits in a new greenlet per signal; the second one's SystemExit
    lands in the interpreter's shutdown, and gevent prints it as a traceback.
    """
    quit_now = worker.handle_quit
    is_quitting = False

    def quit_once(number: int, frame: object) -> None:
        nonlocal is_quitting
        if not is_quitting:
            is_quitting = True
            quit_now(number, frame)

    signal.signal(signal.SIGQUIT, quit_once)
    signal.signal(signal.SIGINT, quit_once)


def on_starting(_server: Any) -> None:
    """Empty PROMETHEUS_MULTIPROC_DIR before the first worker: old workers' counts are stale."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        os.makedirs(folder, exist_ok=True)
        for name in os.listdir(folder):
            if name.endswith(".db"):
                os.remove(os.path.join(folder, name))


def child_exit(_server: Any, worker: Any) -> None:
    """A worker that exits takes its live gauges (Socket.IO connections) with it."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]
