"""The printer channel: an agent's snapshot of its jobs, then each new job as it is queued."""

from datetime import timedelta

from queue_server.core.extensions import socketio
from queue_server.printing import jobs as job_rules

from ..conftest import bearer

OFFICE = "/api/v1/offices/test-office"


def connect(app, client, token):
    return socketio.test_client(app, flask_test_client=client, auth={"token": token})


def issue(client, token):
    return client.post(OFFICE + "/tickets", json={"service": "dat-dai"},
                       headers=bearer(token)).get_json()


def print_jobs(socket):
    return [event["args"][0] for event in socket.get_received() if event["name"] == "print_job"]


def test_a_connecting_agent_receives_its_unacknowledged_jobs(app, client, accounts, add_printer):
    token = add_printer("printer-1")
    tickets = [issue(client, accounts["kiosk"]) for _ in range(2)]
    agent = connect(app, client, token)
    snapshot = agent.emit("subscribe", {"channel": "printer"}, callback=True)
    assert snapshot["printer"] == {"name": "printer-1", "office": "test-office"}
    assert [job["number"] for job in snapshot["jobs"]] == ["1001", "1002"]
    assert [job["slip"]["qr_payload"] for job in snapshot["jobs"]] == [
        ticket["track_url"] for ticket in tickets]
    assert all(job["expires_in_s"] == job_rules.JOB_LIFETIME_S for job in snapshot["jobs"])


def test_each_new_job_reaches_only_its_printers_agent(app, client, accounts, add_printer):
    own = connect(app, client, add_printer("printer-1", kiosk="kiosk-1"))
    other = connect(app, client, add_printer("hall-printer"))
    for agent in (own, other):
        assert agent.emit("subscribe", {"channel": "printer"}, callback=True)["jobs"] == []
    ticket = issue(client, accounts["kiosk"])
    jobs = print_jobs(own)
    assert [(job["id"], job["number"]) for job in jobs] == [(ticket["print"]["job"], "1001")]
    assert print_jobs(other) == []


def test_a_reconnecting_agent_gets_again_what_it_did_not_acknowledge(app, client, accounts,
                                                                     add_printer):
    token = add_printer("printer-1")
    first, second = (issue(client, accounts["kiosk"])["print"]["job"] for _ in range(2))
    agent = connect(app, client, token)
    agent.emit("subscribe", {"channel": "printer"}, callback=True)
    client.post(f"/api/v1/print-jobs/{first}/ack", json={"status": "printed"},
                headers=bearer(token))
    agent.disconnect()
    again = connect(app, client, token).emit("subscribe", {"channel": "printer"}, callback=True)
    assert [job["id"] for job in again["jobs"]] == [second]


def test_jobs_too_old_are_not_sent_to_a_returning_agent(app, client, accounts, add_printer,
                                                        clock):
    token = add_printer("printer-1")
    issue(client, accounts["kiosk"])
    clock.now += timedelta(seconds=job_rules.JOB_LIFETIME_S + 1)
    snapshot = connect(app, client, token).emit("subscribe", {"channel": "printer"},
                                                callback=True)
    assert snapshot["jobs"] == []


def test_only_printers_may_join_the_printer_channel(app, client, accounts):
    for token in (accounts["kiosk"], accounts["staff1"]):
        answer = connect(app, client, token).emit("subscribe", {"channel": "printer"},
                                                  callback=True)
        assert answer["error"]["code"] == "not_a_printer"
    anonymous = socketio.test_client(app, flask_test_client=client)
    answer = anonymous.emit("subscribe", {"channel": "printer"}, callback=True)
    assert answer["error"]["code"] == "not_a_printer"
