"""The touch kiosk front-end: templates, plain JavaScript and CSS (served by queue_server.web)."""

from pathlib import Path

ROOT = Path(__file__).parent
