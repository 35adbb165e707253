"""A no-show waits the office's minimum time after the latest call or recall."""

from __future__ import annotations

from datetime import timedelta

import pytest

from queue_server.core.errors import Conflict
from queue_server.models import TicketStatus
from queue_server.setup.office_file import parse_office_document
from queue_server.tickets import lifecycle
from queue_server.tickets.lifecycle import Actor
from queue_server.tickets.queue_state import find_counter_by_number

from ..conftest import THURSDAY_9AM

ACTOR = Actor(user_id=None, device_id=None)


def called_desk(session, office):
    lifecycle.issue_ticket(session, office, "dat-dai", now=THURSDAY_9AM, actor=ACTOR)
    desk = find_counter_by_number(session, office, 1)
    lifecycle.call_next(session, desk, now=THURSDAY_9AM, actor=ACTOR)
    return desk


def no_show_at(session, desk, seconds: float):
    return lifecycle.mark_no_show(session, desk, now=THURSDAY_9AM + timedelta(seconds=seconds),
                                  actor=ACTOR)


def test_a_no_show_within_a_minute_of_the_call_is_refused_with_the_time_left(session, make_office):
    desk = called_desk(session, make_office(min_recalls_before_no_show=0,
                                            min_seconds_before_no_show=60))
    with pytest.raises(Conflict) as too_soon:
        no_show_at(session, desk, 45)
    assert too_soon.value.code == "no_show_too_soon"
    assert too_soon.value.params == {"wait_s": 60, "remaining_s": 15}
    assert no_show_at(session, desk, 60).status is TicketStatus.NO_SHOW


def test_the_wait_counts_from_the_latest_recall(session, make_office):
    desk = called_desk(session, make_office(min_recalls_before_no_show=1,
                                            min_seconds_before_no_show=60))
    lifecycle.recall(session, desk, now=THURSDAY_9AM + timedelta(seconds=90), actor=ACTOR)
    with pytest.raises(Conflict) as too_soon:
        no_show_at(session, desk, 120)
    assert too_soon.value.params["remaining_s"] == 30
    assert no_show_at(session, desk, 150).status is TicketStatus.NO_SHOW


def test_the_office_file_default_is_sixty_seconds_and_zero_turns_it_off():
    base = {"slug": "xa-a", "name": "Xã A", "opening_hours": "24/7",
            "service": [{"code": "dat-dai", "name": "Đất đai", "prefix": "1"}],
            "counter": [{"number": 1, "services": ["dat-dai"]}]}
    office, = parse_office_document({"office": [base]})
    assert office.min_seconds_before_no_show == 60
    office, = parse_office_document({"office": [{**base, "min_seconds_before_no_show": 0}]})
    assert office.min_seconds_before_no_show == 0
