"""A scanned card at the kiosk: the elderly priority from its age, a keyed hash and an age band
on the ticket, and repeat visits counted per person; the card itself is never kept."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from queue_server.privacy.citizens import repeat_visits, scan_card
from queue_server.privacy.keys import CitizenKeys
from queue_server.tickets import lifecycle
from queue_server.tickets.lifecycle import Actor

from ..conftest import THURSDAY_9AM
from .cards import ID_NUMBER, card_text

KEYS = CitizenKeys.from_text("a-key-for-the-tests-only")
TODAY = THURSDAY_9AM.date()


def born_years_ago(years: int, *, days: int = 0) -> date:
    """The birthday of someone who turns `years` old `days` days from today."""
    return TODAY.replace(year=TODAY.year - years) + timedelta(days=days)


@pytest.fixture
def office(make_office):
    return make_office(elderly_priority="elderly")


def test_a_citizen_of_60_today_gets_the_elderly_priority(session, office):
    scan = scan_card(session, office, card_text(born=born_years_ago(60)), KEYS, today=TODAY)
    assert (scan.priority_code, scan.age_band) == ("elderly", "60-74")


def test_a_citizen_turning_60_tomorrow_does_not(session, office):
    scan = scan_card(session, office, card_text(born=born_years_ago(60, days=1)), KEYS,
                     today=TODAY)
    assert (scan.priority_code, scan.age_band) == (None, "40-59")


def test_the_office_chooses_the_age(session, make_office):
    office = make_office(elderly_priority="elderly", elderly_age=75)
    assert scan_card(session, office, card_text(born=born_years_ago(70)), KEYS,
                     today=TODAY).priority_code is None
    assert scan_card(session, office, card_text(born=born_years_ago(75)), KEYS,
                     today=TODAY).priority_code == "elderly"


def test_without_an_elderly_priority_no_card_gives_one(session, make_office):
    office = make_office()
    assert scan_card(session, office, card_text(born=born_years_ago(90)), KEYS,
                     today=TODAY).priority_code is None


def test_the_ticket_keeps_the_hash_and_the_band_only(session, office):
    scan = scan_card(session, office, card_text(born=born_years_ago(70)), KEYS, today=TODAY)
    ticket = lifecycle.issue_ticket(session, office, "dat-dai", now=THURSDAY_9AM,
                                    actor=Actor(), priority_code=scan.priority_code,
                                    citizen_hash=scan.citizen_hash, age_band=scan.age_band)
    session.commit()
    assert ticket.priority.code == "elderly"
    assert ticket.citizen_hash == KEYS.hash(ID_NUMBER) and ticket.age_band == "60-74"


def test_repeat_visits_are_counted_per_person(session, office):
    for minutes, number in ((0, ID_NUMBER), (10, ID_NUMBER), (20, "001099000111")):
        scan = scan_card(session, office, card_text(id_number=number), KEYS, today=TODAY)
        lifecycle.issue_ticket(session, office, "dat-dai",
                               now=THURSDAY_9AM + timedelta(minutes=minutes), actor=Actor(),
                               citizen_hash=scan.citizen_hash)
    lifecycle.issue_ticket(session, office, "dat-dai", now=THURSDAY_9AM, actor=Actor())
    counted = repeat_visits(session, office, THURSDAY_9AM, THURSDAY_9AM + timedelta(hours=1))
    assert (counted.tickets, counted.people, counted.returning) == (3, 2, 1)
