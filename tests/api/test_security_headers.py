"""Security headers on every response, no inline code in any template, safe cookies."""

import re
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest

from queue_server import create_app

from ..conftest import bearer

PAGES = ["/login", "/kiosk/test-office", "/display/test-office", "/kiosk/nowhere",
         "/display/nowhere", "/counter", "/logout", "/admin", "/admin/offices/test-office",
         "/dashboard", "/dashboard/test-office"]
# Pages only a logged-in visitor sees (the ones above send an anonymous visitor to log in):
# (who, path), each answered 200.
LOGGED_IN_PAGES = [("admin1", "/admin"), ("admin1", "/dashboard"),
                   ("manager1", "/admin/offices/test-office"),
                   ("manager1", "/admin/offices/test-office/services"),
                   ("manager1", "/admin/audit"), ("manager1", "/dashboard/test-office"),
                   ("manager1", "/dashboard/test-office/officers"),
                   ("staff1", "/counter/test-office"), ("staff1", "/counter/test-office/1")]
API = ["/api/v1/offices", "/api/v1/offices/test-office/board", "/api/v1/openapi.json",
       "/api/v1/offices/nowhere/services", "/api/v1/no-such-thing", "/api/v1/tickets/nope"]
OTHER = ["/fonts/be-vietnam-pro.css", "/web-static/common.css", "/assets/kiosk/kiosk.js",
         "/static/vendor/socket.io.min.js", "/no-such-page"]


def issued_code(client, accounts) -> str:
    response = client.post("/api/v1/offices/test-office/tickets", json={"service": "dat-dai"},
                           headers=bearer(accounts["kiosk"]))
    return response.get_json()["code"]


def assert_hardened(response) -> None:
    headers = response.headers
    policy = headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] in {"same-origin", "no-referrer"}
    assert headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("path", PAGES + API + OTHER)
def test_every_response_carries_the_security_headers(client, accounts, path):
    with client.get(path) as response:
        assert_hardened(response)


def _logged_in(app, username: str):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    answer = client.post("/login", data={"username": username,
                                         "password": "correct-horse-battery",
                                         "csrf_token": token})
    assert answer.status_code == 302
    return client


@pytest.mark.parametrize("username, path", LOGGED_IN_PAGES)
def test_pages_behind_the_login_carry_the_security_headers(app, accounts, username, path):
    with _logged_in(app, username).get(path) as response:
        assert response.status_code == 200
        assert_hardened(response)


def test_ticket_images_errors_and_posts_carry_them_too(client, accounts):
    code = issued_code(client, accounts)
    for response in [client.get(f"/api/v1/tickets/{code}/qr.svg"),
                     client.get(f"/api/v1/tickets/{code}/slip.png"),
                     client.post("/api/v1/auth/token", data="{not json"),
                     client.delete("/api/v1/offices"),
                     client.post("/api/v1/offices/test-office/counters/1/recall")]:
        assert response.status_code < 500
        assert_hardened(response)


def test_an_internal_error_is_coded_json_with_the_headers(settings, clock):
    app = create_app(settings, async_mode="threading")

    @app.get("/api/v1/explode")
    def explode():
        raise RuntimeError("boom")

    response = app.test_client().get("/api/v1/explode")
    assert response.status_code == 500
    assert response.get_json()["error"]["code"] == "internal_error"
    assert "boom" not in response.get_data(as_text=True)
    assert_hardened(response)
    app.extensions["queue"].engine.dispose()


def test_pages_keep_their_own_policy_for_websockets(client):
    assert "connect-src 'self' ws: wss:" in client.get(
        "/kiosk/test-office").headers["Content-Security-Policy"]
    assert client.get("/kiosk/test-office").headers["Referrer-Policy"] == "no-referrer"


def test_api_answers_are_never_stored_by_caches(client, accounts):
    response = client.post("/api/v1/auth/token",
                           json={"username": "staff1", "password": "correct-horse-battery"})
    assert response.headers["Cache-Control"] == "no-store"
    # Voice and QR answers choose their own caching.
    assert "public" in client.get("/api/v1/chime.wav").headers.get("Cache-Control", "public")


def test_https_requests_get_strict_transport_security(client):
    assert "Strict-Transport-Security" not in client.get("/api/v1/offices").headers
    secure = client.get("/api/v1/offices", base_url="https://queue.test")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")


class _InlineCodeFinder(HTMLParser):
    """Collects script blocks without src, on* handlers, style attributes, javascript: URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        names = dict(attrs)
        if tag == "script" and "src" not in names and names.get("type") != "application/json":
            self.problems.append(f"inline <script> {names}")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
            if name == "style":
                self.problems.append(f"<{tag} style=…> (blocked by the CSP)")
            if value and re.match(r"\s*javascript:", value, re.IGNORECASE):
                self.problems.append(f"<{tag} {name}=javascript:…>")


def test_no_template_has_inline_script_handlers_or_styles(app):
    names = app.jinja_env.list_templates(extensions=["html"])
    assert len(names) >= 10  # every blueprint's templates, including future screens
    problems = {}
    for name in names:
        source, _, _ = app.jinja_env.loader.get_source(app.jinja_env, name)
        finder = _InlineCodeFinder()
        finder.feed(source)
        if finder.problems:
            problems[name] = finder.problems
    assert problems == {}


def _script_files(app) -> list[Path]:
    folders = {Path(app.static_folder)} | {
        Path(blueprint.static_folder) for blueprint in app.blueprints.values()
        if blueprint.static_folder}
    return sorted(path for folder in folders for path in folder.rglob("*.js")
                  if "vendor" not in path.parts)


DANGEROUS_JS = re.compile(r"\.innerHTML|\.outerHTML|insertAdjacentHTML|document\.write|"
                          r"\beval\(|new Function\(|setAttribute\(\s*['\"]on")


def test_our_scripts_never_write_html_from_data(app):
    scripts = _script_files(app)
    assert len(scripts) >= 6
    offenders = {path.name: DANGEROUS_JS.findall(path.read_text()) for path in scripts}
    assert {name: found for name, found in offenders.items() if found} == {}


def _session_cookie(response) -> str:
    return next(header for header in response.headers.getlist("Set-Cookie")
                if header.startswith("queue_session="))


def test_the_session_cookie_is_http_only_and_same_site_lax(client):
    cookie = _session_cookie(client.get("/login"))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_the_session_cookie_is_secure_when_the_request_came_over_https(client):
    assert "Secure" in _session_cookie(client.get("/login", base_url="https://queue.test"))


def test_the_session_cookie_is_secure_when_the_public_url_is_https(settings, clock):
    app = create_app(replace(settings, public_url="https://queue.example.gov.vn"),
                     async_mode="threading")
    assert "Secure" in _session_cookie(app.test_client().get("/login"))
    app.extensions["queue"].engine.dispose()


def test_behind_a_trusted_proxy_https_is_read_from_x_forwarded_proto(settings, clock):
    app = create_app(replace(settings, trusted_proxies=1), async_mode="threading")
    response = app.test_client().get("/login", headers={"X-Forwarded-Proto": "https",
                                                        "X-Forwarded-For": "10.0.0.8"})
    assert "Secure" in _session_cookie(response)
    assert "Strict-Transport-Security" in response.headers
    app.extensions["queue"].engine.dispose()
