"""GET /healthz for load balancers and GET /metrics for Prometheus (outside /api/v1)."""

from __future__ import annotations

from flask import Blueprint, jsonify

from queue_server.edge import observability

blueprint = Blueprint("operations", __name__)


@blueprint.get("/healthz")
def healthz():
    """200 when the database (and Redis, when configured) answer; 503 naming what failed."""
    body, status = observability.health()
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response, status


@blueprint.get("/metrics")
def metrics():
    """Prometheus' text format, for this machine or the holder of the metrics token."""
    observability.require_metrics_reader()
    return observability.metrics_response()
