"""HTTP API: the visit's outcome and dossier codes at the counter, their correction, a dossier's
history across offices, and the visits feed (JSON, CSV, XLSX) with its integration token."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from queue_server.models import DeviceKind, TicketEvent, TicketEventKind
from queue_server.security.tokens import add_device
from queue_server.tickets.queue_state import find_office

from ..conftest import bearer

OFFICE = "/api/v1/offices/test-office"


def issue(client, accounts, service="dat-dai", office="test-office", kiosk="kiosk"):
    return client.post(f"/api/v1/offices/{office}/tickets", json={"service": service},
                       headers=bearer(accounts[kiosk])).get_json()


def act(client, token, action, counter=1, office="test-office", **kwargs):
    return client.post(f"/api/v1/offices/{office}/counters/{counter}/{action}",
                       headers=bearer(token), **kwargs)


def serve(client, accounts, body=None, office="test-office", staff="staff1", kiosk="kiosk"):
    """Issue, call and finish one ticket at counter 1; the finish response."""
    issue(client, accounts, office=office, kiosk=kiosk)
    act(client, accounts[staff], "call-next", office=office)
    return act(client, accounts[staff], "finish", office=office, json=body or {})


def set_office(app, slug="test-office", **values):
    with app.extensions["queue"].sessions() as session:
        office = find_office(session, slug)
        for name, value in values.items():
            setattr(office, name, value)
        session.commit()


def error_code(response):
    return response.get_json()["error"]["code"]


@pytest.fixture
def integration(app, clock, accounts):
    """Read-only integration tokens of test-office and other-office."""
    with app.extensions["queue"].sessions() as session:
        tokens = {slug: add_device(session, f"mot-cua-{slug}", DeviceKind.INTEGRATION,
                                   find_office(session, slug), now=clock())[1]
                  for slug in ("test-office", "other-office")}
        session.commit()
    return tokens


def test_finish_records_the_outcome_and_normalised_dossier_codes(client, accounts):
    finished = serve(client, accounts, {"outcome": "supplement",
                                        "dossiers": [" 000.00.31.h57-241203-0001 ",
                                                     "H57.22-241203-0002",
                                                     "000.00.31.H57-241203-0001"]})
    assert finished.status_code == 200
    ticket = finished.get_json()
    assert ticket["status"] == "done" and ticket["outcome"] == "supplement"
    assert ticket["dossiers"] == ["000.00.31.H57-241203-0001", "H57.22-241203-0002"]
    again = client.get(f"/api/v1/tickets/{ticket['code']}").get_json()
    assert again["outcome"] == "supplement" and len(again["dossiers"]) == 2


def test_a_finish_without_a_body_still_works_and_records_nothing(client, accounts):
    issue(client, accounts)
    act(client, accounts["staff1"], "call-next")
    ticket = act(client, accounts["staff1"], "finish").get_json()
    assert ticket["outcome"] is None and ticket["dossiers"] == []


@pytest.mark.parametrize(("body", "code"), [
    ({"outcome": "accepted"}, "invalid_outcome"),
    ({"dossiers": ["HS 001"]}, "invalid_dossier_code"),
    ({"dossiers": ["=1+1"]}, "invalid_dossier_code"),
    ({"dossiers": [""]}, "invalid_dossier_code"),
    ({"dossiers": [f"HS-{i:03}" for i in range(11)]}, "invalid_dossier_code"),
    ({"dossiers": [12345]}, "invalid_dossier_code"),
    ({"dossiers": "HS-001"}, "invalid_field"),
])
def test_bad_outcomes_and_codes_are_400_and_leave_the_ticket_called(client, accounts, body,
                                                                      code):
    issue(client, accounts)
    act(client, accounts["staff1"], "call-next")
    refused = act(client, accounts["staff1"], "finish", json=body)
    assert refused.status_code == 400 and error_code(refused) == code
    assert refused.get_json()["error"]["message"]
    current = client.get(OFFICE + "/counters/1", headers=bearer(accounts["staff1"])).get_json()
    assert current["current"]["status"] == "called"


def test_ten_codes_are_allowed(client, accounts):
    codes = [f"HS-{i:03}" for i in range(10)]
    assert serve(client, accounts, {"dossiers": codes}).get_json()["dossiers"] == codes


def test_the_office_pattern_decides_which_codes_are_accepted(client, accounts, app):
    set_office(app, dossier_pattern=r"CL-\d{6}")
    issue(client, accounts)
    act(client, accounts["staff1"], "call-next")
    wrong = act(client, accounts["staff1"], "finish", json={"dossiers": ["000.00.31.H57-1"]})
    assert error_code(wrong) == "invalid_dossier_code"
    right = act(client, accounts["staff1"], "finish", json={"dossiers": ["cl-123456"]})
    assert right.get_json()["dossiers"] == ["CL-123456"]


def test_require_outcome_refuses_finish_and_call_next_without_one(client, accounts, app):
    set_office(app, require_outcome=True)
    issue(client, accounts)
    issue(client, accounts)
    token = accounts["staff1"]
    act(client, token, "call-next")
    for action in ("finish", "call-next"):
        refused = act(client, token, action)
        assert refused.status_code == 400 and error_code(refused) == "outcome_required"
    assert act(client, token, "finish", json={"outcome": "guided"}).get_json()["status"] == "done"
    # The next one: its outcome recorded first, then call-next finishes it.
    called = act(client, token, "call-next").get_json()
    put = client.put(f"/api/v1/tickets/{called['code']}/visit", json={"outcome": "received"},
                     headers=bearer(token))
    assert put.status_code == 200 and put.get_json()["status"] == "called"
    assert act(client, token, "call-next").status_code == 204
    # A no-show is no visit: it needs no outcome.
    issue(client, accounts)
    act(client, token, "call-next")
    act(client, token, "recall")
    assert act(client, token, "no-show").get_json()["status"] == "no_show"


def test_a_correction_after_finishing_is_logged_with_before_and_after(client, accounts, app):
    ticket = serve(client, accounts, {"outcome": "supplement", "dossiers": ["HS-001"]}).get_json()
    url = f"/api/v1/tickets/{ticket['code']}/visit"
    corrected = client.put(url, json={"outcome": "received", "dossiers": ["HS-001", "HS-002"]},
                           headers=bearer(accounts["staff1"]))
    assert corrected.status_code == 200
    assert corrected.get_json()["outcome"] == "received"
    assert corrected.get_json()["dossiers"] == ["HS-001", "HS-002"]
    with app.extensions["queue"].sessions() as session:
        logged = session.scalars(select(TicketEvent).where(
            TicketEvent.kind == TicketEventKind.VISIT_RECORDED).order_by(TicketEvent.id)).all()
    assert [event.details for event in logged] == [
        {"outcome": [None, "supplement"], "dossiers": [[], ["HS-001"]]},
        {"outcome": ["supplement", "received"], "dossiers": [["HS-001"], ["HS-001", "HS-002"]]}]
    assert logged[-1].user_id is not None


def test_only_staff_of_the_office_correct_a_visit_of_a_served_ticket(client, accounts):
    ticket = serve(client, accounts).get_json()
    url = f"/api/v1/tickets/{ticket['code']}/visit"
    assert client.put(url, json={"outcome": "other"}).status_code == 401
    other = client.put(url, json={"outcome": "other"}, headers=bearer(accounts["otherstaff"]))
    assert other.status_code == 403
    kiosk = client.put(url, json={"outcome": "other"}, headers=bearer(accounts["kiosk"]))
    assert kiosk.status_code == 403
    waiting = issue(client, accounts)
    early = client.put(f"/api/v1/tickets/{waiting['code']}/visit", json={"outcome": "other"},
                       headers=bearer(accounts["staff1"]))
    assert early.status_code == 409 and error_code(early) == "visit_not_open"
    unknown = client.put("/api/v1/tickets/nope/visit", json={"outcome": "other"},
                         headers=bearer(accounts["staff1"]))
    assert unknown.status_code == 404


def test_a_dossier_history_spans_every_office(client, accounts, clock):
    serve(client, accounts, {"outcome": "supplement", "dossiers": ["hs-777"]})
    clock.now += timedelta(hours=5)  # the afternoon, at the other office
    serve(client, accounts, {"outcome": "received", "dossiers": ["HS-777"]},
          office="other-office", staff="otherstaff", kiosk="other_kiosk")
    serve(client, accounts, {"outcome": "received", "dossiers": ["HS-778"]})
    history = client.get("/api/v1/dossiers/hs-777", headers=bearer(accounts["staff1"]))
    assert history.status_code == 200
    body = history.get_json()
    assert body["dossier"] == "HS-777" and body["contacts"] == 2
    assert [(v["office"], v["outcome"], v["counter"], v["number"]) for v in body["visits"]] == [
        ("test-office", "supplement", 1, "1001"), ("other-office", "received", 1, "1001")]
    first = body["visits"][0]
    assert first["service"] == "dat-dai" and first["officer"] == "staff1"
    assert first["finished_at"] == "2026-11-26T09:00:00+07:00"
    assert first["outcome_label"] == "Yêu cầu bổ sung, hoàn thiện"


def test_a_dossier_history_is_for_staff_and_up(client, accounts):
    serve(client, accounts, {"dossiers": ["HS-001"]})
    assert client.get("/api/v1/dossiers/HS-001").status_code == 401
    assert client.get("/api/v1/dossiers/HS-001",
                      headers=bearer(accounts["kiosk"])).status_code == 403
    for user in ("otherstaff", "manager1", "admin1"):
        assert client.get("/api/v1/dossiers/HS-001",
                          headers=bearer(accounts[user])).status_code == 200
    unseen = client.get("/api/v1/dossiers/HS-999", headers=bearer(accounts["staff1"]))
    assert unseen.status_code == 404 and error_code(unseen) == "unknown_dossier"


def test_a_renamed_outcome_shows_in_the_history(client, accounts, app):
    set_office(app, outcome_labels={"supplement": "Trả lại để bổ sung"})
    serve(client, accounts, {"outcome": "supplement", "dossiers": ["HS-001"]})
    body = client.get("/api/v1/dossiers/HS-001", headers=bearer(accounts["staff1"])).get_json()
    assert body["visits"][0]["outcome_label"] == "Trả lại để bổ sung"


def test_the_feed_lists_finished_and_absent_visits_with_their_rating(client, accounts,
                                                                     integration, clock):
    ticket = serve(client, accounts, {"outcome": "received", "dossiers": ["HS-001"]}).get_json()
    client.post(f"/api/v1/tickets/{ticket['code']}/feedback", json={"rating": 5})
    issue(client, accounts)
    act(client, accounts["staff1"], "call-next")
    act(client, accounts["staff1"], "recall")
    act(client, accounts["staff1"], "no-show")
    issue(client, accounts)  # still waiting: not a visit yet
    feed = client.get(OFFICE + "/visits?from=2026-11-26&to=2026-11-26",
                      headers=bearer(integration["test-office"]))
    assert feed.status_code == 200
    done, absent = feed.get_json()
    assert done["visit"] == "test-office/2026-11-26/1001"
    assert done["dossiers"] == ["HS-001"] and done["outcome"] == "received"
    assert done["status"] == "done" and done["counter"] == 1 and done["officer"] == "staff1"
    assert done["wait_s"] == 0 and done["service_s"] == 0
    assert done["rating"]["rating"] == 5 and done["rating"]["form_version"] == 1
    assert done["rating"]["answers"] == {} and "comment" not in done["rating"]
    assert "code" not in done  # the ticket's lookup code stays a secret
    assert absent["status"] == "no_show" and absent["rating"] is None
    assert absent["service_s"] is None


def test_the_feed_as_csv_and_xlsx(client, accounts, integration):
    serve(client, accounts, {"outcome": "supplement", "dossiers": ["HS-001", "HS-002"]})
    headers = bearer(integration["test-office"])
    csv = client.get(OFFICE + "/visits?format=csv", headers=headers)
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    lines = csv.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0].split(";")[:8] == ["visit", "office", "day", "number", "service", "status",
                                       "outcome", "dossiers"]
    assert "HS-001 HS-002" in lines[1] and "supplement" in lines[1]
    xlsx = client.get(OFFICE + "/visits?format=xlsx", headers=headers)
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "visit" and rows[1][0] == "test-office/2026-11-26/1001"
    assert rows[1][rows[0].index("dossiers")] == "HS-001 HS-002"
    bad = client.get(OFFICE + "/visits?format=pdf", headers=headers)
    assert bad.status_code == 400 and error_code(bad) == "unknown_format"


def test_who_may_read_the_feed(client, accounts, integration):
    url = OFFICE + "/visits"
    assert client.get(url).status_code == 401
    for allowed in (integration["test-office"], accounts["manager1"], accounts["admin1"]):
        assert client.get(url, headers=bearer(allowed)).status_code == 200
    for refused in (integration["other-office"], accounts["staff1"], accounts["kiosk"]):
        assert client.get(url, headers=bearer(refused)).status_code == 403
    assert client.get(url + "?from=2026-13-01",
                      headers=bearer(accounts["manager1"])).status_code == 400


def test_an_integration_token_only_reads(client, accounts, integration):
    token = bearer(integration["test-office"])
    assert client.post(OFFICE + "/tickets", json={"service": "dat-dai"},
                       headers=token).status_code == 403
    assert client.post(OFFICE + "/counters/1/call-next", headers=token).status_code == 403
    assert client.get(OFFICE + "/stats", headers=token).status_code == 403
    assert client.get("/api/v1/dossiers/HS-001", headers=token).status_code == 403


THREE_LEVELS = {"levels": 3, "labels": [], "questions": [
    {"code": "thai-do", "text": "Thái độ phục vụ", "criterion": "cbcc"}]}


def use_form(app, form):
    from queue_server.feedback.forms import remember_form

    with app.extensions["queue"].sessions() as session:
        office = find_office(session, "test-office")
        office.rating_form = form
        remember_form(session, office, now=office_now(app))
        session.commit()


def office_now(app):
    return app.extensions["queue"].clock()


@pytest.mark.parametrize(("body", "message"), [
    ({"rating": 4}, "Mức đánh giá phải từ 1 đến 3."),
    ({"rating": 3, "answers": {"thai-do": 5}}, "Câu trả lời cho “thai-do” phải từ 1 đến 3."),
    ({"rating": 3, "answers": {"co-so": 1}}, "Phiếu đánh giá không có câu hỏi “co-so”."),
])
def test_ratings_outside_the_offices_form_are_400(client, accounts, app, body, message):
    use_form(app, THREE_LEVELS)
    ticket = serve(client, accounts).get_json()
    refused = client.post(f"/api/v1/tickets/{ticket['code']}/feedback", json=body)
    assert refused.status_code == 400
    assert refused.get_json()["error"]["message"] == message
    assert refused.get_json()["error"]["code"] in ("invalid_rating", "invalid_answers")


def test_the_feed_carries_the_answers_and_the_form_version(client, accounts, app, integration):
    use_form(app, THREE_LEVELS)
    ticket = serve(client, accounts, {"outcome": "received"}).get_json()
    rated = client.post(f"/api/v1/tickets/{ticket['code']}/feedback",
                        json={"rating": 3, "answers": {"thai-do": 2}})
    assert rated.status_code == 201
    assert rated.get_json()["answers"] == {"thai-do": 2}
    [visit] = client.get(OFFICE + "/visits", headers=bearer(integration["test-office"])).get_json()
    assert visit["rating"] == {"rating": 3, "levels": 3, "form_version": 2,
                               "answers": {"thai-do": 2}, "reasons": [], "visits": None,
                               "source": "phone", "rated_at": "2026-11-26T09:00:00+07:00"}


def test_a_paper_form_is_typed_in_by_staff_of_the_office(client, accounts, app):
    ticket = serve(client, accounts).get_json()
    url = OFFICE + "/paper-ratings"
    body = {"number": ticket["number"], "rating": 4, "visits": "first"}
    assert client.post(url, json=body).status_code == 401
    assert client.post(url, json=body, headers=bearer(accounts["otherstaff"])).status_code == 403
    entered = client.post(url, json=body, headers=bearer(accounts["staff1"]))
    assert entered.status_code == 201 and entered.get_json()["rating"] == 4
    again = client.post(url, json=body, headers=bearer(accounts["staff1"]))
    assert again.status_code == 409 and error_code(again) == "already_rated"
    unknown = client.post(url, json={**body, "number": "9999"},
                          headers=bearer(accounts["staff1"]))
    assert unknown.status_code == 404 and error_code(unknown) == "paper_ticket_not_found"
    yesterday = client.post(url, json={**body, "day": "2026-11-25"},
                            headers=bearer(accounts["staff1"]))
    assert yesterday.status_code == 404
    bad_day = client.post(url, json={**body, "day": "hôm qua"},
                          headers=bearer(accounts["staff1"]))
    assert bad_day.status_code == 400 and error_code(bad_day) == "invalid_date"
    with app.extensions["queue"].sessions() as session:
        from queue_server.models import Feedback, FeedbackSource, User

        feedback = session.scalars(select(Feedback)).one()
        assert feedback.source is FeedbackSource.PAPER
        assert session.get(User, feedback.entered_by_id).username == "staff1"


def test_the_audit_page_shows_a_corrected_visit_before_and_after(app, client, accounts):
    from ..support.browsing import Browser

    ticket = serve(client, accounts, {"outcome": "supplement", "dossiers": ["HS-001"]}).get_json()
    client.put(f"/api/v1/tickets/{ticket['code']}/visit", json={"outcome": "received"},
               headers=bearer(accounts["staff1"]))
    page = Browser(app, "manager1").get("/admin/audit?kind=ticket:visit_recorded")
    text = page.get_data(as_text=True)
    assert "Ghi kết quả tiếp nhận" in text
    assert ("Kết quả tiếp nhận: <del>Yêu cầu bổ sung, hoàn thiện</del> → "
            "<ins>Tiếp nhận hồ sơ</ins>") in text
