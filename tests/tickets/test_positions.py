"""Every waiting ticket's forecast from one replay equals its own forecast, ticket by ticket."""

import random
from datetime import timedelta

import pytest
from sqlalchemy import select

from queue_server.core.errors import Conflict
from queue_server.models import Ticket, TicketStatus
from queue_server.setup.office_file import CounterSpec
from queue_server.tickets import lifecycle
from queue_server.tickets.lifecycle import Actor
from queue_server.tickets.positions import forecast_all, waiting_numbers
from queue_server.tickets.queue_state import find_counter_by_number, load_queue

from ..conftest import THURSDAY_9AM

ACTOR = Actor()
COUNTERS = (CounterSpec(1, "Quầy 1", ("dat-dai",)),
            CounterSpec(2, "Quầy 2", ("dat-dai", "tu-phap")),
            CounterSpec(3, "Quầy 3", ("tu-phap",)),
            CounterSpec(4, "Quầy 4", ("tra-ket-qua",)))


def play(session, office, seed: int):
    """A random morning: issues, calls, transfers, pauses; returns the moment it ends."""
    chance = random.Random(seed)
    moment = THURSDAY_9AM
    services = ["dat-dai", "tu-phap", "tra-ket-qua"]
    for _step in range(60):
        moment += timedelta(seconds=chance.randint(0, 240))
        counter = find_counter_by_number(session, office, chance.randint(1, 4))
        roll = chance.random()
        try:
            if roll < 0.55:
                lifecycle.issue_ticket(session, office, chance.choice(services), now=moment,
                                   actor=ACTOR,
                                   priority_code="elderly" if chance.random() < 0.3 else None)
            elif roll < 0.8:
                lifecycle.call_next(session, counter, now=moment, actor=ACTOR)
            elif roll < 0.9:
                target = ({"service_code": chance.choice(services)} if chance.random() < 0.5
                          else {"counter_number": chance.randint(1, 4)})
                lifecycle.transfer(session, counter, now=moment, actor=ACTOR, **target)
            elif roll < 0.95:
                lifecycle.pause_counter(session, counter, "Họp", now=moment, actor=ACTOR)
            else:
                lifecycle.finish(session, counter, now=moment, actor=ACTOR)
            session.commit()
        except Conflict:
            session.rollback()
    return moment


@pytest.mark.parametrize("seed", range(25))
@pytest.mark.parametrize("mode", ["interleaved", "strict"])
def test_one_replay_gives_each_ticket_its_own_forecast(session, make_office, seed, mode):
    office = make_office(counters=COUNTERS, priority_mode=mode, opening_hours="24/7")
    moment = play(session, office, seed)
    state = load_queue(session, office, moment)
    waiting = session.scalars(select(Ticket).where(
        Ticket.office_id == office.id, Ticket.status == TicketStatus.WAITING)).all()
    assert waiting, "the scenario should leave people waiting"
    together = forecast_all(state)
    assert set(together) == {ticket.id for ticket in waiting}
    for ticket in waiting:
        assert together[ticket.id] == state.forecast(ticket), ticket.number


def test_waiting_numbers_are_the_days_waiting_tickets(session, make_office):
    office = make_office()
    first = lifecycle.issue_ticket(session, office, "dat-dai", now=THURSDAY_9AM, actor=ACTOR)
    second = lifecycle.issue_ticket(session, office, "tu-phap", now=THURSDAY_9AM, actor=ACTOR)
    session.commit()
    lifecycle.call_next(session, find_counter_by_number(session, office, 1), now=THURSDAY_9AM,
                    actor=ACTOR)
    session.commit()
    assert waiting_numbers(session, office, THURSDAY_9AM.date()) == {second.id: "2001"}
    assert first.id not in waiting_numbers(session, office, THURSDAY_9AM.date())
