"""JSON API v1: one blueprint, one module per resource."""

from flask import Blueprint

api = Blueprint("api", __name__, url_prefix="/api/v1")

# One import per line: each resource module registers its routes on `api`.
from queue_server.api import auth
from queue_server.api import counters
from queue_server.api import feedback
from queue_server.api import inbox
from queue_server.api import kiosk
from queue_server.api import lookups
from queue_server.api import near_turn
from queue_server.api import offices
from queue_server.api import openapi
from queue_server.api import printing
from queue_server.api import stats
from queue_server.api import ticket_qr
from queue_server.api import tickets
from queue_server.api import voice

from queue_server.api.common import record_device_seen_after_request

# On every request of the app, Socket.IO events included (they run in a request context too).
api.teardown_app_request(record_device_seen_after_request)
