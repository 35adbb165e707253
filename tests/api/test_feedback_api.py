"""POST /tickets/{code}/feedback: one rating per finished ticket, attributed, bounded, limited."""

import pytest
from sqlalchemy import select

from queue_server.feedback import ratings as feedback_module
from queue_server.models import DeviceKind, Feedback, FeedbackSource, User, VisitCount
from queue_server.security.tokens import add_device
from queue_server.tickets.queue_state import find_office

from ..conftest import bearer

OFFICE = "/api/v1/offices/test-office"


def issue(client, accounts, service="dat-dai") -> dict:
    response = client.post(OFFICE + "/tickets", json={"service": service},
                           headers=bearer(accounts["kiosk"]))
    assert response.status_code == 201
    return response.get_json()


def act(client, accounts, counter: int, action: str):
    return client.post(f"{OFFICE}/counters/{counter}/{action}", headers=bearer(accounts["staff1"]))


def finished_ticket(client, accounts, counter: int = 1) -> dict:
    ticket = issue(client, accounts)
    assert act(client, accounts, counter, "call-next").get_json()["code"] == ticket["code"]
    assert act(client, accounts, counter, "finish").status_code == 200
    return ticket


def rate(client, code: str, headers=None, environ=None, **body):
    return client.post(f"/api/v1/tickets/{code}/feedback", json=body, headers=headers or {},
                       environ_base=environ or {})


def stored(app, code: str) -> Feedback | None:
    with app.extensions["queue"].sessions() as session:
        return session.scalar(select(Feedback).join(Feedback.ticket).where(
            Feedback.ticket.property.mapper.class_.code == code))


def rating_tablet(app, clock, office_slug="test-office", name="tablet-1") -> str:
    with app.extensions["queue"].sessions() as session:
        office = find_office(session, office_slug)
        token = add_device(session, name, DeviceKind.RATING, office, now=clock())[1]
        session.commit()
    return token


def test_a_finished_ticket_is_rated_once_and_attributed_to_its_counter_and_officer(
        app, client, accounts):
    ticket = finished_ticket(client, accounts, counter=2)
    response = rate(client, ticket["code"], rating=2, reasons=["waiting_time", "officer_attitude"],
                    comment="  Chờ lâu quá  ", visits="second")
    assert response.status_code == 201
    assert response.get_json() == {
        "number": ticket["number"], "rating": 2,
        "reasons": ["officer_attitude", "waiting_time"], "visits": "second",
        "answers": {}, "form_version": 1, "rated_at": "2026-11-26T09:00:00+07:00"}
    row = stored(app, ticket["code"])
    with app.extensions["queue"].sessions() as session:
        officer = session.scalar(select(User).where(User.username == "staff1"))
        assert row.officer_id == officer.id
    assert row.counter_id is not None and row.source is FeedbackSource.PHONE
    assert row.comment == "Chờ lâu quá" and row.visits is VisitCount.SECOND
    second = rate(client, ticket["code"], rating=5)
    assert second.status_code == 409
    assert second.get_json()["error"]["code"] == "already_rated"
    assert stored(app, ticket["code"]).rating == 2


def test_the_counter_is_the_one_that_served_it(app, client, accounts):
    with app.extensions["queue"].sessions() as session:
        office = find_office(session, "test-office")
        counter_two = next(c.id for c in office.counters if c.number == 2)
    ticket = finished_ticket(client, accounts, counter=2)
    rate(client, ticket["code"], rating=5)
    assert stored(app, ticket["code"]).counter_id == counter_two


def test_a_ticket_finished_by_call_next_can_be_rated(client, accounts):
    first, _second = issue(client, accounts), issue(client, accounts)
    act(client, accounts, 1, "call-next")
    act(client, accounts, 1, "call-next")  # finishes the first
    assert rate(client, first["code"], rating=4).status_code == 201


def test_a_ticket_not_finished_cannot_be_rated(client, accounts):
    waiting = issue(client, accounts)
    response = rate(client, waiting["code"], rating=5)
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "ticket_not_finished"
    act(client, accounts, 1, "call-next")
    assert rate(client, waiting["code"], rating=5).status_code == 409  # called, not done


def test_an_absent_or_cancelled_ticket_cannot_be_rated(client, accounts):
    absent, cancelled = issue(client, accounts), issue(client, accounts)
    act(client, accounts, 1, "call-next")
    act(client, accounts, 1, "recall")
    assert act(client, accounts, 1, "no-show").status_code == 200
    client.post(f"/api/v1/tickets/{cancelled['code']}/cancel", headers=bearer(accounts["staff1"]))
    for ticket in (absent, cancelled):
        response = rate(client, ticket["code"], rating=1)
        assert response.status_code == 409
        assert response.get_json()["error"]["code"] == "ticket_not_finished"


def test_an_unknown_code_is_404(client):
    response = rate(client, "no-such-code", rating=5)
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "ticket_not_found"


@pytest.mark.parametrize("body, code", [
    ({}, "invalid_field"),
    ({"rating": "5"}, "invalid_field"),
    ({"rating": True}, "invalid_field"),
    ({"rating": 4.5}, "invalid_field"),
    ({"rating": 0}, "invalid_rating"),
    ({"rating": 6}, "invalid_rating"),
    ({"rating": 4, "reasons": ["waiting_time"]}, "reasons_need_low_rating"),
    ({"rating": 3, "reasons": ["rude"]}, "unknown_reason"),
    ({"rating": 3, "reasons": ["other", "other"]}, "invalid_field"),
    ({"rating": 3, "reasons": "waiting_time"}, "invalid_field"),
    ({"rating": 3, "reasons": [{"code": "other"}]}, "invalid_field"),
    ({"rating": 2, "comment": "x" * 501}, "comment_too_long"),
    ({"rating": 2, "comment": 5}, "invalid_field"),
    ({"rating": 5, "visits": "fourth"}, "invalid_visits"),
    ({"rating": 5, "visits": 2}, "invalid_field"),
    ({"rating": 5, "stars": 5}, "unknown_field"),
])
def test_bad_feedback_gets_400_with_a_code_and_nothing_is_stored(app, client, accounts, body,
                                                                   code):
    ticket = finished_ticket(client, accounts)
    response = client.post(f"/api/v1/tickets/{ticket['code']}/feedback", json=body)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == code
    assert response.get_json()["error"]["message"]
    assert stored(app, ticket["code"]) is None


@pytest.mark.parametrize("data", [b"not json", b"[1, 2]", b'"5"'])
def test_a_body_that_is_not_a_json_object_is_400(client, accounts, data):
    ticket = finished_ticket(client, accounts)
    response = client.post(f"/api/v1/tickets/{ticket['code']}/feedback", data=data,
                           content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_json"


def test_the_longest_comment_and_every_reason_are_accepted_at_the_lowest_rating(
        app, client, accounts):
    ticket = finished_ticket(client, accounts)
    response = rate(client, ticket["code"], rating=1, reasons=list(feedback_module.REASONS),
                    comment="ý" * 500, visits="three_or_more")
    assert response.status_code == 201
    row = stored(app, ticket["code"])
    assert row.reasons == list(feedback_module.REASONS) and len(row.comment) == 500


def test_a_blank_comment_is_stored_as_none_and_messages_come_in_english_on_request(
        app, client, accounts):
    ticket = finished_ticket(client, accounts)
    assert rate(client, ticket["code"], rating=3, comment="   ").status_code == 201
    assert stored(app, ticket["code"]).comment is None
    again = client.post(f"/api/v1/tickets/{ticket['code']}/feedback", json={"rating": 3},
                        headers={"Accept-Language": "en"})
    assert again.get_json()["error"]["message"].startswith("Ticket ")


def test_the_counters_tablet_rates_with_its_token_and_is_recorded_as_the_source(
        app, client, accounts, clock):
    token = rating_tablet(app, clock)
    ticket = finished_ticket(client, accounts)
    assert rate(client, ticket["code"], headers=bearer(token), rating=5).status_code == 201
    row = stored(app, ticket["code"])
    assert row.source is FeedbackSource.TABLET and row.device_id is not None


@pytest.mark.parametrize("who", ["other_tablet", "kiosk", "staff1", "bad"])
def test_only_a_rating_tablet_of_the_office_may_send_a_token(app, client, accounts, clock, who):
    tokens = {**accounts, "other_tablet": rating_tablet(app, clock, "other-office", "tablet-x"),
              "bad": "d_not-a-token"}
    ticket = finished_ticket(client, accounts)
    response = rate(client, ticket["code"], headers=bearer(tokens[who]), rating=5)
    assert response.status_code == (401 if who == "bad" else 403)
    assert stored(app, ticket["code"]) is None


def test_the_unique_ticket_is_the_backstop_when_two_ratings_race(app, client, accounts,
                                                                  monkeypatch):
    ticket = finished_ticket(client, accounts)
    assert rate(client, ticket["code"], rating=4).status_code == 201
    # As if the other request had checked before this one committed.
    monkeypatch.setattr(feedback_module, "is_rated", lambda session, ticket: False)
    response = rate(client, ticket["code"], rating=1)
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "already_rated"


def test_feedback_from_one_client_is_limited_and_others_are_not(client, accounts):
    ticket = finished_ticket(client, accounts)
    noisy = {"REMOTE_ADDR": "10.0.0.7"}
    answers = [rate(client, ticket["code"], environ=noisy, rating=9).status_code
               for _ in range(31)]
    assert answers[:30] == [400] * 30
    assert answers[30] == 429
    refused = rate(client, ticket["code"], environ=noisy, rating=5)
    assert refused.status_code == 429
    assert refused.get_json()["error"]["code"] == "too_many_requests"
    assert int(refused.headers["Retry-After"]) > 0
    other = rate(client, ticket["code"], environ={"REMOTE_ADDR": "10.0.0.8"}, rating=5)
    assert other.status_code == 201


def test_a_hall_sharing_one_address_rates_every_finished_ticket(client, accounts):
    hall = {"REMOTE_ADDR": "192.168.1.1"}  # every phone behind the office's Wi-Fi router
    tickets = [finished_ticket(client, accounts) for _ in range(40)]
    answers = [rate(client, ticket["code"], environ=hall, rating=5).status_code
               for ticket in tickets]
    assert answers == [201] * 40


def test_refused_ratings_from_one_address_are_limited_whatever_the_reason(client, accounts):
    guesser = {"REMOTE_ADDR": "10.0.0.9"}
    rated, waiting = finished_ticket(client, accounts), issue(client, accounts, "tu-phap")
    assert rate(client, rated["code"], environ=guesser, rating=4).status_code == 201
    answers = [rate(client, code, environ=guesser, rating=5).status_code
               for code in [rated["code"], waiting["code"]] * 15]
    assert answers == [409] * 30
    assert rate(client, finished_ticket(client, accounts)["code"], environ=guesser,
                rating=5).status_code == 429


def test_the_rating_tablet_is_not_held_by_the_phone_limit(app, client, accounts, clock):
    token = rating_tablet(app, clock)
    ticket = finished_ticket(client, accounts)
    for _ in range(31):
        rate(client, ticket["code"], rating=9)
    assert rate(client, ticket["code"], rating=5).status_code == 429
    assert rate(client, ticket["code"], headers=bearer(token), rating=5).status_code == 201
