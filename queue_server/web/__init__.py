"""Server-rendered pages: one blueprint per screen, registered by create_app."""

from __future__ import annotations

from flask import Flask


def register_pages(app: Flask) -> None:
    """Register every page blueprint that exists, and the locale filters of the templates."""
    from importlib import import_module

    from queue_server.core import formats

    # {{ value | number(language) }}: every page formats through the one locale layer.
    app.add_template_filter(formats.number, "number")
    app.add_template_filter(formats.percent, "percent")
    app.add_template_filter(formats.day, "day")

    for name in ("fonts", "catalogue", "login", "start", "kiosk", "display", "counter",
                 "ticket_page", "rating", "dashboard", "admin", "procedures", "offline", "booking",
                 "province"):
        try:
            module = import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as error:
            if error.name != f"{__name__}.{name}":
                raise
            continue
        app.register_blueprint(module.blueprint)
