"""JSON API v1: one blueprint, one module per resource."""

from flask import Blueprint

api = Blueprint("api", __name__, url_prefix="/api/v1")

# One import per line: each resource module registers its routes on `api`.
from . import auth  # noqa: E402,F401
from . import counters  # noqa: E402,F401
from . import feedback  # noqa: E402,F401
from . import inbox  # noqa: E402,F401
from . import kiosk  # noqa: E402,F401
from . import lookups  # noqa: E402,F401
from . import near_turn  # noqa: E402,F401
from . import offices  # noqa: E402,F401
from . import openapi  # noqa: E402,F401
from . import printing  # noqa: E402,F401
from . import stats  # noqa: E402,F401
from . import ticket_qr  # noqa: E402,F401
from . import tickets  # noqa: E402,F401
from . import voice  # noqa: E402,F401

from .common import record_device_seen_after_request  # noqa: E402

# On every request of the app, Socket.IO events included (they run in a request context too).
api.teardown_app_request(record_device_seen_after_request)
