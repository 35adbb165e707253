"""What the kiosk and display pages share: a blueprint serving a front-end folder, safe headers."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response

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
