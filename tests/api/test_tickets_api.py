"""HTTP API: issuing, reading, the board and the service list."""

import pytest

from ..conftest import bearer, local

TICKETS = "/api/v1/offices/test-office/tickets"


def issue(client, token, service="dat-dai", **extra):
    return client.post(TICKETS, json={"service": service, **extra}, headers=bearer(token))


def test_a_kiosk_issues_a_ticket_with_its_position_and_link(client, accounts):
    response = issue(client, accounts["kiosk"])
    assert response.status_code == 201
    ticket = response.get_json()
    assert ticket["number"] == "1001" and ticket["status"] == "waiting"
    assert ticket["office"] == "test-office" and ticket["service"] == "dat-dai"
    assert ticket["ahead"] == 0 and ticket["estimated_wait_s"] == 0
    assert ticket["issued_at"] == "2026-11-26T09:00:00+07:00"
    assert ticket["track_url"] == f"http://queue.test/t/{ticket['code']}"
    assert len(ticket["code"]) >= 22 and "1001" not in ticket["code"]
    assert set(ticket) >= {"code", "number", "office", "service", "status", "priority", "ahead",
                           "estimated_wait_s", "counter", "issued_at", "called_at",
                           "finished_at", "track_url"}


def test_staff_can_issue_and_priority_is_recorded(client, accounts):
    response = issue(client, accounts["staff1"], priority="elderly")
    assert response.status_code == 201
    assert response.get_json()["priority"] == "elderly"


def test_the_same_idempotency_key_returns_the_same_ticket(client, accounts):
    headers = {**bearer(accounts["kiosk"]), "Idempotency-Key": "tap-123"}
    first = client.post(TICKETS, json={"service": "dat-dai"}, headers=headers).get_json()
    second = client.post(TICKETS, json={"service": "dat-dai"}, headers=headers).get_json()
    assert first["code"] == second["code"]
    other = client.post(TICKETS, json={"service": "dat-dai"}, headers=bearer(accounts["kiosk"]))
    assert other.get_json()["number"] == "1002"


def test_idempotency_keys_are_private_to_each_caller(client, accounts):
    first = client.post(TICKETS, json={"service": "dat-dai"},
                        headers={**bearer(accounts["kiosk"]), "Idempotency-Key": "k"})
    second = client.post(TICKETS, json={"service": "dat-dai"},
                         headers={**bearer(accounts["staff1"]), "Idempotency-Key": "k"})
    assert first.get_json()["code"] != second.get_json()["code"]


@pytest.mark.parametrize("body, code", [
    ({}, "invalid_field"),
    ({"service": 5}, "invalid_field"),
    ({"service": "dat-dai", "priority": 3}, "invalid_field"),
    ({"service": "nope"}, "unknown_service"),
    ({"service": "dat-dai", "priority": "vip"}, "unknown_priority"),
    ({"service": "dat-dai", "colour": "red"}, "unknown_field"),
])
def test_bad_issue_bodies_get_400_with_a_code(client, accounts, body, code):
    response = client.post(TICKETS, json=body, headers=bearer(accounts["kiosk"]))
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == code
    assert response.get_json()["error"]["message"]


@pytest.mark.parametrize("data", [b"{not json", b"[1, 2]", b"\xff\xfe", b'"text"'])
def test_malformed_json_is_400_never_500(client, accounts, data):
    response = client.post(TICKETS, data=data, headers={**bearer(accounts["kiosk"]),
                                                        "Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_json"


def test_an_oversized_body_is_413(client, accounts):
    response = client.post(TICKETS, data=b"{" + b" " * 70000 + b"}",
                           headers={**bearer(accounts["kiosk"]),
                                    "Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "body_too_large"


def test_issue_needs_a_token(client, accounts):
    assert client.post(TICKETS, json={"service": "dat-dai"}).status_code == 401
    bad = client.post(TICKETS, json={"service": "dat-dai"}, headers=bearer("d_nonsense"))
    assert bad.status_code == 401 and bad.get_json()["error"]["code"] == "bad_token"


@pytest.mark.parametrize("who", ["other_kiosk", "display", "otherstaff"])
def test_only_this_offices_kiosks_and_staff_may_issue(client, accounts, who):
    response = issue(client, accounts[who])
    assert response.status_code == 403


def test_an_admin_may_issue_anywhere(client, accounts):
    assert issue(client, accounts["admin1"]).status_code == 201


def test_an_unknown_office_is_404(client, accounts):
    response = client.post("/api/v1/offices/nowhere/tickets", json={"service": "dat-dai"},
                           headers=bearer(accounts["kiosk"]))
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "unknown_office"


def test_issue_when_closed_is_409_saying_when_to_come_back(client, accounts, clock):
    clock.now = local(2026, 11, 26, 12, 0)
    response = issue(client, accounts["kiosk"])
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "office_closed"
    assert "13:30" in error["message"] and "thứ Năm" in error["message"]
    english = client.post(TICKETS, json={"service": "dat-dai"},
                          headers={**bearer(accounts["kiosk"]), "Accept-Language": "en"})
    assert "Please come back at 13:30 on Thursday" in english.get_json()["error"]["message"]


def test_reading_a_ticket_by_code_is_public_and_unknown_codes_are_404(client, accounts):
    code = issue(client, accounts["kiosk"]).get_json()["code"]
    ticket = client.get(f"/api/v1/tickets/{code}")
    assert ticket.status_code == 200 and ticket.get_json()["number"] == "1001"
    assert client.get("/api/v1/tickets/unknown-code").status_code == 404
    assert client.get("/api/v1/tickets/" + "x" * 500).status_code == 404


def test_the_service_list_shows_queues_and_forecasts(client, accounts):
    for _ in range(3):
        issue(client, accounts["kiosk"])
    services = {s["code"]: s for s in client.get(
        "/api/v1/offices/test-office/services").get_json()}
    assert services["dat-dai"]["waiting"] == 3 and services["dat-dai"]["is_open"]
    # Two counters, ten minutes each: a fourth citizen waits one round after two are served.
    assert services["dat-dai"]["estimated_wait_s"] == 600
    assert services["tu-phap"] == {**services["tu-phap"], "waiting": 0, "estimated_wait_s": 0}
    assert client.get("/api/v1/offices/nowhere/services").status_code == 404


def test_the_service_list_says_closed_outside_hours(client, clock):
    clock.now = local(2026, 11, 28, 9, 0)
    services = client.get("/api/v1/offices/test-office/services").get_json()
    assert not any(s["is_open"] for s in services)


def test_the_board_shows_serving_recent_calls_and_waiting(client, accounts):
    for _ in range(2):
        issue(client, accounts["kiosk"])
    client.post("/api/v1/offices/test-office/counters/2/call-next",
                headers=bearer(accounts["staff1"]))
    board = client.get("/api/v1/offices/test-office/board").get_json()
    assert board["office"] == "test-office"
    assert board["now_serving"] == [{"counter": 2, "number": "1001", "service": "dat-dai",
                                     "called_at": "2026-11-26T09:00:00+07:00"}]
    assert board["recent_calls"][0]["number"] == "1001"
    assert board["waiting"] == {"dat-dai": 1, "tu-phap": 0, "tra-ket-qua": 0}


def test_priorities_and_offices_are_listed(client):
    priorities = client.get("/api/v1/offices/test-office/priorities").get_json()
    assert [p["code"] for p in priorities] == ["elderly", "disability"]
    slugs = [o["slug"] for o in client.get("/api/v1/offices").get_json()]
    assert slugs == ["other-office", "test-office"]


def test_unknown_paths_and_methods_get_json_errors(client):
    missing = client.get("/api/v1/nothing-here")
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"
    wrong = client.delete("/api/v1/offices/test-office/board")
    assert wrong.status_code == 405
    assert wrong.get_json()["error"]["code"] == "method_not_allowed"


def test_staff_can_cancel_a_waiting_ticket(client, accounts):
    code = issue(client, accounts["kiosk"]).get_json()["code"]
    assert client.post(f"/api/v1/tickets/{code}/cancel").status_code == 401
    other = client.post(f"/api/v1/tickets/{code}/cancel", headers=bearer(accounts["otherstaff"]))
    assert other.status_code == 403
    done = client.post(f"/api/v1/tickets/{code}/cancel", headers=bearer(accounts["staff1"]))
    assert done.status_code == 200 and done.get_json()["status"] == "cancelled"
    again = client.post(f"/api/v1/tickets/{code}/cancel", headers=bearer(accounts["staff1"]))
    assert again.status_code == 409


@pytest.mark.parametrize("code", ["abc\x00def", "a b", "x" * 65, "", "é" * 10])
def test_a_code_that_cannot_be_one_is_never_looked_up(app, code):
    from queue_server.tickets.queue_state import find_ticket

    with app.extensions["queue"].sessions() as session:
        # PostgreSQL would raise on the NUL; no query is made at all.
        assert find_ticket(session, code) is None
