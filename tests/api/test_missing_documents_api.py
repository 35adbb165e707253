"""HTTP API: the documents a visit sent back for completion lacks, checked against the
ticket's procedure, returned with the ticket, followed by the citizen's phone, printed on
request as a checklist slip, and carried by the visits feed and the visit.finished event."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from printer.slip import ChecklistSlip, parse_slip
from queue_server.models import PrintJob, Ticket, TicketEvent, TicketEventKind
from queue_server.procedures.importing import import_file
from queue_server.tickets.queue_state import find_office
from queue_server.visits.events import visit_finished_event

from ..conftest import bearer
from ..support.procedure_files import SMALL, write_csv

LAND = "1.012345.000.00.00.H37"
OFFICE_API = "/api/v1/offices/test-office"
APPLICATION, TITLE = "Đơn đăng ký", "Giấy tờ về quyền sử dụng đất"


@pytest.fixture
def catalogue(app, clock, tmp_path):
    with app.extensions["queue"].sessions() as session:
        office = find_office(session, "test-office")
        import_file(session, office, write_csv(tmp_path / "p.csv", SMALL), now=clock())
        session.commit()


def called(client, accounts, body):
    """Issue a ticket with this body at the kiosk and call it to counter 1; its code."""
    issued = client.post(f"{OFFICE_API}/tickets", json=body, headers=bearer(accounts["kiosk"]))
    assert issued.status_code == 201
    assert client.post(f"{OFFICE_API}/counters/1/call-next",
                       headers=bearer(accounts["staff1"])).status_code == 200
    return issued.get_json()["code"]


def put_visit(client, accounts, code, body, staff="staff1"):
    return client.put(f"/api/v1/tickets/{code}/visit", json=body, headers=bearer(accounts[staff]))


def finish(client, accounts, body):
    return client.post(f"{OFFICE_API}/counters/1/finish", json=body,
                       headers=bearer(accounts["staff1"]))


def error_code(response):
    return response.get_json()["error"]["code"]


def test_missing_documents_are_kept_in_the_procedures_order_and_returned(client, accounts,
                                                                        catalogue):
    code = called(client, accounts, {"procedure": LAND})
    response = put_visit(client, accounts, code, {"outcome": "supplement",
                                                  "missing": [f" {TITLE} ", APPLICATION, TITLE]})
    assert response.status_code == 200
    assert response.get_json()["missing"] == [APPLICATION, TITLE]
    finished = finish(client, accounts, {}).get_json()
    assert finished["status"] == "done" and finished["missing"] == [APPLICATION, TITLE]
    assert client.get(f"/api/v1/tickets/{code}").get_json()["missing"] == [APPLICATION, TITLE]


def test_the_finish_takes_the_missing_documents_with_the_outcome(client, accounts, catalogue):
    code = called(client, accounts, {"procedure": LAND})
    finished = finish(client, accounts, {"outcome": "supplement", "missing": [TITLE]})
    assert finished.status_code == 200 and finished.get_json()["missing"] == [TITLE]
    with client.application.extensions["queue"].sessions() as session:
        ticket = session.scalar(select(Ticket).where(Ticket.code == code))
        event = session.scalar(select(TicketEvent).where(
            TicketEvent.ticket_id == ticket.id,
            TicketEvent.kind == TicketEventKind.VISIT_RECORDED))
        assert event.details["missing"] == [[], [TITLE]]
        assert visit_finished_event(session, ticket)["visit"]["missing"] == [TITLE]


def test_another_outcome_clears_the_missing_documents(client, accounts, catalogue):
    code = called(client, accounts, {"procedure": LAND})
    put_visit(client, accounts, code, {"outcome": "supplement", "missing": [TITLE]})
    corrected = put_visit(client, accounts, code, {"outcome": "received"})
    assert corrected.get_json()["missing"] == []
    assert put_visit(client, accounts, code, {"missing": []}).status_code == 200


@pytest.mark.parametrize(("body", "code"), [
    ({"outcome": "supplement", "missing": ["Sổ hộ khẩu"]}, "unknown_document"),
    ({"outcome": "supplement", "missing": [5]}, "unknown_document"),
    ({"outcome": "supplement", "missing": [{"text": APPLICATION}]}, "unknown_document"),
    ({"outcome": "supplement", "missing": ["x" * 5000]}, "unknown_document"),
    ({"outcome": "supplement", "missing": "Đơn đăng ký"}, "invalid_field"),
    ({"outcome": "received", "missing": [APPLICATION]}, "missing_needs_supplement"),
    ({"missing": [APPLICATION]}, "missing_needs_supplement"),
])
def test_bad_missing_lists_are_400_with_a_code(client, accounts, catalogue, body, code):
    ticket = called(client, accounts, {"procedure": LAND})
    for response in (put_visit(client, accounts, ticket, body), finish(client, accounts, body)):
        assert response.status_code == 400, response.get_json()
        assert error_code(response) == code
    assert client.get(f"/api/v1/tickets/{ticket}").get_json()["missing"] == []


def test_a_ticket_without_a_procedure_has_no_documents_to_miss(client, accounts, catalogue):
    code = called(client, accounts, {"service": "dat-dai"})
    response = put_visit(client, accounts, code, {"outcome": "supplement",
                                                  "missing": [APPLICATION]})
    assert response.status_code == 400
    assert error_code(response) == "missing_without_procedure"
    assert "không gắn với thủ tục" in response.get_json()["error"]["message"]


def test_the_slip_of_missing_documents_prints_on_request(client, accounts, catalogue,
                                                        add_printer):
    add_printer("may-in-1", kiosk="kiosk-1")
    code = called(client, accounts, {"procedure": LAND})
    url = f"/api/v1/tickets/{code}/missing-slip"
    nothing = client.post(url, headers=bearer(accounts["staff1"]))
    assert nothing.status_code == 409 and error_code(nothing) == "nothing_missing"
    finish(client, accounts, {"outcome": "supplement", "missing": [TITLE],
                              "dossiers": ["000.00.31.H57-241203-0001"]})
    assert client.post(url).status_code == 401
    assert client.post(url, headers=bearer(accounts["otherstaff"])).status_code == 403
    response = client.post(url, headers=bearer(accounts["staff1"]))
    assert response.status_code == 201
    assert response.get_json()["print"]["printer"] == "may-in-1"
    with client.application.extensions["queue"].sessions() as session:
        slip = parse_slip(session.get(PrintJob, response.get_json()["print"]["job"]).slip)
    assert isinstance(slip, ChecklistSlip)
    assert slip.heading == "GIẤY TỜ CẦN BỔ SUNG" and slip.items == (TITLE,)
    assert slip.title == "Cấp giấy chứng nhận quyền sử dụng đất lần đầu"
    assert "Mã hồ sơ: 000.00.31.H57-241203-0001" in slip.notes
    assert slip.qr_payload == f"http://queue.test/thu-tuc/test-office/{LAND}"
    unknown = client.post(url, json={"printer": "nowhere"}, headers=bearer(accounts["staff1"]))
    assert unknown.status_code == 404


def test_the_visits_feed_carries_the_missing_documents(client, accounts, catalogue):
    called(client, accounts, {"procedure": LAND})
    finish(client, accounts, {"outcome": "supplement", "missing": [APPLICATION, TITLE]})
    feed = client.get(f"{OFFICE_API}/visits", headers=bearer(accounts["manager1"])).get_json()
    assert feed[0]["missing"] == [APPLICATION, TITLE]
    csv = client.get(f"{OFFICE_API}/visits?format=csv",
                     headers=bearer(accounts["manager1"])).get_data(as_text=True)
    assert "missing" in csv.splitlines()[0] and f"{APPLICATION} | {TITLE}" in csv
