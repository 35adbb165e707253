"""The province's league table: places from wait p90, satisfaction and first contact, the
flags that make the worst offices stand out, and first contact counted per office."""

import pytest

from queue_server.models import Role
from queue_server.reports.figures import Period, Scope, empty_figures
from queue_server.reports.league import competition_ranks, league_places
from queue_server.reports.period_reports import province_report
from queue_server.reports.visit_figures import dossier_figures, first_contact_by_office
from queue_server.security.tokens import add_user
from queue_server.tickets import lifecycle
from queue_server.tickets.lifecycle import Actor
from queue_server.tickets.queue_state import find_counter_by_number
from queue_server.visits import recording

from ..support.reports_day import PASSWORD, at, script_day

THURSDAY = Period(at(0, 0).date(), at(0, 0).date())


def office_row(slug, *, served=10, p90=None, satisfied=None, first_contact=None,
               over_target_share=0.0, minimum=0.85):
    figures = empty_figures()
    figures["served"] = served
    figures["wait_s"]["p90"] = p90
    figures["satisfaction"]["satisfied_share"] = satisfied
    figures["over_target"]["share"] = over_target_share
    return {"office": slug, "name": slug, **figures, "first_contact_share": first_contact,
            "satisfaction_minimum": minimum}


def test_equal_values_share_a_place_and_the_next_one_is_skipped():
    assert competition_ranks({"a": 0.9, "b": 0.8, "c": 0.9, "d": 0.5},
                             larger_is_better=True) == {"a": 1, "c": 1, "b": 3, "d": 4}
    assert competition_ranks({"a": 300, "b": 600, "c": 300},
                             larger_is_better=False) == {"a": 1, "c": 1, "b": 3}


def test_the_place_is_the_rank_of_the_mean_of_the_figures_ranks():
    places = league_places([
        office_row("fast-happy", p90=300, satisfied=0.95, first_contact=0.9),
        office_row("fast-grumpy", p90=400, satisfied=0.60, first_contact=0.8),
        office_row("slow-happy", p90=2400, satisfied=0.97, first_contact=0.5),
    ])
    assert places["fast-happy"]["ranks"] == {"wait_p90": 1, "satisfaction": 2,
                                             "first_contact": 1}
    assert places["fast-grumpy"]["score"] == round((2 + 3 + 2) / 3, 2)
    assert [places[slug]["place"] for slug in ("fast-happy", "fast-grumpy", "slow-happy")] \
        == [1, 2, 2]  # slow-happy: (3 + 1 + 3) / 3, the same mean as fast-grumpy


def test_a_missing_figure_ranks_on_the_others_and_an_office_that_served_nobody_has_no_place():
    places = league_places([
        office_row("with-dossiers", p90=600, satisfied=0.9, first_contact=0.8),
        office_row("no-dossiers", p90=300, satisfied=0.9),
        office_row("closed", served=0),
    ])
    assert places["no-dossiers"]["ranks"] == {"wait_p90": 1, "satisfaction": 1}
    assert places["no-dossiers"]["place"] == 1
    assert places["closed"] == {"place": None, "score": None, "ranks": {}, "flags": []}


@pytest.mark.parametrize(("row", "flags"), [
    (office_row("a", over_target_share=0.11, satisfied=0.9), ["wait"]),
    (office_row("b", over_target_share=0.10, satisfied=0.84), ["satisfaction"]),
    (office_row("c", satisfied=0.90, minimum=0.95), ["satisfaction"]),
    (office_row("d", over_target_share=0.5, satisfied=0.2), ["wait", "satisfaction"]),
    (office_row("e", satisfied=None), []),
])
def test_flags_say_what_to_look_at(row, flags):
    assert league_places([row])[row["office"]]["flags"] == flags


@pytest.fixture
def two_offices(session, make_office):
    """The scripted day with visits at test-office; other-office receives HS-004 again
    (test-office received it first) and HS-900 at its first visit."""
    office = make_office()
    other = make_office(slug="other-office", name="Phường Khác")
    script_day(session, office, with_visits=True)
    officer = add_user(session, "canbo.khac", PASSWORD, Role.STAFF, other, now=at(7, 0))
    by = Actor(user_id=officer.id)
    counter = find_counter_by_number(session, other, 1)
    for minute, code in ((0, "HS-004"), (20, "HS-900")):
        lifecycle.issue_ticket(session, other, "dat-dai", now=at(15, minute), actor=Actor())
        lifecycle.call_next(session, counter, now=at(15, minute + 5), actor=by)
        ticket = lifecycle.finish(session, counter, now=at(15, minute + 10), actor=by)
        recording.record_visit(session, ticket, outcome="received", dossiers=[code],
                               now=ticket.finished_at, actor=by)
    session.commit()
    return office, other


def test_first_contact_per_office_is_the_office_reports_own_share(session, two_offices):
    office, other = two_offices
    found = first_contact_by_office(session, Scope((office.id, other.id), THURSDAY,
                                                   office.timezone))
    for each in two_offices:
        alone = dossier_figures(session, Scope((each.id,), THURSDAY, each.timezone))
        assert found[each.id] == alone["first_contact_share"]
    assert found[other.id] == 0.5  # HS-900 at its first visit; HS-004 was seen before


def test_the_province_report_places_every_office(session, two_offices):
    report = province_report(session, THURSDAY)
    rows = {row["office"]: row for row in report["offices"]}
    assert rows["other-office"]["first_contact_share"] == 0.5
    assert {row["league"]["place"] for row in rows.values()} == {1, 2}
    # Four ratings of 5, 2, 3, 5: half satisfied, under the default minimum of 85%.
    assert "satisfaction" in rows["test-office"]["league"]["flags"]
    assert report["total"]["first_contact_share"] is not None
