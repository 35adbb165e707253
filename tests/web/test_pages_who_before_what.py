"""Who before what on the pages: every page route outside the API, called without a login
and with an empty, a malformed and a huge form, is refused or answered, never read as input."""

from __future__ import annotations

import re

import pytest

VALUES = {"slug": "test-office", "office": "test-office", "number": "1", "counter": "1",
          "code": "A" * 22, "name": "x", "filename": "x.css", "item": "1", "user_id": "1",
          "device_id": "1", "service": "dat-dai", "priority": "elderly", "username": "staff1"}
BODIES = {"empty": b"", "malformed": b"%%%=&&&\xff", "huge": None}
# Forms anyone may send: their own answer (a bad login is a 400 with the form again).
PUBLIC_FORMS = {("POST", "/login")}


def _routes(app) -> list[tuple[str, str]]:
    found = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(("/api/", "/socket.io")) or rule.endpoint.endswith("static"):
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", lambda match: VALUES.get(match[1], "x"), rule.rule)
        found += [(method, path) for method in sorted(rule.methods - {"HEAD", "OPTIONS", "GET"})]
    return found


@pytest.mark.parametrize("body_kind", sorted(BODIES))
def test_an_anonymous_form_is_refused_before_it_is_read(app, client, body_kind):
    body = BODIES[body_kind]
    if body is None:
        body = b"a=" + b"x" * app.config["MAX_CONTENT_LENGTH"]
    answers = {}
    for method, path in _routes(app):
        response = client.open(path, method=method, data=body,
                               headers={"Content-Type": "application/x-www-form-urlencoded"})
        answers[(method, path)] = response.status_code
    assert len(answers) > 10  # the admin's forms at least
    assert {route: status for route, status in answers.items() if route not in PUBLIC_FORMS
            and status not in (302, 303, 401, 403, 404, 405, 413)} == {}
    assert all(answers[route] < 500 for route in PUBLIC_FORMS)
