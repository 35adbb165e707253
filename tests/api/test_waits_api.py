"""GET /api/v1/waits: where to go now across the province, open offices first, kept briefly."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from queue_server.models import Procedure
from queue_server.setup.seeding import apply_office_specs
from queue_server.tickets import lifecycle
from queue_server.tickets.lifecycle import Actor
from queue_server.tickets.queue_state import find_office

from ..conftest import THURSDAY_9AM, office_spec

KEYS = {"office", "name", "kind", "address", "location", "open_now", "next_open", "waiting",
        "estimated_wait_s", "url"}


@pytest.fixture
def network(app):
    """Four offices with land services: busy, quiet, closed today, and land closed by staff."""
    state = app.extensions["queue"]
    with state.sessions() as session:
        apply_office_specs(session, [
            office_spec(kind="centre", address="01 Trần Phú", location=(12.24, 109.19)),
            office_spec(slug="other-office", name="Phường Khác", kind="commune",
                        location=(12.0, 109.1)),
            office_spec(slug="weekend-office", name="Xã Cuối tuần", kind="branch",
                        opening_hours="Sa 07:30-11:30"),
            office_spec(slug="shut-office", name="Xã Đóng"),
        ])
        find_office(session, "shut-office").services[0].is_closed = True
        busy = find_office(session, "test-office")
        for _ in range(6):
            lifecycle.issue_ticket(session, busy, "dat-dai", now=THURSDAY_9AM, actor=Actor())
        session.commit()
    return app


def issue(app, slug: str, service: str = "dat-dai") -> None:
    with app.extensions["queue"].sessions() as session:
        lifecycle.issue_ticket(session, find_office(session, slug), service, now=THURSDAY_9AM,
                               actor=Actor())
        session.commit()


def test_open_offices_come_first_by_wait_then_closed_ones_by_when_they_open(network, client):
    response = client.get("/api/v1/waits?service=dat-dai")
    assert response.status_code == 200
    found = response.get_json()
    assert [office["office"] for office in found] == [
        "other-office", "test-office", "weekend-office", "shut-office"]
    quiet, busy, weekend, shut = found
    assert quiet["open_now"] and busy["open_now"]
    assert quiet["estimated_wait_s"] < busy["estimated_wait_s"]
    assert (quiet["waiting"], busy["waiting"]) == (0, 6)
    assert not weekend["open_now"] and weekend["estimated_wait_s"] is None
    assert weekend["next_open"] == "2026-11-28T07:30:00+07:00"  # the Saturday
    # Closed by staff in opening hours: nobody can say when it takes tickets again.
    assert not shut["open_now"] and shut["next_open"] is None
    assert shut["waiting"] == 0


def test_each_office_carries_its_place_and_a_page_for_citizens(network, client):
    busy = next(office for office in client.get("/api/v1/waits?service=dat-dai").get_json()
                if office["office"] == "test-office")
    assert set(busy) >= KEYS
    assert busy.pop("estimated_wait_s") > 0
    assert busy == {
        "office": "test-office", "name": "Bộ phận Một cửa – Xã Thử", "kind": "centre",
        "area": "", "address": "01 Trần Phú", "location": [12.24, 109.19], "open_now": True,
        "next_open": None, "waiting": 6, "url": "http://queue.test/province/test-office",
        "booking_url": None, "service": "dat-dai", "service_name": "Đất đai",
        "service_name_en": "Đất đai"}
    weekend = next(office for office in client.get("/api/v1/waits?service=dat-dai").get_json()
                   if office["office"] == "weekend-office")
    assert (weekend["kind"], weekend["location"], weekend["address"]) == ("branch", None, "")


def test_the_link_is_the_booking_page_where_the_service_takes_bookings(network, client):
    state = network.extensions["queue"]
    with state.sessions() as session:
        find_office(session, "other-office").services[0].booking_capacity = 2
        session.commit()
    found = {office["office"]: office
             for office in client.get("/api/v1/waits?service=dat-dai").get_json()}
    assert found["other-office"]["url"] == "http://queue.test/dat-lich/other-office"
    assert found["other-office"]["booking_url"] == found["other-office"]["url"]
    assert found["test-office"]["booking_url"] is None


def test_a_procedure_is_answered_by_the_offices_whose_catalogue_offers_it(network, client):
    state = network.extensions["queue"]
    with state.sessions() as session:
        for slug in ("test-office", "other-office"):
            office = find_office(session, slug)
            session.add(Procedure(office_id=office.id, code="1.001193", name="Khai sinh",
                                  service_id=office.services[1].id,
                                  updated_at=THURSDAY_9AM))
        hidden = find_office(session, "weekend-office")
        session.add(Procedure(office_id=hidden.id, code="1.001193", name="Khai sinh",
                              service_id=hidden.services[1].id, is_hidden=True,
                              updated_at=THURSDAY_9AM))
        session.commit()
    issue(network, "other-office", "tu-phap")
    found = client.get("/api/v1/waits?procedure=1.001193").get_json()
    assert [office["office"] for office in found] == ["test-office", "other-office"]
    assert found[0]["service"] == "tu-phap"
    assert found[0]["url"] == "http://queue.test/thu-tuc/test-office/1.001193"


@pytest.mark.parametrize(("query", "status", "code"), [
    ("", 400, "service_or_procedure_required"),
    ("?service=", 400, "service_or_procedure_required"),
    ("?service=dat-dai&procedure=1.001", 400, "service_or_procedure_required"),
    ("?service=" + "x" * 65, 400, "service_or_procedure_required"),
    ("?office=test-office", 400, "unknown_parameter"),
    ("?service=nope", 404, "unknown_service"),
    ("?procedure=9.999", 404, "unknown_procedure"),
])
def test_a_bad_question_is_refused_with_a_code(network, client, query, status, code):
    response = client.get("/api/v1/waits" + query, headers={"Accept-Language": "vi"})
    assert response.status_code == status
    error = response.get_json()["error"]
    assert error["code"] == code and error["message"]
    assert "{" not in error["message"]


def test_a_retired_service_or_office_is_not_offered(network, client):
    state = network.extensions["queue"]
    with state.sessions() as session:
        find_office(session, "other-office").services[0].is_active = False
        find_office(session, "weekend-office").is_active = False
        session.commit()
    found = client.get("/api/v1/waits?service=dat-dai").get_json()
    assert [office["office"] for office in found] == ["test-office", "shut-office"]


def test_the_answer_is_kept_a_few_seconds_and_costs_no_query_meanwhile(network, client):
    first = client.get("/api/v1/waits?service=dat-dai")
    assert first.headers["Cache-Control"] == "public, max-age=5"
    issue(network, "other-office")
    statements = []
    engine = network.extensions["queue"].engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731  # one line is enough
    event.listen(engine, "before_cursor_execute", listener)
    try:
        answers = [client.get("/api/v1/waits?service=dat-dai") for _ in range(200)]
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert {answer.data for answer in answers} == {first.data}
    assert [s for s in statements if "offices" in s or "tickets" in s] == []
    network.extensions["queue_server.waits"].clear()
    fresh = {office["office"]: office["waiting"]
             for office in client.get("/api/v1/waits?service=dat-dai").get_json()}
    assert fresh["other-office"] == 1


def test_anyone_may_ask_without_a_token(network, app):
    response = app.test_client().get("/api/v1/waits?service=tu-phap")
    assert response.status_code == 200
    assert len(response.get_json()) == 4
