"""Health and metrics: what a load balancer and Prometheus ask the server.

Request latencies and Socket.IO connections are counted in each process with the official
client library; under gunicorn with several workers set PROMETHEUS_MULTIPROC_DIR (before the
server starts) and any worker's scrape adds up every worker's files. Ticket and print figures
are read from the database at each scrape (see reports.live_figures).
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any

from flask import Flask, Response, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import text
from sqlalchemy.orm import Session

from queue_server.core.errors import Unauthorized
from queue_server.core.request_context import state
from queue_server.notify.office_messages import CHANNELS
from queue_server.reports import live_figures

log = logging.getLogger(__name__)

# This process's own metrics; a scrape adds the database's figures to them.
PROCESS_REGISTRY = CollectorRegistry(auto_describe=True)
REQUEST_SECONDS = Histogram(
    "queue_http_request_duration_seconds", "Time to answer an HTTP request, by route",
    ["route", "method"], registry=PROCESS_REGISTRY,
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0))
REQUESTS = Counter("queue_http_requests", "HTTP requests answered, by route and status",
                   ["route", "method", "status"], registry=PROCESS_REGISTRY)
SOCKETS = Gauge("queue_socketio_connections", "Socket.IO clients connected now",
                registry=PROCESS_REGISTRY, multiprocess_mode="livesum")
REDIS_TIMEOUT_S = 1.0
UNMATCHED_ROUTE = "unmatched"


def install(app: Flask) -> None:
    """Time every request (first hook of the app, so refusals are timed too)."""
    app.before_request(_start_timer)
    app.after_request(_observe)


def _start_timer() -> None:
    g.request_started = time.perf_counter()


def _observe(response: Response) -> Response:
    started = g.pop("request_started", None)
    if started is not None:
        route = request.url_rule.rule if request.url_rule is not None else UNMATCHED_ROUTE
        REQUEST_SECONDS.labels(route, request.method).observe(time.perf_counter() - started)
        REQUESTS.labels(route, request.method, str(response.status_code)).inc()
    return response


def socket_connected() -> None:
    """Count a Socket.IO client in."""
    SOCKETS.inc()


def socket_disconnected() -> None:
    """Count a Socket.IO client out."""
    SOCKETS.dec()


# --- /healthz ---------------------------------------------------------------------------

def health() -> tuple[dict[str, str], int]:
    """{"status", "database", "redis"} and 200, or 503 naming the part that failed."""
    app_state = state()
    parts = {"database": _database_state(app_state.engine),
             "redis": _redis_state(app_state.settings.redis_url)}
    is_ok = all(value in ("ok", "disabled") for value in parts.values())
    return {"status": "ok" if is_ok else "unavailable", **parts}, 200 if is_ok else 503


def _database_state(engine: Any) -> str:
    try:
        with engine.connect() as connection:
            # DEFERRED: a health check never queues for SQLite's write lock.
            connection.execution_options(sqlite_begin="DEFERRED").execute(text("SELECT 1"))
    except Exception as error:  # noqa: BLE001 - any failure to answer is the answer
        log.warning("health: database unreachable: %s", error)
        return "unreachable"
    return "ok"


def _redis_state(url: str | None) -> str:
    if not url:
        return "disabled"
    clients: dict[str, Any] = current_app.extensions.setdefault("queue_health_redis", {})
    if url not in clients:
        import redis

        clients[url] = redis.Redis.from_url(url, socket_timeout=REDIS_TIMEOUT_S,
                                            socket_connect_timeout=REDIS_TIMEOUT_S)
    try:
        clients[url].ping()
    except Exception as error:  # noqa: BLE001 - refused, timed out, bad password: all down
        log.warning("health: redis unreachable: %s", error)
        return "unreachable"
    return "ok"


# --- /metrics ---------------------------------------------------------------------------

def require_metrics_reader() -> None:
    """The machine itself, or a caller with the configured metrics token; 401 otherwise."""
    if _is_loopback(request.remote_addr):
        return
    expected = state().settings.metrics_token
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("missing_token")
    if not expected or not hmac.compare_digest(expected.encode(), token.strip().encode()):
        raise Unauthorized("bad_token")


def _is_loopback(address: str | None) -> bool:
    try:
        return address is not None and ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def metrics_response() -> Response:
    """Every metric in Prometheus' text format."""
    app_state = state()
    registry = CollectorRegistry(auto_describe=False)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry.register(_Forward(PROCESS_REGISTRY))
    registry.register(DatabaseFigures(app_state.sessions, app_state.clock))
    return Response(generate_latest(registry), content_type=CONTENT_TYPE_LATEST,
                    headers={"Cache-Control": "no-store"})


class _Forward(Collector):
    """One process's registry inside the scrape's registry."""

    def __init__(self, source: CollectorRegistry) -> None:
        self._source = source

    def collect(self) -> Iterator[Any]:
        return iter(self._source.collect())


class DatabaseFigures(Collector):
    """Today's tickets, the print backlog and the outbox backlog, read at scrape time."""

    def __init__(self, sessions: Callable[[], AbstractContextManager[Session]],
                 clock: Callable[[], datetime]) -> None:
        self._sessions, self._clock = sessions, clock

    def collect(self) -> Iterator[GaugeMetricFamily]:
        with self._sessions() as session:
            session.connection(execution_options={"sqlite_begin": "DEFERRED"})
            days = live_figures.service_days(session, self._clock())
            unprinted = live_figures.unprinted_jobs(session)
            unsent = live_figures.outbox_backlog(session)
        labels = ["office", "service"]
        families = {
            name: GaugeMetricFamily(f"queue_tickets_{name}_today", text, labels=labels)
            for name, text in (
                ("issued", "Tickets issued today (office's local day)"),
                ("called", "Tickets of today called at least once"),
                ("finished", "Tickets of today served"),
                ("no_show", "Tickets of today marked absent"))}
        waiting = GaugeMetricFamily("queue_waiting", "Tickets waiting now", labels=labels)
        for day in days:
            key = [day.office, day.service]
            families["issued"].add_metric(key, day.issued)
            families["called"].add_metric(key, day.called)
            families["finished"].add_metric(key, day.finished)
            families["no_show"].add_metric(key, day.no_show)
            waiting.add_metric(key, day.waiting)
        jobs = GaugeMetricFamily("queue_print_jobs_pending",
                                 "Print jobs not yet printed (pending or sent)", labels=["office"])
        # Every office, 0 included: a dashboard shows "0", not "no data".
        offices = {day.office for day in days}
        for office in sorted(offices | set(unprinted)):
            jobs.add_metric([office], unprinted.get(office, 0))
        backlog = GaugeMetricFamily("queue_outbox_backlog",
                                    "Messages to citizens queued or being sent, not yet sent",
                                    labels=["office", "channel"])
        # Every office and channel, 0 included, as for the print backlog.
        keys = {(office, channel) for office in offices for channel in CHANNELS} | set(unsent)
        for office, channel in sorted(keys):
            backlog.add_metric([office, channel], unsent.get((office, channel), 0))
        yield from families.values()
        yield waiting
        yield jobs
        yield backlog
