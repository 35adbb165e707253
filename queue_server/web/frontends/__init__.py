"""The kiosk and display front-ends: where their files are, and a blueprint serving one.

The folders live at the top of the repository (`kiosk/`, `display/`); the links beside this
module make them package data of the server, so an installed server carries them along.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response

KIOSK_ROOT = Path(__file__).parent / "kiosk"
DISPLAY_ROOT = Path(__file__).parent / "display"

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'")


def frontend_blueprint(name: str, root: Path, referrer_policy: str = "same-origin") -> Blueprint:
    """A blueprint for a front-end package (templates/, static/): no framing, no foreign code."""
    blueprint = Blueprint(name, f"queue_server.web.{name}",
                          template_folder=str(root / "templates"),
                          static_folder=str(root / "static"), static_url_path=f"/assets/{name}")

    @blueprint.after_request
    def page_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers["Referrer-Policy"] = referrer_policy
        if response.mimetype == "text/html":
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    return blueprint
