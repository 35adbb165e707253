"""The WSGI entry point for gunicorn: `queue_server.wsgi:app`."""

from . import create_app

app = create_app()
