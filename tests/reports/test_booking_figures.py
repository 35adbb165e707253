"""The period report sets booked tickets against walk-ins: how many were called, their waits."""

from __future__ import annotations

from datetime import timedelta

from queue_server.reports.figures import Period
from queue_server.reports.period_reports import office_report
from queue_server.tickets import lifecycle
from queue_server.tickets.lifecycle import Actor
from queue_server.tickets.queue_state import find_counter_by_number

from ..support.reports_day import at

THURSDAY = Period(at(0, 0).date(), at(0, 0).date())


def test_booked_tickets_and_walk_ins_are_counted_apart_with_their_waits(session, make_office):
    office = make_office()
    actor, counter = Actor(), find_counter_by_number(session, office, 1)
    # (issued at, booking code, late?, called after minutes); one left waiting, never called.
    script = [(at(8, 0), None, False, 20), (at(8, 5), "ABCDEFGH", False, 2),
              (at(8, 10), None, False, 30), (at(8, 15), "HJKMNPQR", True, 40),
              (at(8, 20), "STUVWXYZ", False, 4), (at(8, 25), None, False, None)]
    tickets = [lifecycle.issue_ticket(session, office, "dat-dai", now=issued, actor=actor,
                                      booking_code=code, booking_late=late)
               for issued, code, late, _after in script]
    for ticket, (issued, _code, _late, after) in zip(tickets, script, strict=True):
        if after is not None:
            lifecycle.call_ticket(session, counter, ticket.number,
                                  now=issued + timedelta(minutes=after), actor=actor)
    session.commit()

    figures = office_report(session, office, THURSDAY, at(18, 0))["bookings"]

    assert figures["booked"] == {"called": 2, "mean_wait_s": 180, "median_wait_s": 180}
    # The late booking was served as a walk-in: 20, 30 and 40 minutes.
    assert figures["walk_in"] == {"called": 3, "mean_wait_s": 1800, "median_wait_s": 1800}


def test_a_day_without_bookings_has_no_booked_waits(session, make_office):
    office = make_office()
    figures = office_report(session, office, THURSDAY, at(18, 0))["bookings"]
    assert figures["booked"] == {"called": 0, "mean_wait_s": None, "median_wait_s": None}
