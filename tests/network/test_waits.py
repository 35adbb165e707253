"""Where to go now, over a session with a fixed clock: which offices, in which order, and the
same figures as each office's kiosk."""

from __future__ import annotations

from datetime import timedelta

import pytest

from queue_server.core.errors import NotFound
from queue_server.models import Procedure
from queue_server.network.waits import waits_for_procedure, waits_for_service
from queue_server.setup.seeding import apply_office_specs
from queue_server.tickets import lifecycle
from queue_server.tickets.lifecycle import Actor
from queue_server.tickets.queue_state import load_queue

from ..conftest import THURSDAY_9AM, office_spec


@pytest.fixture
def offices(session):
    """Busy (3 waiting), quiet, a holiday today, and one whose land counter is retired."""
    specs = [office_spec(slug="busy"), office_spec(slug="quiet", name="Quiet"),
             office_spec(slug="holiday", holidays=(THURSDAY_9AM.date(),)),
             office_spec(slug="no-counter", counters=office_spec().counters[2:])]
    made = {office.slug: office for office in apply_office_specs(session, specs)}
    for _ in range(3):
        lifecycle.issue_ticket(session, made["busy"], "dat-dai", now=THURSDAY_9AM, actor=Actor())
    session.commit()
    return made


def slugs(waits) -> list[str]:
    return [wait.office.slug for wait in waits]


def test_open_offices_come_first_by_wait_and_closed_ones_after(session, offices):
    waits = waits_for_service(session, "dat-dai", THURSDAY_9AM)
    assert slugs(waits) == ["quiet", "busy", "holiday", "no-counter"]
    quiet, busy, holiday, no_counter = waits
    assert quiet.is_open and busy.is_open
    assert (quiet.waiting, busy.waiting) == (0, 3)
    assert quiet.estimated_wait_s < busy.estimated_wait_s
    # A holiday: closed until the next working morning.
    assert not holiday.is_open and holiday.estimated_wait_s is None
    assert holiday.next_open == (THURSDAY_9AM + timedelta(days=1)).replace(hour=7, minute=30)
    # Nobody calls the service there: closed, and nobody can say until when.
    assert not no_counter.is_open and no_counter.next_open is None


def test_the_wait_is_the_one_the_office_s_kiosk_shows(session, offices):
    busy = next(w for w in waits_for_service(session, "dat-dai", THURSDAY_9AM)
                if w.office.slug == "busy")
    kiosk = load_queue(session, offices["busy"], THURSDAY_9AM).forecast_new(busy.service.id)
    assert busy.estimated_wait_s == kiosk.estimated_wait_s


def test_after_hours_every_office_is_closed_and_ordered_by_when_it_opens(session, offices):
    evening = THURSDAY_9AM.replace(hour=18)
    waits = waits_for_service(session, "dat-dai", evening)
    assert not any(wait.is_open for wait in waits)
    friday_morning = (evening + timedelta(days=1)).replace(hour=7, minute=30)
    assert [(wait.office.slug, wait.next_open) for wait in waits][:3] == [
        ("busy", friday_morning), ("holiday", friday_morning), ("no-counter", friday_morning)]


def test_a_procedure_is_served_where_a_catalogue_offers_it(session, offices):
    for slug in ("busy", "quiet"):
        office = offices[slug]
        session.add(Procedure(office_id=office.id, code="1.001", name="Khai sinh",
                              service_id=office.services[1].id, updated_at=THURSDAY_9AM))
    session.flush()
    waits = waits_for_procedure(session, "1.001", THURSDAY_9AM)
    assert sorted(slugs(waits)) == ["busy", "quiet"]
    assert {wait.service.code for wait in waits} == {"tu-phap"}
    assert all(wait.procedure.code == "1.001" for wait in waits)


@pytest.mark.parametrize(("find", "code"), [(waits_for_service, "unknown_service"),
                                            (waits_for_procedure, "unknown_procedure")])
def test_a_code_no_office_offers_is_not_found(session, offices, find, code):
    with pytest.raises(NotFound) as refused:
        find(session, "nope", THURSDAY_9AM)
    assert refused.value.code == code and refused.value.params == {"code": "nope"}


def test_the_answer_lets_other_requests_run_between_two_offices(session, offices, monkeypatch):
    turns = []
    monkeypatch.setattr("queue_server.network.waits.let_others_run", lambda: turns.append(1))
    waits = waits_for_service(session, "dat-dai", THURSDAY_9AM)
    assert len(turns) == len(waits) == 4
