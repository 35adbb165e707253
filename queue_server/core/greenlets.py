"""Living with gevent: whether the process runs under it, and moving blocking C work aside."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from typing import TypeVar

from queue_server.core.errors import SettingsError

Result = TypeVar("Result")

# Native threads for CPU-heavy C calls (password hashing). Two: this runs on two cores, and
# each Argon2 hash holds its memory while it runs.
NATIVE_THREADS = 2
_pool = None


def under_gevent() -> bool:
    """Whether gevent has patched the standard library (the server's gunicorn worker)."""
    try:
        from gevent import monkey
    except ImportError:
        return False
    return monkey.is_module_patched("time")


def let_others_run() -> None:
    """Under gevent, let every other ready greenlet run before going on; elsewhere nothing.

    For long pure-Python work on the server's one event loop (a province's 150 queues read in
    one answer): between its steps, the requests waiting behind it get their turn.
    """
    if under_gevent():
        import gevent

        gevent.sleep(0)


def off_the_loop(function: Callable[..., Result], *args: object) -> Result:
    """Call function in a native thread under gevent, so other greenlets run meanwhile.

    Only worth it for C code that releases the GIL (argon2-cffi does); elsewhere it is a
    plain call.
    """
    if not under_gevent():
        return function(*args)
    global _pool  # noqa: PLW0603 - one pool per process, made on first use
    if _pool is None:
        from gevent.threadpool import ThreadPool

        _pool = ThreadPool(NATIVE_THREADS)
    returned, raised = _pool.apply(_outcome, (function, args))
    if raised is not None:
        raise raised
    return returned  # type: ignore[return-value]  # None only when raised is set


def _outcome(function: Callable[..., Result],
             args: tuple[object, ...]) -> tuple[Result | None, Exception | None]:
    # gevent's pool prints the traceback of whatever a task raises before handing it back:
    # every wrong password (argon2 raises on a mismatch) would print one on the console.
    try:
        return function(*args), None
    except Exception as error:  # noqa: BLE001 - raised again in the calling greenlet
        return None, error


def refuse_gevent_websocket() -> None:
    """Refuse to serve when gevent-websocket is installed (Flask-SocketIO's docs suggest it).

    engine.io then hands it every WebSocket, but it needs its own gevent server: under
    gunicorn's gevent worker each display, kiosk and console would get a 500 instead.
    """
    if importlib.util.find_spec("geventwebsocket") is not None:
        raise SettingsError(
            "the gevent-websocket package is installed, and engine.io would hand it every "
            "WebSocket, which gunicorn's gevent worker cannot serve (each would get a 500); "
            "remove it with: pip uninstall gevent-websocket")
