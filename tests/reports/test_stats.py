"""Report figures against hand-worked values for the scripted day (tests/support/reports_day.py)."""

from datetime import date

import pytest

from queue_server.reports.figures import Filters, Period
from queue_server.reports.period_reports import office_report

from ..support.reports_day import at, script_day

THURSDAY = Period(date(2026, 11, 26), date(2026, 11, 26))


@pytest.fixture
def day(session, make_office):
    office = make_office()
    return office, script_day(session, office)


def report(session, office, period=THURSDAY, **filters):
    return office_report(session, office, period, at(16, 0), Filters(**filters))


def by(rows, key, value):
    return next(row for row in rows if row[key] == value)


def test_counts_cover_every_ticket_of_the_local_day(session, day):
    office, _ = day
    figures = report(session, office)
    assert (figures["issued"], figures["called"], figures["served"], figures["no_show"],
            figures["cancelled"]) == (8, 6, 5, 1, 1)


def test_wait_is_first_call_minus_issue_for_every_called_ticket_including_no_shows(
        session, day):
    office, _ = day
    # T1 600, T2 1200, T3 1200 (no-show), T4 300 (its first call, before the transfer),
    # T5 60, T8 300: sorted 60 300 300 600 1200 1200.
    assert report(session, office)["wait_s"] == {"mean": 610.0, "p50": 300, "p90": 1200,
                                                 "max": 1200}


def test_service_is_finish_minus_the_call_that_brought_the_citizen(session, day):
    office, _ = day
    # T1 600, T2 480 (from its recall at 08:27), T4 600 (from the call after the transfer),
    # T5 120, T8 1200: sorted 120 480 600 600 1200.
    assert report(session, office)["service_s"] == {"mean": 600.0, "p50": 600, "p90": 1200,
                                                    "max": 1200}


def test_share_over_target_counts_called_tickets_that_waited_longer_than_the_target(
        session, day):
    office, _ = day
    assert report(session, office)["over_target"] == {"count": 2, "share": 0.3333}


def test_satisfaction_reasons_and_repeat_visits(session, day):
    office, _ = day
    figures = report(session, office)
    assert figures["satisfaction"] == {
        "responses": 4, "satisfied_share": 0.5,
        "by_rating": {"1": 0, "2": 1, "3": 1, "4": 0, "5": 2},
        "reasons": {"officer_attitude": 0, "waiting_time": 1, "procedure_unclear": 1,
                    "asked_to_come_back": 0, "facilities": 0, "other": 0},
        "comments": 2}
    assert figures["repeat_visits"] == {
        "answered": 2, "first": 1, "second": 1, "three_or_more": 0, "repeat_share": 0.5,
        "dossier_tickets": 2, "dossier_repeats": 1}


def test_by_service_uses_the_service_the_number_was_issued_for(session, day):
    office, _ = day
    rows = report(session, office)["by_service"]
    assert [row["service"] for row in rows] == ["dat-dai", "tu-phap", "tra-ket-qua"]
    land = by(rows, "service", "dat-dai")
    assert (land["issued"], land["called"], land["served"], land["no_show"],
            land["cancelled"]) == (6, 4, 3, 1, 1)
    assert land["wait_s"] == {"mean": 825.0, "p50": 600, "p90": 1200, "max": 1200}
    assert land["service_s"] == {"mean": 760.0, "p50": 600, "p90": 1200, "max": 1200}
    assert land["over_target"] == {"count": 2, "share": 0.5}
    justice = by(rows, "service", "tu-phap")
    assert (justice["issued"], justice["wait_s"]["max"], justice["service_s"]["max"]) == (
        1, 300, 600)
    assert justice["satisfaction"]["satisfied_share"] == 0.0
    assert by(rows, "service", "tra-ket-qua")["satisfaction"]["satisfied_share"] == 1.0


def test_by_counter_and_by_staff_follow_the_counter_and_officer_that_last_called(
        session, day):
    office, _ = day
    figures = report(session, office)
    assert [row["counter"] for row in figures["by_counter"]] == [1, 2, 4]
    one = by(figures["by_counter"], "counter", 1)
    assert (one["called"], one["served"], one["no_show"]) == (3, 2, 1)
    assert one["wait_s"] == {"mean": 700.0, "p50": 600, "p90": 1200, "max": 1200}
    two = by(figures["by_counter"], "counter", 2)
    assert two["service_s"] == {"mean": 840.0, "p50": 480, "p90": 1200, "max": 1200}
    assert [row["staff"] for row in figures["by_staff"]] == ["canbo.an", "canbo.binh"]
    binh = by(figures["by_staff"], "staff", "canbo.binh")
    assert binh["name"] == "Trần Thị Bình"
    assert (binh["called"], binh["served"], binh["no_show"]) == (3, 3, 0)
    assert binh["wait_s"] == {"mean": 520.0, "p50": 300, "p90": 1200, "max": 1200}
    assert binh["satisfaction"]["satisfied_share"] == 0.5


def test_by_hour_uses_the_local_hour_of_issue(session, day):
    office, _ = day
    rows = report(session, office)["by_hour"]
    assert [(row["hour"], row["issued"], row["called"]) for row in rows] == [
        (8, 3, 3), (9, 2, 2), (10, 2, 0), (13, 1, 1)]
    assert rows[0]["wait_s"] == {"mean": 1000.0, "p50": 1200, "p90": 1200, "max": 1200}
    assert rows[2]["wait_s"] == {"mean": None, "p50": None, "p90": None, "max": None}


def test_filters_narrow_every_figure(session, day):
    office, script = day
    land = next(s for s in office.services if s.code == "dat-dai")
    by_service = report(session, office, service_id=land.id)
    assert by_service["issued"] == 6 and by_service["filters"]["service"] == "dat-dai"
    assert [row["service"] for row in by_service["by_service"]] == ["dat-dai"]
    by_officer = report(session, office, officer_id=script.officers["an"])
    assert (by_officer["called"], by_officer["served"]) == (3, 2)
    assert by_officer["filters"]["staff"] == "canbo.an"
    counter_four = next(c for c in office.counters if c.number == 4)
    assert report(session, office, counter_id=counter_four.id)["service_s"]["max"] == 120


def test_the_period_is_made_of_local_days(session, day):
    office, _ = day
    both = report(session, office, Period(date(2026, 11, 25), date(2026, 11, 26)))
    assert both["issued"] == 9
    wednesday = report(session, office, Period(date(2026, 11, 25), date(2026, 11, 25)))
    assert (wednesday["issued"], wednesday["wait_s"]["mean"]) == (1, 300.0)
    # T0's dossier has no earlier ticket; T5 repeats it only when both days are counted.
    assert wednesday["repeat_visits"]["dossier_repeats"] == 0


def test_an_empty_period_gives_zeros_and_nulls(session, day):
    office, _ = day
    empty = report(session, office, Period(date(2026, 12, 1), date(2026, 12, 31)))
    assert (empty["issued"], empty["wait_s"]["p90"], empty["satisfaction"]["satisfied_share"],
            empty["by_service"], empty["by_hour"]) == (0, None, None, [], [])
