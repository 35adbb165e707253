"""The incremental plan answers exactly what a full replay of the queue answers."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from queue_server.tickets.forecast import CounterState, Forecast, Plan, forecast_for
from queue_server.tickets.ordering import PriorityRule, QueueEntry

NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)
SERVICES = (1, 2, 3, 4)


def random_office(rng: random.Random, busy_for_s=(0, 0, 30, 200, 900)):
    """Counters serving random service sets, some busy, some paused; a random queue."""
    counters = []
    for counter_id in range(1, rng.randint(1, 6) + 1):
        served = frozenset(rng.sample(SERVICES, rng.randint(1, 3)))
        free_at = NOW + timedelta(seconds=rng.choice(busy_for_s))
        counters.append(CounterState(counter_id, served, free_at, rng.randint(0, 3),
                                     is_paused=rng.random() < 0.15))
    entries = []
    for ticket_id in range(1, rng.randint(0, 60) + 1):
        queued_at = NOW - timedelta(seconds=rng.randint(0, 3600))
        target = rng.choice([c.counter_id for c in counters]) if rng.random() < 0.05 else None
        entries.append(QueueEntry(ticket_id, rng.choice(SERVICES), queued_at,
                                  rng.random() < 0.2, rng.random() < 0.1, target))
    durations = {service: float(rng.choice([60, 120, 300, 600])) for service in SERVICES}
    rule = PriorityRule(rng.choice(["strict", "interleaved"]), rng.randint(1, 3))
    return entries, counters, durations, rule


def full_replay(service_id: int, ticket_id: int, entries: list[QueueEntry],
                counters: list[CounterState], durations: dict, rule: PriorityRule,
                now: datetime = NOW) -> Forecast:
    """What the one-ticket forecast says for a new ordinary ticket issued at `now`."""
    phantom = QueueEntry(ticket_id, service_id, now, False, False, None)
    return forecast_for(phantom, [*entries, phantom], counters, durations, rule, now)


def counters_at(counters: list[CounterState], now: datetime) -> list[CounterState]:
    """The counters as a read at a later `now` sees them: none is free before it."""
    return [replace(c, free_at=max(now, c.free_at)) for c in counters]


@pytest.mark.parametrize("seed", range(200))
def test_plan_matches_a_full_replay_as_tickets_keep_arriving(seed: int) -> None:
    rng = random.Random(seed)
    entries, counters, durations, rule = random_office(rng)
    plan = Plan.simulate(entries, counters, durations, rule, NOW)
    for ticket_id in range(1000, 1000 + rng.randint(1, 15)):
        service = rng.choice(SERVICES)
        expected = full_replay(service, ticket_id, entries, counters, durations, rule)
        answer = plan.forecast_new(service, NOW)
        if answer is None:
            # Only paused counters (or none) serve it: the caller falls back to the replay.
            assert not any(service in c.service_ids and not c.is_paused for c in counters)
        else:
            assert answer == expected
        plan.take_new(service)
        entries.append(QueueEntry(ticket_id, service, NOW, False, False, None))


def test_the_plan_counts_only_calls_by_counters_that_serve_the_ticket() -> None:
    # Counter 1 serves land only and has two land tickets ahead; counter 2 serves justice.
    counters = [CounterState(1, frozenset({1}), NOW), CounterState(2, frozenset({2}), NOW)]
    entries = [QueueEntry(1, 1, NOW - timedelta(minutes=5), False, False),
               QueueEntry(2, 2, NOW - timedelta(minutes=4), False, False),
               QueueEntry(3, 1, NOW - timedelta(minutes=3), False, False)]
    plan = Plan.simulate(entries, counters, {1: 600.0, 2: 300.0}, PriorityRule(), NOW)
    assert plan.forecast_new(1, NOW) == Forecast(ahead=2, estimated_wait_s=1200)
    assert plan.forecast_new(2, NOW) == Forecast(ahead=1, estimated_wait_s=300)
    plan.take_new(1)
    assert plan.forecast_new(1, NOW) == Forecast(ahead=3, estimated_wait_s=1800)


@pytest.mark.parametrize("seed", range(200))
def test_a_plan_answers_later_exactly_while_time_moves_it_evenly(seed: int) -> None:
    # Idle offices (every counter starts now), busy ones and mixed ones; whenever the plan
    # says it answers without the drift allowance, it answers what a replay then would.
    rng = random.Random(seed)
    busy_for_s = [(0,), (30, 200, 900), (0, 0, 30, 200, 900)][seed % 3]
    entries, counters, durations, rule = random_office(rng, busy_for_s)
    plan = Plan.simulate(entries, counters, durations, rule, NOW)
    later = NOW
    for ticket_id in range(1000, 1000 + rng.randint(1, 15)):
        later += timedelta(seconds=rng.choice([0, 1, 5, 40, 400]))
        service = rng.choice(SERVICES)
        answer = plan.forecast_new(service, later)
        exact = later <= plan.exact_until or plan.all_start_now
        assert plan.answers_at(later) == (exact or later - NOW <= timedelta(seconds=2))
        if answer is not None and exact:
            assert answer == full_replay(service, ticket_id, entries,
                                         counters_at(counters, later), durations, rule, later)
        plan.take_new(service)
        entries.append(QueueEntry(ticket_id, service, later, False, False, None))


def test_a_mixed_plan_is_replayed_past_its_drift() -> None:
    # Counter 1 is idle (it starts "now"), counter 2 is busy for five minutes: as time
    # passes counter 1 starts later while counter 2 does not, which only a replay shows.
    counters = [CounterState(1, frozenset({1}), NOW),
                CounterState(2, frozenset({1}), NOW + timedelta(minutes=5))]
    plan = Plan.simulate([], counters, {1: 600.0}, PriorityRule(), NOW)
    assert not plan.all_start_now and plan.exact_until == NOW
    assert plan.answers_at(NOW + timedelta(seconds=2))
    assert not plan.answers_at(NOW + timedelta(seconds=3))
    assert not plan.answers_at(NOW - timedelta(seconds=1))  # a clock set back


def test_an_idle_office_plan_keeps_answering_as_the_day_moves_on() -> None:
    counters = [CounterState(1, frozenset({1}), NOW), CounterState(2, frozenset({1}), NOW)]
    entries = [QueueEntry(1, 1, NOW, False, False)]
    plan = Plan.simulate(entries, counters, {1: 600.0}, PriorityRule(), NOW)
    an_hour_later = NOW + timedelta(hours=1)
    assert plan.answers_at(an_hour_later)
    # Nobody was called meanwhile: the waits are as long as they were, counted from now.
    assert plan.forecast_new(1, an_hour_later) == Forecast(ahead=1, estimated_wait_s=0)
    plan.take_new(1)
    assert plan.forecast_new(1, an_hour_later) == Forecast(ahead=2, estimated_wait_s=600)


def test_a_busy_office_plan_answers_until_its_first_counter_is_due() -> None:
    counters = [CounterState(1, frozenset({1}), NOW + timedelta(minutes=5)),
                CounterState(2, frozenset({1, 2}), NOW + timedelta(minutes=10))]
    entries = [QueueEntry(1, 1, NOW, False, False), QueueEntry(2, 2, NOW, False, False)]
    durations = {1: 600.0, 2: 300.0}
    plan = Plan.simulate(entries, counters, durations, PriorityRule(), NOW)
    four_minutes_on = NOW + timedelta(minutes=4)
    assert plan.answers_at(four_minutes_on)
    assert plan.forecast_new(1, four_minutes_on) == full_replay(
        1, 9, entries, counters_at(counters, four_minutes_on), durations, PriorityRule(),
        four_minutes_on)
    assert not plan.answers_at(NOW + timedelta(minutes=6))  # counter 1 now starts "now"
