"""The WSGI entry point for gunicorn: `queue_server.wsgi:app`."""

from queue_server import create_app
from queue_server.core.collector import tune_for_server
from queue_server.core.extensions import socketio

app = create_app()
tune_for_server(socketio.start_background_task, socketio.sleep)  # type: ignore[arg-type]  # stub: int
