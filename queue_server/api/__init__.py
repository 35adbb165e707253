"""JSON API v1: one blueprint, one module per resource."""

from flask import Blueprint

api = Blueprint("api", __name__, url_prefix="/api/v1")

from . import auth, counters, offices, openapi, tickets  # noqa: E402,F401
