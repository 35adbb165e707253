"""The WSGI entry point for gunicorn: `queue_server.wsgi:app`."""

from . import create_app
from .collector import tune_for_server

app = create_app()
tune_for_server()
