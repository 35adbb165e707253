"""Dossier codes: normalised, checked against the office's pattern (the built-in one takes the
codes provinces print), at most ten a visit; the events a province's system receives."""

from __future__ import annotations

import json

import pytest

from queue_server.core.errors import InvalidInput
from queue_server.feedback.ratings import submit_feedback
from queue_server.models import FeedbackSource
from queue_server.tickets import lifecycle
from queue_server.tickets.lifecycle import Actor
from queue_server.visits import recording
from queue_server.visits.dossiers import MAX_CODES, checked_codes, normalise
from queue_server.visits.events import rating_received_event, visit_finished_event
from queue_server.visits.history import dossier_history

from ..conftest import THURSDAY_9AM, local


@pytest.mark.parametrize("code", [
    "000.00.31.H57-241203-0001",  # the national public-service portal's form
    "H57.22-241203-0001", "G12.45-20250701-0012", "2503-0001/TN", "HS_2026_0001", "ABCD"])
def test_the_built_in_pattern_takes_the_codes_provinces_print(make_office, code):
    office = make_office()
    assert checked_codes(office, [code.lower()]) == {code: code.lower()}


@pytest.mark.parametrize("code", ["", "   ", "ab", "HS 001", "-HS-001", "=HYPERLINK(1)",
                                  "HS-001;DROP", "HỒ-SƠ-1", "A" * 65])
def test_the_built_in_pattern_refuses_anything_else(make_office, code):
    with pytest.raises(InvalidInput) as raised:
        checked_codes(make_office(), [code])
    assert raised.value.code == "invalid_dossier_code"


def test_codes_are_trimmed_upper_cased_and_counted_once(make_office):
    office = make_office()
    assert normalise("  h57.22-241203-0001\t") == "H57.22-241203-0001"
    assert list(checked_codes(office, ["hs-1a", " HS-1A ", "HS-2B"])) == ["HS-1A", "HS-2B"]


def test_at_most_ten_codes_a_visit(make_office):
    office = make_office()
    assert len(checked_codes(office, [f"HS-{i:04}" for i in range(MAX_CODES)])) == MAX_CODES
    with pytest.raises(InvalidInput) as raised:
        checked_codes(office, [f"HS-{i:04}" for i in range(MAX_CODES + 1)])
    assert (raised.value.code, raised.value.message_key) == ("invalid_dossier_code",
                                                             "too_many_dossier_codes")


def test_an_office_pattern_replaces_the_built_in_one(make_office):
    office = make_office(dossier_pattern=r"CL-\d{6}")
    assert list(checked_codes(office, ["cl-123456"])) == ["CL-123456"]
    with pytest.raises(InvalidInput):
        checked_codes(office, ["000.00.31.H57-241203-0001"])
    with pytest.raises(InvalidInput):  # the whole code must match, not a part of it
        checked_codes(office, ["CL-1234567"])


def serve(session, office, *, outcome=None, dossiers=None, counter=1, at=THURSDAY_9AM):
    actor = Actor()
    lifecycle.issue_ticket(session, office, "dat-dai", now=at, actor=actor)
    desk = lifecycle.find_counter(session, office, counter)
    lifecycle.call_next(session, desk, now=at, actor=actor)
    return recording.finish_visit(session, desk, outcome=outcome, dossiers=dossiers, now=at,
                                  actor=actor)


def test_the_history_lists_finished_visits_oldest_first_across_offices(session, make_office):
    office = make_office()
    other = make_office(slug="phuong-khac", name="Phường Khác")
    serve(session, other, outcome="supplement", dossiers=["HS-9"], counter=2,
          at=local(2026, 12, 3, 9, 15))
    serve(session, office, outcome="received", dossiers=["hs-9", "HS-10"],
          at=local(2026, 12, 4, 8, 0))
    history = dossier_history(session, " hs-9 ")
    assert history["dossier"] == "HS-9" and history["contacts"] == 2
    assert [(v["office"], v["counter"], v["outcome"], v["finished_at"])
            for v in history["visits"]] == [
        ("phuong-khac", 2, "supplement", "2026-12-03T09:15:00+07:00"),
        ("test-office", 1, "received", "2026-12-04T08:00:00+07:00")]
    assert dossier_history(session, "HS-11") is None


def test_the_event_bodies_are_json_ready_and_say_what_the_feed_says(session, make_office):
    office = make_office()
    ticket = serve(session, office, outcome="supplement", dossiers=["HS-1", "HS-2"])
    finished = visit_finished_event(session, ticket)
    assert json.loads(json.dumps(finished)) == finished
    assert finished["event"] == "visit.finished"
    visit = finished["visit"]
    assert visit["visit"] == "test-office/2026-11-26/1001"
    assert (visit["outcome"], visit["dossiers"], visit["status"]) == (
        "supplement", ["HS-1", "HS-2"], "done")
    assert visit["counter"] == 1 and visit["wait_s"] == 0 and "rating" not in visit
    assert ticket.code not in json.dumps(finished)  # the lookup code stays a secret
    feedback = submit_feedback(session, ticket, rating=4, reasons=None, comment="Tốt",
                               visits="second", source=FeedbackSource.TABLET,
                               now=THURSDAY_9AM)
    rated = rating_received_event(session, feedback)
    assert json.loads(json.dumps(rated)) == rated
    assert rated == {"event": "rating.received", "visit": "test-office/2026-11-26/1001",
                     "office": "test-office", "number": "1001", "dossiers": ["HS-1", "HS-2"],
                     "outcome": "supplement",
                     "rating": {"rating": 4, "levels": 5, "form_version": 1, "answers": {},
                                "reasons": [], "visits": "second", "source": "tablet",
                                "rated_at": "2026-11-26T09:00:00+07:00"}}
