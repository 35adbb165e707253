"""Socket.IO: snapshots on subscribe, events after commit, staff channels need a token."""

from queue_server.core.extensions import socketio

from ..conftest import bearer

OFFICE = "/api/v1/offices/test-office"


def connect(app, client, token=None):
    return socketio.test_client(app, flask_test_client=client,
                                auth={"token": token} if token else None)


def received(socket, name):
    return [event["args"][0] for event in socket.get_received() if event["name"] == name]


def test_subscribing_to_the_board_returns_its_snapshot(app, client):
    socket = connect(app, client)
    snapshot = socket.emit("subscribe", {"office": "test-office", "channel": "board"},
                           callback=True)
    assert snapshot["office"] == "test-office"
    assert snapshot == {**client.get(OFFICE + "/board").get_json(),
                        "generated_at": snapshot["generated_at"]}


def test_a_call_reaches_the_board_with_its_counter(app, client, accounts):
    board = connect(app, client)
    board.emit("subscribe", {"office": "test-office", "channel": "board"}, callback=True)
    client.post(OFFICE + "/tickets", json={"service": "dat-dai"}, headers=bearer(accounts["kiosk"]))
    issued = received(board, "ticket_issued")
    assert issued == [{"office": "test-office", "number": "1001", "service": "dat-dai",
                       "waiting": {"dat-dai": 1, "tu-phap": 0, "tra-ket-qua": 0}}]
    client.post(OFFICE + "/counters/2/call-next", headers=bearer(accounts["staff1"]))
    client.post(OFFICE + "/counters/2/recall", headers=bearer(accounts["staff1"]))
    events = board.get_received()
    calls = [e["args"][0] for e in events if e["name"] == "ticket_called"]
    assert [(c["number"], c["counter"], c["is_recall"]) for c in calls] == [
        ("1001", 2, False), ("1001", 2, True)]
    assert calls[0]["call_id"] != calls[1]["call_id"]
    # One message per display per call: the call carries the waiting counts.
    assert calls[0]["waiting"]["dat-dai"] == 0
    assert [e["name"] for e in events] == ["ticket_called", "ticket_called"]


def test_a_finish_sends_the_new_board_in_one_event(app, client, accounts):
    client.post(OFFICE + "/tickets", json={"service": "dat-dai"}, headers=bearer(accounts["kiosk"]))
    client.post(OFFICE + "/counters/2/call-next", headers=bearer(accounts["staff1"]))
    board = connect(app, client)
    board.emit("subscribe", {"office": "test-office", "channel": "board"}, callback=True)
    client.post(OFFICE + "/counters/2/finish", headers=bearer(accounts["staff1"]))
    changes = received(board, "queue_changed")
    assert len(changes) == 1
    assert changes[0]["now_serving"] == [] and changes[0]["waiting"]["dat-dai"] == 0
    assert {c["counter"] for c in changes[0]["counters"]} == {1, 2, 3, 4}


def test_other_offices_boards_hear_nothing(app, client, accounts):
    other = connect(app, client)
    other.emit("subscribe", {"office": "other-office", "channel": "board"}, callback=True)
    client.post(OFFICE + "/tickets", json={"service": "dat-dai"}, headers=bearer(accounts["kiosk"]))
    assert other.get_received() == []


def test_a_refused_action_broadcasts_nothing(app, client, accounts):
    board = connect(app, client)
    board.emit("subscribe", {"office": "test-office", "channel": "board"}, callback=True)
    response = client.post(OFFICE + "/counters/1/finish", headers=bearer(accounts["staff1"]))
    assert response.status_code == 409
    assert board.get_received() == []


def test_the_ticket_channel_follows_one_ticket(app, client, accounts):
    code = client.post(OFFICE + "/tickets", json={"service": "dat-dai"},
                       headers=bearer(accounts["kiosk"])).get_json()["code"]
    phone = connect(app, client)
    snapshot = phone.emit("subscribe", {"channel": "ticket", "code": code}, callback=True)
    assert snapshot["status"] == "waiting" and snapshot["ahead"] == 0
    client.post(OFFICE + "/counters/1/call-next", headers=bearer(accounts["staff1"]))
    updates = received(phone, "ticket_updated")
    assert updates[-1]["status"] == "called" and updates[-1]["counter"] == 1


def test_the_counter_channel_refuses_anonymous_and_other_offices(app, client, accounts):
    anonymous = connect(app, client)
    answer = anonymous.emit("subscribe", {"office": "test-office", "channel": "counter",
                                          "counter": 1}, callback=True)
    assert answer["error"]["code"] == "missing_token"
    stranger = connect(app, client, accounts["otherstaff"])
    answer = stranger.emit("subscribe", {"office": "test-office", "channel": "counter",
                                         "counter": 1}, callback=True)
    assert answer["error"]["code"] == "wrong_office"
    officer = connect(app, client, accounts["staff1"])
    answer = officer.emit("subscribe", {"office": "test-office", "channel": "counter",
                                        "counter": 1}, callback=True)
    assert answer["counter"]["number"] == 1 and answer["current"] is None


def test_a_bad_token_cannot_connect(app, client):
    socket = connect(app, client, "u_forged")
    assert not socket.is_connected()


def test_bad_subscriptions_get_an_error_not_a_crash(app, client):
    socket = connect(app, client)
    for payload in ["board", {"channel": "nope"}, {"channel": "board", "office": "nowhere"},
                    {"channel": "ticket", "code": 5}]:
        answer = socket.emit("subscribe", payload, callback=True)
        assert answer["error"]["code"] in {"invalid_field", "unknown_office", "ticket_not_found"}


def finished_ticket(client, accounts) -> str:
    staff = bearer(accounts["staff1"])
    code = client.post(OFFICE + "/tickets", json={"service": "dat-dai"},
                       headers=bearer(accounts["kiosk"])).get_json()["code"]
    assert client.post(OFFICE + "/counters/1/call-next", headers=staff).get_json()["code"] == code
    assert client.post(OFFICE + "/counters/1/finish", headers=staff).status_code == 200
    return code


def test_the_dashboard_channel_hears_of_each_new_inbox_item(app, client, accounts):
    dashboard = connect(app, client, accounts["manager1"])
    assert dashboard.emit("subscribe", {"office": "test-office", "channel": "dashboard"},
                          callback=True) == {"office": "test-office"}
    board = connect(app, client)
    board.emit("subscribe", {"office": "test-office", "channel": "board"}, callback=True)
    # A good rating without a comment stays out of the inbox; the others go in.
    for rating, comment, is_item in [(5, None, False), (2, None, True),
                                     (4, "Quầy 1 rất nhiệt tình", True), (3, None, True)]:
        code = finished_ticket(client, accounts)
        body = {"rating": rating, **({"comment": comment} if comment else {})}
        assert client.post(f"/api/v1/tickets/{code}/feedback", json=body).status_code == 201
        heard = received(dashboard, "feedback_received")
        assert heard == ([{"office": "test-office"}] if is_item else []), (rating, comment)
    assert received(board, "feedback_received") == []  # screens in the hall never hear of it


def test_only_the_offices_managers_and_admins_join_its_dashboard_channel(app, client, accounts):
    def subscribe(token):
        return connect(app, client, token).emit(
            "subscribe", {"office": "test-office", "channel": "dashboard"}, callback=True)

    assert subscribe(accounts["admin1"]) == {"office": "test-office"}
    assert subscribe(None)["error"]["code"] == "missing_token"
    for who in ("staff1", "otherstaff", "kiosk"):
        code = subscribe(accounts[who])["error"]["code"]
        assert code in ("forbidden", "missing_token"), who
    other = connect(app, client, accounts["manager1"]).emit(
        "subscribe", {"office": "other-office", "channel": "dashboard"}, callback=True)
    assert other["error"]["code"] == "forbidden"
