"""The printing API: the issue answer's print field, acks, state reports, reprint, previews."""

import io
from datetime import timedelta

import pytest
import zxingcpp
from PIL import Image

from queue_server.core.extensions import socketio

from ..conftest import bearer

OFFICE = "/api/v1/offices/test-office"


def issue(client, token, service="dat-dai"):
    response = client.post(OFFICE + "/tickets", json={"service": service}, headers=bearer(token))
    assert response.status_code == 201
    return response.get_json()


def report(client, token, state="ok", **extra):
    return client.post("/api/v1/printers/status", json={"state": state, **extra},
                       headers=bearer(token))


def ack(client, token, job, status="printed", **extra):
    return client.post(f"/api/v1/print-jobs/{job}/ack", json={"status": status, **extra},
                       headers=bearer(token))


def printers(client, accounts):
    response = client.get(OFFICE + "/printers", headers=bearer(accounts["staff1"]))
    assert response.status_code == 200
    return {row["name"]: row for row in response.get_json()}


def test_without_a_printer_the_ticket_says_no_printer(client, accounts):
    ticket = issue(client, accounts["kiosk"])
    assert ticket["number"] == "1001" and ticket["print"] == {"status": "no_printer"}


def test_a_printer_that_reported_ok_gets_the_job_queued(client, accounts, add_printer):
    printer = add_printer("printer-1", kiosk="kiosk-1")
    assert report(client, printer).status_code == 200
    ticket = issue(client, accounts["kiosk"])
    assert ticket["print"] == {"status": "queued", "printer": "printer-1",
                               "job": ticket["print"]["job"]}
    assert isinstance(ticket["print"]["job"], int)


def test_a_printer_never_heard_from_is_a_printer_error(client, accounts, add_printer):
    add_printer("printer-1")
    ticket = issue(client, accounts["kiosk"])
    assert ticket["print"]["status"] == "printer_error"
    assert ticket["print"]["reason"] == "not_seen"


def test_paper_out_reaches_the_kiosk_answer_and_the_printer_list(client, accounts, add_printer):
    printer = add_printer("printer-1", kiosk="kiosk-1")
    response = report(client, printer, "paper_out", error="network://10.0.0.9:9100 no paper")
    assert response.get_json()["state"] == "paper_out"
    ticket = issue(client, accounts["kiosk"])
    assert ticket["status"] == "waiting"
    assert (ticket["print"]["status"], ticket["print"]["reason"]) == ("printer_error",
                                                                      "paper_out")
    row = printers(client, accounts)["printer-1"]
    assert row == {"name": "printer-1", "kiosk": "kiosk-1", "state": "paper_out", "is_ok": False,
                   "problem": "paper_out", "last_error": "network://10.0.0.9:9100 no paper",
                   "last_error_at": "2026-11-26T09:00:00+07:00",
                   "last_seen_at": "2026-11-26T09:00:00+07:00", "pending_jobs": 1}


def test_the_printer_list_shows_every_printer_of_the_office(client, accounts, add_printer):
    add_printer("b-hall")
    report(client, add_printer("a-kiosk", kiosk="kiosk-1"))
    add_printer("elsewhere", office="other-office")
    rows = client.get(OFFICE + "/printers", headers=bearer(accounts["manager1"])).get_json()
    assert [(row["name"], row["kiosk"], row["state"], row["is_ok"]) for row in rows] == [
        ("a-kiosk", "kiosk-1", "ok", True), ("b-hall", None, "unknown", False)]


@pytest.mark.parametrize("caller, status", [("kiosk", 403), ("otherstaff", 403),
                                            ("display", 403)])
def test_only_staff_of_the_office_see_its_printers(client, accounts, caller, status):
    response = client.get(OFFICE + "/printers", headers=bearer(accounts[caller]))
    assert response.status_code == status
    assert client.get(OFFICE + "/printers").status_code == 401


def test_an_acknowledged_job_leaves_the_pending_count(client, accounts, add_printer, clock):
    printer = add_printer("printer-1")
    report(client, printer)
    job = issue(client, accounts["kiosk"])["print"]["job"]
    assert printers(client, accounts)["printer-1"]["pending_jobs"] == 1
    response = ack(client, printer, job)
    assert response.status_code == 200
    assert response.get_json() == {"id": job, "status": "printed", "attempts": 1}
    assert ack(client, printer, job).status_code == 200  # a retried ack is harmless
    clock.now += timedelta(minutes=2)
    row = printers(client, accounts)["printer-1"]
    assert (row["pending_jobs"], row["last_seen_at"]) == (0, "2026-11-26T09:00:00+07:00")


def test_a_failed_job_keeps_its_error_and_cannot_be_failed_after_printing(client, accounts,
                                                                          add_printer):
    printer = add_printer("printer-1")
    first = issue(client, accounts["kiosk"])["print"]["job"]
    second = issue(client, accounts["kiosk"])["print"]["job"]
    failed = ack(client, printer, first, "failed", error="expired: not printed in time")
    assert failed.get_json()["status"] == "failed"
    ack(client, printer, second)
    refused = ack(client, printer, second, "failed", error="late")
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "print_job_closed"


def test_acks_come_only_from_the_jobs_own_printer(client, accounts, add_printer):
    printer = add_printer("printer-1")
    stranger = add_printer("printer-2", kiosk="kiosk-1")
    job = issue(client, accounts["staff1"])["print"]["job"]
    assert ack(client, stranger, job).get_json()["error"]["code"] == "not_your_print_job"
    assert ack(client, accounts["kiosk"], job).get_json()["error"]["code"] == "not_a_printer"
    assert ack(client, accounts["staff1"], job).status_code == 403
    assert ack(client, printer, 99999).status_code == 404
    assert client.post(f"/api/v1/print-jobs/{job}/ack", json={"status": "printed"}
                       ).status_code == 401


@pytest.mark.parametrize("body", [{"status": "done"}, {}, {"status": "printed", "x": 1},
                                  {"status": "failed", "error": 5}])
def test_bad_acks_get_400(client, accounts, add_printer, body):
    printer = add_printer("printer-1")
    job = issue(client, accounts["kiosk"])["print"]["job"]
    response = client.post(f"/api/v1/print-jobs/{job}/ack", json=body, headers=bearer(printer))
    assert response.status_code == 400


@pytest.mark.parametrize("body", [{"state": "fine"}, {}, {"state": "ok", "job": "1"}])
def test_bad_state_reports_get_400(client, add_printer, body):
    response = client.post("/api/v1/printers/status", json=body,
                           headers=bearer(add_printer("printer-1")))
    assert response.status_code == 400


def test_a_failed_try_is_counted_on_its_job(client, accounts, add_printer):
    printer = add_printer("printer-1")
    job = issue(client, accounts["kiosk"])["print"]["job"]
    report(client, printer, "error", error="refused: connection refused", job=job)
    assert ack(client, printer, job).get_json()["attempts"] == 2


def test_staff_reprint_a_ticket_as_a_new_job_sent_to_the_agent(app, client, accounts,
                                                              add_printer):
    printer = add_printer("printer-1")
    report(client, printer)
    ticket = issue(client, accounts["kiosk"])
    agent = socketio.test_client(app, flask_test_client=client, auth={"token": printer})
    agent.emit("subscribe", {"channel": "printer"}, callback=True)
    response = client.post(f"/api/v1/tickets/{ticket['code']}/reprint",
                           headers=bearer(accounts["staff1"]))
    assert response.status_code == 201
    reprint = response.get_json()["print"]
    assert reprint["status"] == "queued" and reprint["job"] != ticket["print"]["job"]
    sent = [event["args"][0] for event in agent.get_received() if event["name"] == "print_job"]
    assert [(job["id"], job["is_reprint"], job["number"]) for job in sent] == [
        (reprint["job"], True, ticket["number"])]
    assert sent[0]["slip"]["qr_payload"] == ticket["track_url"]


def test_a_reprint_can_name_the_printer(client, accounts, add_printer):
    add_printer("printer-1")
    add_printer("counter-printer", kiosk="kiosk-1")
    ticket = issue(client, accounts["staff1"])
    response = client.post(f"/api/v1/tickets/{ticket['code']}/reprint",
                           json={"printer": "counter-printer"},
                           headers=bearer(accounts["manager1"]))
    assert response.get_json()["print"]["printer"] == "counter-printer"
    unknown = client.post(f"/api/v1/tickets/{ticket['code']}/reprint", json={"printer": "x"},
                          headers=bearer(accounts["staff1"]))
    assert unknown.status_code == 404 and unknown.get_json()["error"]["code"] == "unknown_printer"


def test_reprint_is_for_staff_of_the_office_and_needs_a_printer(client, accounts):
    code = issue(client, accounts["kiosk"])["code"]
    path = f"/api/v1/tickets/{code}/reprint"
    assert client.post(path, headers=bearer(accounts["otherstaff"])).status_code == 403
    assert client.post(path, headers=bearer(accounts["kiosk"])).status_code == 403
    refused = client.post(path, headers=bearer(accounts["staff1"]))
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "no_printer"
    assert "máy in" in refused.get_json()["error"]["message"]
    assert client.post("/api/v1/tickets/nope/reprint",
                       headers=bearer(accounts["staff1"])).status_code == 404


def test_the_slip_preview_is_a_png_whose_qr_opens_the_ticket(client, accounts):
    ticket = issue(client, accounts["kiosk"])
    response = client.get(f"/api/v1/tickets/{ticket['code']}/slip.png")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert "no-store" in response.headers["Cache-Control"]
    image = Image.open(io.BytesIO(response.data))
    assert image.width == 576
    codes = zxingcpp.read_barcodes(image.convert("L"), formats=zxingcpp.BarcodeFormat.QRCode)
    assert [code.text for code in codes] == [ticket["track_url"]]


def test_the_slip_preview_takes_a_profile_and_refuses_unknown_ones(client, accounts):
    code = issue(client, accounts["kiosk"])["code"]
    narrow = client.get(f"/api/v1/tickets/{code}/slip.png?profile=58mm")
    assert Image.open(io.BytesIO(narrow.data)).width == 384
    assert client.get(f"/api/v1/tickets/{code}/slip.png?profile=a4").status_code == 400
    assert client.get("/api/v1/tickets/unknown/slip.png").status_code == 404


def test_a_retried_issue_queues_no_second_print(client, accounts, add_printer):
    report(client, add_printer("printer-1"))
    headers = {**bearer(accounts["kiosk"]), "Idempotency-Key": "tap-1"}
    first = client.post(OFFICE + "/tickets", json={"service": "dat-dai"}, headers=headers)
    again = client.post(OFFICE + "/tickets", json={"service": "dat-dai"}, headers=headers)
    assert again.get_json()["code"] == first.get_json()["code"]
    assert again.get_json()["print"] == first.get_json()["print"]
    assert printers(client, accounts)["printer-1"]["pending_jobs"] == 1


def test_a_failure_while_queueing_the_print_never_fails_the_ticket(client, accounts, add_printer,
                                                                  monkeypatch, caplog):
    from queue_server.printing import jobs

    def broken(*_args, **_kwargs):
        raise RuntimeError("disk on fire")

    report(client, add_printer("printer-1"))
    monkeypatch.setattr(jobs, "queue_ticket_print", broken)
    ticket = issue(client, accounts["kiosk"])
    assert ticket["print"] == {"status": "printer_error", "printer": "printer-1", "job": None,
                               "reason": "not_queued"}
    assert client.get(f"/api/v1/tickets/{ticket['code']}").get_json()["status"] == "waiting"
    assert "could not queue the print of ticket 1001" in caplog.text
