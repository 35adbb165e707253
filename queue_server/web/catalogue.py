"""The message catalogue as JSON, so the screens' scripts read the same texts as the server."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify

from queue_server.core.i18n import LANGUAGES, catalogue_json

blueprint = Blueprint("catalogue", __name__)

# Texts change only with a new release; screens may keep them for an hour.
MAX_AGE_S = 3600


@blueprint.get("/i18n/<language>.json")
def catalogue(language: str):
    """{"messages": {key: text}, "<page>": {key: text}, …} of one language; 404 for others."""
    if language not in LANGUAGES:
        abort(404)
    response = jsonify(catalogue_json(language))
    response.headers["Cache-Control"] = f"public, max-age={MAX_AGE_S}"
    return response
