"""JSON API v1: one blueprint, one module per resource."""

from flask import Blueprint

api = Blueprint("api", __name__, url_prefix="/api/v1")

# One import per line: each resource module registers its routes on `api`.
from queue_server.api import auth  # noqa: E402,F401
from queue_server.api import counters  # noqa: E402,F401
from queue_server.api import feedback  # noqa: E402,F401
from queue_server.api import inbox  # noqa: E402,F401
from queue_server.api import kiosk  # noqa: E402,F401
from queue_server.api import lookups  # noqa: E402,F401
from queue_server.api import near_turn  # noqa: E402,F401
from queue_server.api import offices  # noqa: E402,F401
from queue_server.api import openapi  # noqa: E402,F401
from queue_server.api import printing  # noqa: E402,F401
from queue_server.api import stats  # noqa: E402,F401
from queue_server.api import ticket_qr  # noqa: E402,F401
from queue_server.api import tickets  # noqa: E402,F401
from queue_server.api import voice  # noqa: E402,F401

from queue_server.api.common import record_device_seen_after_request  # noqa: E402

# On every request of the app, Socket.IO events included (they run in a request context too).
api.teardown_app_request(record_device_seen_after_request)
