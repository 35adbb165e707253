"""Who before what: every route of the OpenAPI document, called without credentials.

A route the document marks as secured answers 401 whatever the body (none, empty, malformed
or over the size limit): the caller is known before the body is read. A public route gives
its own answer, never a 401 and never a 500.
"""

from __future__ import annotations

import pytest

from ..conftest import bearer

UNKNOWN_CODE = "A" * 22
PATH_VALUES = {"office": "test-office", "counter": "1", "code": UNKNOWN_CODE, "item": "1",
               "job_id": "1"}


class _Values(dict):
    """The values above; any other path parameter (a new route's) gets a plain word."""

    def __missing__(self, name: str) -> str:
        return "x1"


def _operations(client) -> list[tuple[str, str, bool]]:
    spec = client.get("/api/v1/openapi.json").get_json()
    found = []
    for path, operations in spec["paths"].items():
        url = path.format_map(_Values(PATH_VALUES))
        for method, operation in operations.items():
            found.append((method.upper(), url, "security" in operation))
    return sorted(found)


def _bodies(limit: int) -> dict[str, dict]:
    json_type = {"Content-Type": "application/json"}
    return {
        "no body": {},
        "empty body": {"data": b"", "headers": json_type},
        "malformed body": {"data": b'{"service": ', "headers": json_type},
        "huge body": {"data": b'{"x": "' + b"x" * limit + b'"}', "headers": json_type},
    }


def test_the_walk_covers_secured_and_public_routes(client):
    operations = _operations(client)
    assert sum(secured for *_rest, secured in operations) >= 30
    assert sum(not secured for *_rest, secured in operations) >= 10


@pytest.mark.parametrize("body_kind", ["no body", "empty body", "malformed body", "huge body"])
def test_an_anonymous_caller_meets_401_before_the_body_is_read(app, client, body_kind):
    body = _bodies(app.config["MAX_CONTENT_LENGTH"])[body_kind]
    wrong = []
    for method, url, secured in _operations(client):
        response = client.open(url, method=method, **body)
        if secured and response.status_code != 401:
            wrong.append((method, url, response.status_code))
        elif secured and response.get_json()["error"]["code"] != "missing_token":
            wrong.append((method, url, response.get_json()["error"]["code"]))
        elif not secured and (response.status_code == 401 or response.status_code >= 500):
            wrong.append((method, url, response.status_code))
    assert wrong == []


def test_a_bad_token_is_refused_before_a_malformed_body(client):
    response = client.post("/api/v1/offices/test-office/counters/1/call",
                           data=b"{", headers={**bearer("not-a-token"),
                                               "Content-Type": "application/json"})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "bad_token"


@pytest.mark.parametrize("action", ["call", "pause", "transfer"])
def test_staff_of_another_office_meet_403_before_a_malformed_body(client, accounts, action):
    response = client.post(f"/api/v1/offices/test-office/counters/1/{action}",
                           data=b"{", headers={**bearer(accounts["otherstaff"]),
                                               "Content-Type": "application/json"})
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "wrong_office"


def test_staff_of_the_office_still_get_the_body_error(client, accounts):
    response = client.post("/api/v1/offices/test-office/counters/1/pause",
                           data=b"{", headers={**bearer(accounts["staff1"]),
                                               "Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_json"


def test_a_public_route_marked_public_in_code_is_documented_as_public(app, client):
    from queue_server.edge.guard import is_public

    documented = {(method, url): secured for method, url, secured in _operations(client)}
    adapter = app.url_map.bind("queue.test")
    for (method, url), secured in documented.items():
        endpoint, _args = adapter.match(url, method=method)
        assert is_public(app.view_functions[endpoint]) is (not secured), (method, url)
