"""The WSGI entry point for gunicorn: `queue_server.wsgi:app`."""

from . import create_app
from .collector import tune_for_server
from .extensions import socketio

app = create_app()
tune_for_server(socketio.start_background_task, socketio.sleep)
