"""Screens that survive the network: a service worker keeps the kiosk, TV and console pages.

The pages include templates/offline.hook.html (one line each); its script registers the worker
at /service-worker.js (the root, so that it may serve every screen's page) and shows the
"mất kết nối" state while the server cannot be reached.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, send_from_directory

from queue_server.core.i18n import LANGUAGES, page_texts

FILES = Path(__file__).parent / "offline_files"
SCREENS = ("kiosk", "display", "counter")

blueprint = Blueprint("offline", __name__, static_folder=str(FILES),
                      static_url_path="/assets/offline")


@blueprint.get("/service-worker.js")
def service_worker() -> Response:
    """The worker script; never cached by the browser's HTTP cache, so updates arrive."""
    response = send_from_directory(FILES, "service-worker.js", mimetype="text/javascript",
                                   max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@blueprint.app_template_global()
def offline_texts(screen: str) -> dict[str, dict[str, str]]:
    """The offline state's texts for one screen, in every language."""
    if screen not in SCREENS:
        raise ValueError(f"unknown screen {screen!r}")
    texts = {}
    for language in LANGUAGES:
        shared = page_texts("offline", language)
        texts[language] = {"title": shared[f"{screen}Title"], "text": shared[f"{screen}Text"],
                           "retrying": shared["retrying"], "since": shared["since"]}
    return texts
