"""The ticket channel counts down, the rating channel reaches the counter's tablet, and unknown
codes are rate-limited everywhere a code is looked up."""

from datetime import timedelta

import pytest

from queue_server.core.extensions import socketio
from queue_server.models import DeviceKind
from queue_server.security.tokens import add_device
from queue_server.tickets.queue_state import find_office

from ..conftest import bearer

OFFICE = "/api/v1/offices/test-office"


def connect(app, _client, token=None, address="127.0.0.1"):
    browser = app.test_client()
    browser.environ_base["REMOTE_ADDR"] = address  # the socket's peer, as a phone's would be
    return socketio.test_client(app, flask_test_client=browser,
                                auth={"token": token} if token else None)


def received(socket, name):
    return [event["args"][0] for event in socket.get_received() if event["name"] == name]


def issue(client, accounts, service="dat-dai") -> dict:
    response = client.post(OFFICE + "/tickets", json={"service": service},
                           headers=bearer(accounts["kiosk"]))
    assert response.status_code == 201
    return response.get_json()


def act(client, accounts, counter, action):
    response = client.post(f"{OFFICE}/counters/{counter}/{action}",
                           headers=bearer(accounts["staff1"]))
    assert response.status_code == 200
    return response.get_json()


def device(app, clock, kind=DeviceKind.RATING, office="test-office", name="tablet-1") -> str:
    with app.extensions["queue"].sessions() as session:
        token = add_device(session, name, kind, find_office(session, office), now=clock())[1]
        session.commit()
    return token


def test_a_follower_hears_its_ahead_count_down_as_counters_call(app, client, accounts):
    tickets = [issue(client, accounts) for _ in range(4)]
    mine = tickets[-1]
    phone = connect(app, client)
    snapshot = phone.emit("subscribe", {"channel": "ticket", "code": mine["code"]}, callback=True)
    assert snapshot["ahead"] == 3 and snapshot["status"] == "waiting"
    act(client, accounts, 1, "call-next")
    [moved] = received(phone, "queue_positions")
    assert moved["office"] == "test-office" and moved["day"] == "2026-11-26"
    assert moved["positions"][mine["number"]][0] == 2
    assert set(moved["positions"]) == {t["number"] for t in tickets[1:]}
    act(client, accounts, 2, "call-next")
    assert received(phone, "queue_positions")[-1]["positions"][mine["number"]][0] == 1


def test_positions_carry_numbers_only_never_codes(app, client, accounts):
    first, second, mine = (issue(client, accounts) for _ in range(3))
    phone = connect(app, client)
    phone.emit("subscribe", {"channel": "ticket", "code": mine["code"]}, callback=True)
    act(client, accounts, 1, "call-next")
    [moved] = received(phone, "queue_positions")
    assert all(t["code"] not in str(moved) for t in (first, second, mine))
    assert set(moved) == {"office", "day", "positions", "generated_at"}


def test_a_priority_ticket_moves_followers_back_and_they_hear_it(app, client, accounts):
    for _ in range(5):
        issue(client, accounts)
    mine = issue(client, accounts)
    phone = connect(app, client)
    assert phone.emit("subscribe", {"channel": "ticket", "code": mine["code"]},
                      callback=True)["ahead"] == 5
    # Interleaved, one priority after two ordinary: it goes before the fifth and this one.
    client.post(OFFICE + "/tickets", json={"service": "dat-dai", "priority": "elderly"},
                headers=bearer(accounts["kiosk"]))
    assert received(phone, "queue_positions")[-1]["positions"][mine["number"]][0] == 6


def test_the_board_does_not_get_the_positions(app, client, accounts):
    board = connect(app, client)
    board.emit("subscribe", {"office": "test-office", "channel": "board"}, callback=True)
    issue(client, accounts)
    assert received(board, "queue_positions") == []


def test_the_counters_tablet_is_asked_to_rate_what_the_counter_finished(app, client, accounts,
                                                                         clock):
    tablet_one = connect(app, client, device(app, clock))
    tablet_two = connect(app, client, device(app, clock, name="tablet-2"))
    assert tablet_one.emit("subscribe", {"channel": "rating", "office": "test-office",
                                         "counter": 1}, callback=True) == {
        "office": "test-office", "counter": 1, "ticket": None}
    tablet_two.emit("subscribe", {"channel": "rating", "office": "test-office", "counter": 2},
                    callback=True)
    ticket = issue(client, accounts)
    act(client, accounts, 1, "call-next")
    act(client, accounts, 1, "finish")
    [asked] = received(tablet_one, "rating_requested")
    assert asked == {"code": ticket["code"], "number": ticket["number"], "service": "dat-dai",
                     "service_name": "Đất đai", "counter": 1,
                     "finished_at": "2026-11-26T09:00:00+07:00", "expires_in_s": 30,
                     "form": {"levels": 5, "labels": [], "questions": []}}
    assert received(tablet_two, "rating_requested") == []


def test_a_tablet_that_reconnects_within_half_a_minute_still_gets_the_ticket(app, client,
                                                                             accounts, clock):
    token = device(app, clock)
    ticket = issue(client, accounts)
    act(client, accounts, 1, "call-next")
    act(client, accounts, 1, "finish")
    clock.now += timedelta(seconds=20)
    subscription = {"channel": "rating", "office": "test-office", "counter": 1}
    snapshot = connect(app, client, token).emit("subscribe", subscription, callback=True)
    assert snapshot["ticket"]["code"] == ticket["code"]
    assert snapshot["ticket"]["expires_in_s"] == 10
    clock.now += timedelta(seconds=11)
    assert connect(app, client, token).emit("subscribe", subscription,
                                            callback=True)["ticket"] is None


def test_a_rated_ticket_is_not_asked_again(app, client, accounts, clock):
    token = device(app, clock)
    ticket = issue(client, accounts)
    act(client, accounts, 1, "call-next")
    act(client, accounts, 1, "finish")
    client.post(f"/api/v1/tickets/{ticket['code']}/feedback", json={"rating": 5})
    snapshot = connect(app, client, token).emit(
        "subscribe", {"channel": "rating", "office": "test-office", "counter": 1}, callback=True)
    assert snapshot["ticket"] is None


def test_a_no_show_is_not_asked_about(app, client, accounts, clock):
    tablet = connect(app, client, device(app, clock))
    tablet.emit("subscribe", {"channel": "rating", "office": "test-office", "counter": 1},
                callback=True)
    issue(client, accounts)
    act(client, accounts, 1, "call-next")
    act(client, accounts, 1, "recall")
    act(client, accounts, 1, "no-show")
    assert received(tablet, "rating_requested") == []


@pytest.mark.parametrize("who", ["nobody", "kiosk", "staff1", "other_office_tablet"])
def test_only_the_offices_rating_tablets_hear_the_codes(app, client, accounts, clock, who):
    tokens = {**accounts, "nobody": None,
              "other_office_tablet": device(app, clock, office="other-office", name="x")}
    socket = connect(app, client, tokens[who])
    answer = socket.emit("subscribe", {"channel": "rating", "office": "test-office",
                                       "counter": 1}, callback=True)
    assert answer["error"]["code"] == "not_a_rating_tablet"


def test_an_unknown_counter_on_the_rating_channel_is_refused(app, client, clock):
    socket = connect(app, client, device(app, clock))
    answer = socket.emit("subscribe", {"channel": "rating", "office": "test-office",
                                       "counter": 99}, callback=True)
    assert answer["error"]["code"] == "unknown_counter"


def test_guessing_codes_over_http_is_stopped_for_that_client_only(client, accounts):
    ticket = issue(client, accounts)
    guesser = {"REMOTE_ADDR": "10.1.1.1"}
    for attempt in range(30):
        path = f"/api/v1/tickets/guess-{attempt}" + ("/qr.svg" if attempt % 2 else "")
        assert client.get(path, environ_base=guesser).status_code == 404
    refused = client.get(f"/api/v1/tickets/{ticket['code']}", environ_base=guesser)
    assert refused.status_code == 429
    assert refused.get_json()["error"]["code"] == "too_many_requests"
    assert int(refused.headers["Retry-After"]) > 0
    assert client.get(f"/t/{ticket['code']}", environ_base=guesser).status_code == 429
    assert client.get(f"/api/v1/tickets/{ticket['code']}",
                      environ_base={"REMOTE_ADDR": "10.1.1.2"}).status_code == 200


def test_guessing_codes_on_the_page_and_the_socket_counts_too(app, client, accounts):
    ticket = issue(client, accounts)
    guesser = "10.2.2.2"
    for attempt in range(15):
        assert client.get(f"/t/guess-{attempt}",
                          environ_base={"REMOTE_ADDR": guesser}).status_code == 404
    socket = connect(app, client, address=guesser)
    for attempt in range(15):
        answer = socket.emit("subscribe", {"channel": "ticket", "code": f"x{attempt}"},
                             callback=True)
        assert answer["error"]["code"] == "ticket_not_found"
    answer = socket.emit("subscribe", {"channel": "ticket", "code": ticket["code"]},
                         callback=True)
    assert answer["error"]["code"] == "too_many_requests"
    other = connect(app, client, address="10.2.2.3")
    assert other.emit("subscribe", {"channel": "ticket", "code": ticket["code"]},
                      callback=True)["code"] == ticket["code"]


def test_a_known_code_is_never_counted_as_a_guess(client, accounts):
    ticket = issue(client, accounts)
    for _ in range(40):
        assert client.get(f"/api/v1/tickets/{ticket['code']}").status_code == 200
