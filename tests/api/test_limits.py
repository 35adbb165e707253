"""Request bodies over the limit get 413, and bad input gets a coded 400, never a 500."""

import json

import pytest
from werkzeug.test import EnvironBuilder, run_wsgi_app

from ..conftest import bearer

LIMIT = 64 * 1024
TICKETS = "/api/v1/offices/test-office/tickets"


def test_a_body_over_the_limit_is_413_with_a_coded_error(client, accounts):
    response = client.post(TICKETS, data=b'{"service": "' + b"x" * LIMIT + b'"}',
                           content_type="application/json", headers=bearer(accounts["kiosk"]))
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "body_too_large"


def test_a_view_that_ignores_its_body_still_refuses_a_huge_one(client, accounts):
    response = client.post("/api/v1/offices/test-office/counters/1/recall",
                           data=b"x" * (LIMIT + 1), headers=bearer(accounts["staff1"]))
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "body_too_large"


def test_a_chunked_body_without_length_is_cut_at_the_limit(app):
    environ = EnvironBuilder(path="/api/v1/auth/token", method="POST",
                             data=b'{"username": "' + b"x" * (LIMIT + 10) + b'"}',
                             content_type="application/json").get_environ()
    # What a server hands over for "Transfer-Encoding: chunked": a stream of unknown length.
    del environ["CONTENT_LENGTH"]
    environ.update({"HTTP_TRANSFER_ENCODING": "chunked", "wsgi.input_terminated": True})
    body, status, _headers = run_wsgi_app(app, environ, buffered=True)
    assert status.startswith("413")
    assert json.loads(b"".join(body))["error"]["code"] == "body_too_large"


def test_the_login_form_refuses_a_huge_body(client):
    response = client.post("/login", data={"username": "x", "password": "y" * (LIMIT + 1)})
    assert response.status_code == 413


def test_a_body_at_the_limit_is_read(client, accounts):
    body = b'{"service": "dat-dai"}'
    body += b" " * (LIMIT - len(body))
    response = client.post(TICKETS, data=body, content_type="application/json",
                           headers=bearer(accounts["kiosk"]))
    assert response.status_code == 201


@pytest.mark.parametrize(("body", "code"), [
    (b"{not json", "invalid_json"),
    (b"[1, 2]", "invalid_json"),
    (b'"text"', "invalid_json"),
    (b'{"service": 5}', "invalid_field"),
    (b'{"service": null}', "invalid_field"),
    (b'{"service": "dat-dai", "colour": "red"}', "unknown_field"),
    (b'{"service": "dat-dai", "priority": ["elderly"]}', "invalid_field"),
    (b'{"service": "\\u0000"}', "invalid_field"),
    (b'{"service": "dat-dai", "priority": "a\\u0000b"}', "invalid_field"),
    (b'{"service": "' + "đ".encode() * 300 + b'"}', "unknown_service"),
    (b"\xff\xfe\x00garbage", "invalid_json"),
])
def test_malformed_input_is_a_coded_400(client, accounts, body, code):
    response = client.post(TICKETS, data=body, content_type="application/json",
                           headers=bearer(accounts["kiosk"]))
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == code


@pytest.mark.parametrize("path", ["/api/v1/offices/%00/services", "/api/v1/tickets/a%00b",
                                  "/api/v1/offices/test-office/announcement?number=1%00&counter=1",
                                  "/kiosk/%00"])
def test_a_nul_character_in_the_address_is_a_coded_400(client, path):
    response = client.get(path, headers={"Accept": "application/json"})  # a page's is HTML
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_request"


def test_numbers_the_database_cannot_hold_are_refused(client, accounts):
    huge = 2**64
    assert client.post(f"/api/v1/print-jobs/{huge}/ack", json={"status": "printed"},
                       headers=bearer(accounts["kiosk"])).status_code == 404
    assert client.get(f"/api/v1/offices/test-office/counters/{huge}",
                      headers=bearer(accounts["staff1"])).status_code == 404
    client.post(TICKETS, json={"service": "dat-dai"}, headers=bearer(accounts["kiosk"]))
    client.post("/api/v1/offices/test-office/counters/1/call-next",
                headers=bearer(accounts["staff1"]))
    response = client.post("/api/v1/offices/test-office/counters/1/transfer",
                           json={"counter": huge}, headers=bearer(accounts["staff1"]))
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_field"
