"""Queue and ticketing server for Vietnamese public-service reception desks."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, cast

from flask import Flask
from flask.json.provider import DefaultJSONProvider
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from queue_server.core import hardening
from queue_server.core.clock import utc_now
from queue_server.core.db import make_engine, make_session_factory
from queue_server.core.extensions import socketio
from queue_server.core.greenlets import refuse_gevent_websocket
from queue_server.core.i18n import load_catalogues
from queue_server.core.messaging import client_manager
from queue_server.core.settings import Settings, load_settings


@dataclass
class AppState:
    """What the app shares between requests: settings, database and the clock."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    clock: Callable[[], datetime] = utc_now


AsyncMode = Literal["threading", "gevent"]


def create_app(settings: Settings | None = None, *,
               async_mode: AsyncMode | None = None) -> Flask:
    """Build the Flask app: settings, database, Socket.IO, blueprints, error handlers."""
    settings = settings or load_settings()
    load_catalogues()
    logging.basicConfig(level=settings.log_level,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = Flask(__name__, static_folder="static")
    app.config.update(SECRET_KEY=settings.secret_key, MAX_CONTENT_LENGTH=settings.max_body_bytes,
                      TESTING=settings.testing)
    json = cast(DefaultJSONProvider, app.json)  # Flask's default, with its two switches
    json.ensure_ascii = False
    json.sort_keys = False
    engine = make_engine(settings.database_url, background_checkpoints=not settings.testing)
    app.extensions["queue"] = AppState(settings, engine, make_session_factory(engine))
    manager = client_manager(settings.redis_url, settings.redis_channel)
    options = {"client_manager": manager} if manager else {}
    socketio.init_app(app, async_mode=async_mode or _async_mode(),
                      cors_allowed_origins=[], max_http_buffer_size=settings.max_body_bytes,
                      **options)
    _socketio_only_on_its_path(app)
    _identify_callers_first(app)
    hardening.install(app, settings.trusted_proxies)
    _register(app)
    if not settings.testing:
        socketio.start_background_task(_housekeeping, app)
        _start_outbox(app)
    return app


def _identify_callers_first(app: Flask) -> None:
    """Who before what: the API's caller check runs before every other hook of the app."""
    from queue_server.edge import observability
    from queue_server.edge.guard import identify_caller

    observability.install(app)
    app.before_request(identify_caller)


def _socketio_only_on_its_path(app: Flask) -> None:
    """Send only Socket.IO's own path through engine.io's middleware; the rest go straight on.

    For every request that middleware copies the environ and defines a class (a shim for
    eventlet under gunicorn): time on every ticket, and cyclic garbage for the collector.
    """
    middleware: Any = app.wsgi_app  # engine.io's middleware, installed by init_app
    pages, prefix = middleware.wsgi_app, middleware.engineio_path

    def route(environ: dict, start_response: Any) -> Any:
        if environ.get("PATH_INFO", "").startswith(prefix):
            # Every browser offers permessage-deflate and simple-websocket accepts it: a
            # zlib compressor per WebSocket (2,000 screens: 485 MB instead of 231 MB) and
            # each broadcast compressed once per screen, for messages of a few hundred
            # bytes on a LAN. Declining is part of the protocol; frames go uncompressed.
            environ.pop("HTTP_SEC_WEBSOCKET_EXTENSIONS", None)
            return middleware(environ, start_response)
        return pages(environ, start_response)

    app.wsgi_app = route  # type: ignore[method-assign]


def _housekeeping(app: Flask) -> None:
    """Close earlier days' leftovers now and every ten minutes (each process; idempotent)."""
    from queue_server.models import Office
    from queue_server.tickets.daily import close_previous_days

    state = app.extensions["queue"]
    while True:
        try:
            with state.sessions() as session:
                # In id order: at commit each office's version row is locked in turn, and
                # two processes doing this at once must take them in the same order.
                for office in session.query(Office).filter(Office.is_active).order_by(Office.id):
                    close_previous_days(session, office, state.clock())
                session.commit()
        except Exception:  # a database outage must not kill the loop
            logging.getLogger(__name__).warning("housekeeping failed", exc_info=True)
        _forget_phone_numbers(app)
        _apply_retention(app)
        _sweep_webhook(app)
        _booking_round(app)
        socketio.sleep(600)


def _start_outbox(app: Flask) -> None:
    """Send what the outbox holds, from before a restart too (when a channel is configured)."""
    from queue_server.realtime.outbox_worker import worker_of

    worker = worker_of(app)
    if worker.channels:
        worker.start()


def _forget_phone_numbers(app: Flask) -> None:
    """Phone numbers given for messages go once past their office's retention."""
    from queue_server.realtime.citizen_messages import forget_phone_numbers

    try:
        forget_phone_numbers(app)
    except Exception:  # retried at the next round
        logging.getLogger(__name__).warning("phone number retention failed", exc_info=True)


def _apply_retention(app: Flask) -> None:
    """Comments, client addresses and citizen hashes go past their office's retention."""
    from queue_server.privacy.retention import apply_retention

    state = app.extensions["queue"]
    try:
        with state.sessions() as session:
            removed = apply_retention(session, state.clock())
            session.commit()
        if any(vars(removed).values()):
            logging.getLogger(__name__).info("retention removed %s", removed)
    except Exception:  # retried at the next round
        logging.getLogger(__name__).warning("personal data retention failed", exc_info=True)


def _sweep_webhook(app: Flask) -> None:
    """Queue the webhook's events that a crash or the end-of-day close left without a row."""
    from queue_server.realtime.webhooks import sweep

    try:
        sweep(app)
    except Exception:  # retried at the next round
        logging.getLogger(__name__).warning("webhook sweep failed", exc_info=True)


def _booking_round(app: Flask) -> None:
    """No-shows, reminders and the phones of past bookings (docs/booking.md)."""
    from queue_server.realtime.citizen_messages import booking_round

    try:
        booking_round(app)
    except Exception:  # retried at the next round
        logging.getLogger(__name__).warning("booking round failed", exc_info=True)


def _async_mode() -> AsyncMode:
    # gunicorn's gevent worker patches the standard library before loading the app.
    try:
        from gevent import monkey
    except ImportError:
        return "threading"
    if not monkey.is_module_patched("socket"):
        return "threading"
    refuse_gevent_websocket()
    return "gevent"


def _register(app: Flask) -> None:
    # The edges load here, not at the top: importing any queue_server module stays light.
    from queue_server.api import api, operations
    from queue_server.api.errors import register_error_handlers
    from queue_server.realtime import broadcasts
    from queue_server.web import register_pages
    from queue_server.web.error_pages import error_page

    app.register_blueprint(api)
    app.register_blueprint(operations.blueprint)
    register_pages(app)
    register_error_handlers(app, page=error_page)
    broadcasts.register(socketio)
    app.teardown_appcontext(_close_session)


def _close_session(_error: BaseException | None) -> None:
    from flask import g

    session = g.pop("db_session", None)
    if session is not None:
        session.close()
