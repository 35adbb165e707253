"""HTTP API: counter actions, roles, and the errors an officer can meet."""

from datetime import timedelta

import pytest

from queue_server.tickets.queue_state import find_office

from ..conftest import bearer

OFFICE = "/api/v1/offices/test-office"
COUNTER = OFFICE + "/counters/1"


def issue(client, accounts, service="dat-dai", **extra):
    response = client.post(OFFICE + "/tickets", json={"service": service, **extra},
                           headers=bearer(accounts["kiosk"]))
    return response.get_json()


def act(client, token, action, counter=1, **kwargs):
    return client.post(f"{OFFICE}/counters/{counter}/{action}", headers=bearer(token), **kwargs)


def test_call_next_calls_the_oldest_ticket_then_204_when_empty(client, accounts):
    first = issue(client, accounts)
    called = act(client, accounts["staff1"], "call-next")
    assert called.status_code == 200
    assert called.get_json()["code"] == first["code"]
    assert called.get_json()["status"] == "called" and called.get_json()["counter"] == 1
    empty = act(client, accounts["staff1"], "call-next")
    assert empty.status_code == 204 and empty.data == b""


def test_a_double_click_with_one_key_calls_once(client, accounts):
    issue(client, accounts)
    issue(client, accounts)
    headers = {**bearer(accounts["staff1"]), "Idempotency-Key": "press-1"}
    one = client.post(COUNTER + "/call-next", headers=headers).get_json()
    two = client.post(COUNTER + "/call-next", headers=headers).get_json()
    assert one["number"] == two["number"] == "1001"
    board = client.get(OFFICE + "/board").get_json()
    assert board["waiting"]["dat-dai"] == 1


def test_recall_finish_and_no_show_act_on_the_current_ticket(client, accounts):
    issue(client, accounts)
    issue(client, accounts)
    token = accounts["staff1"]
    act(client, token, "call-next")
    assert act(client, token, "finish").get_json()["status"] == "done"
    act(client, token, "call-next")
    early = act(client, token, "no-show")
    assert early.status_code == 409
    assert early.get_json()["error"]["code"] == "recall_before_no_show"
    recalled = act(client, token, "recall").get_json()
    assert recalled["recall_count"] == 1
    assert act(client, token, "no-show").get_json()["status"] == "no_show"


@pytest.mark.parametrize("action", ["recall", "finish", "no-show"])
def test_actions_without_a_current_ticket_are_409(client, accounts, action):
    response = act(client, accounts["staff1"], action)
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "no_current_ticket"


def test_transfer_to_a_service_and_bad_transfers(client, accounts):
    issue(client, accounts)
    token = accounts["staff1"]
    act(client, token, "call-next")
    assert act(client, token, "transfer", json={}).status_code == 400
    unknown = act(client, token, "transfer", json={"service": "nope"})
    assert unknown.status_code == 400
    assert unknown.get_json()["error"]["code"] == "unknown_service"
    moved = act(client, token, "transfer", json={"service": "tu-phap"})
    assert moved.status_code == 200
    assert moved.get_json()["service"] == "tu-phap" and moved.get_json()["status"] == "waiting"
    assert act(client, token, "call-next", counter=3).get_json()["number"] == "1001"


def test_call_a_specific_number(client, accounts):
    for _ in range(3):
        issue(client, accounts)
    token = accounts["staff1"]
    called = act(client, token, "call", json={"number": "1003"})
    assert called.status_code == 200 and called.get_json()["number"] == "1003"
    assert act(client, token, "call", json={"number": "1999"}).status_code == 404
    assert act(client, token, "call", counter=2, json={"number": "1003"}).status_code == 409
    assert act(client, token, "call", json={"number": 1003}).status_code == 400


def test_pause_and_resume(client, accounts):
    token = accounts["staff1"]
    assert act(client, token, "pause", json={}).status_code == 400
    paused = act(client, token, "pause", json={"reason": "Họp"})
    assert paused.status_code == 200 and paused.get_json()["is_paused"]
    assert client.get(OFFICE + "/board").get_json()["counters"][0]["is_paused"]
    resumed = act(client, token, "resume")
    assert resumed.status_code == 200 and not resumed.get_json()["is_paused"]


def test_the_counter_state_lists_its_current_ticket_and_waiting_list(client, accounts):
    for _ in range(2):
        issue(client, accounts)
    issue(client, accounts, "tu-phap")
    act(client, accounts["staff1"], "call-next")
    state = client.get(COUNTER, headers=bearer(accounts["staff1"])).get_json()
    assert state["current"]["number"] == "1001"
    assert [row["number"] for row in state["waiting"]] == ["1002"]
    assert state["counter"]["services"] == ["dat-dai"]


@pytest.mark.parametrize("action", ["call-next", "recall", "finish", "no-show", "resume"])
def test_counter_actions_need_staff_of_the_office(client, accounts, action):
    assert act(client, "", action).status_code == 401
    assert act(client, accounts["kiosk"], action).status_code == 403
    wrong = act(client, accounts["otherstaff"], action)
    assert wrong.status_code == 403 and wrong.get_json()["error"]["code"] == "wrong_office"


def test_managers_and_admins_may_work_a_counter(client, accounts):
    issue(client, accounts)
    issue(client, accounts)
    assert act(client, accounts["manager1"], "call-next").status_code == 200
    assert act(client, accounts["admin1"], "call-next", counter=2).status_code == 200


def test_unknown_counters_and_offices_are_404(client, accounts):
    assert act(client, accounts["staff1"], "call-next", counter=99).status_code == 404
    response = client.post("/api/v1/offices/nowhere/counters/1/call-next",
                           headers=bearer(accounts["staff1"]))
    assert response.status_code == 404
    assert client.post(OFFICE + "/counters/abc/call-next",
                       headers=bearer(accounts["staff1"])).status_code == 404


def test_an_overlong_idempotency_key_is_400(client, accounts):
    response = client.post(COUNTER + "/call-next",
                           headers={**bearer(accounts["staff1"]), "Idempotency-Key": "k" * 101})
    assert response.status_code == 400


def test_a_no_show_too_soon_after_the_call_is_409_with_a_message(app, client, accounts, clock):
    with app.extensions["queue"].sessions() as session:
        find_office(session, "test-office").min_seconds_before_no_show = 60
        session.commit()
    issue(client, accounts)
    token = accounts["staff1"]
    act(client, token, "call-next")
    act(client, token, "recall")
    refused = act(client, token, "no-show")
    assert refused.status_code == 409
    error = refused.get_json()["error"]
    assert error["code"] == "no_show_too_soon"
    assert "60 giây" in error["message"] and "còn 60 giây" in error["message"]
    snapshot = client.get(COUNTER, headers=bearer(token)).get_json()
    assert snapshot["min_seconds_before_no_show"] == 60  # the console counts down with it
    clock.now += timedelta(seconds=61)
    assert act(client, token, "no-show").get_json()["status"] == "no_show"
