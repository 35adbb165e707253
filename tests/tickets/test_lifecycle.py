"""The ticket lifecycle, with a fixed clock."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from queue_server.core.errors import Conflict, InvalidInput
from queue_server.models import (
    AppendOnlyError,
    TicketEvent,
    TicketEventKind,
    TicketStatus,
)
from queue_server.setup.office_file import CounterSpec
from queue_server.tickets import lifecycle
from queue_server.tickets.lifecycle import Actor
from queue_server.tickets.queue_state import find_counter_by_number, ticket_forecast

from ..conftest import THURSDAY_9AM, local

ACTOR = Actor(user_id=None, device_id=None)
LAND_ONLY = (CounterSpec(1, "Quầy 1", ("dat-dai",)),)


def issue(session, office, service="dat-dai", at=THURSDAY_9AM, **options):
    ticket = lifecycle.issue_ticket(session, office, service, now=at, actor=ACTOR, **options)
    session.commit()
    return ticket


def counter(session, office, number):
    return find_counter_by_number(session, office, number)


def call(session, office, number, at=THURSDAY_9AM):
    result = lifecycle.call_next(session, counter(session, office, number), now=at, actor=ACTOR)
    session.commit()
    return result.called


def test_numbers_use_the_service_prefix_and_count_up(session, make_office):
    office = make_office()
    numbers = [issue(session, office).number for _ in range(3)]
    assert numbers == ["1001", "1002", "1003"]
    assert issue(session, office, "tu-phap").number == "2001"


def test_numbers_restart_at_local_midnight(session, make_office):
    office = make_office(opening_hours="24/7")
    assert issue(session, office, at=local(2026, 11, 26, 23, 58)).number == "1001"
    assert issue(session, office, at=local(2026, 11, 26, 23, 59)).number == "1002"
    after_midnight = issue(session, office, at=local(2026, 11, 27, 0, 1))
    assert after_midnight.number == "1001"
    assert str(after_midnight.day) == "2026-11-27"


def test_numbers_do_not_restart_when_the_utc_date_changes_at_seven(session, make_office):
    office = make_office(opening_hours="24/7")
    before = issue(session, office, at=local(2026, 11, 27, 6, 59))
    after = issue(session, office, at=local(2026, 11, 27, 7, 1))
    assert (before.number, after.number) == ("1001", "1002")
    assert before.day == after.day


def test_history_is_kept_across_days(session, make_office):
    office = make_office(opening_hours="24/7")
    issue(session, office, at=local(2026, 11, 26, 10))
    issue(session, office, at=local(2026, 11, 27, 10))
    numbers = session.scalars(select(TicketEvent.kind)).all()
    assert len(numbers) == 2


def test_start_number_sets_the_first_number(session, make_office):
    from queue_server.setup.office_file import ServiceSpec

    office = make_office(services=(ServiceSpec("dat-dai", "Đất đai", "A", start_number=5),),
                         counters=LAND_ONLY)
    assert issue(session, office).number == "A005"


def test_issue_is_refused_outside_opening_hours_with_the_next_opening(session, make_office):
    office = make_office()
    with pytest.raises(Conflict) as refused:
        issue(session, office, at=local(2026, 11, 26, 12, 0))
    assert refused.value.code == "office_closed"
    assert refused.value.params["reopens_at"] == local(2026, 11, 26, 13, 30)


def test_issue_on_friday_evening_says_come_back_monday(session, make_office):
    office = make_office()
    with pytest.raises(Conflict) as refused:
        issue(session, office, at=local(2026, 11, 27, 17, 30))
    assert refused.value.params["reopens_at"] == local(2026, 11, 30, 7, 30)


def test_issue_on_a_holiday_is_refused_and_names_the_next_working_day(session, make_office):
    from datetime import date

    office = make_office(holidays=(date(2026, 11, 26), date(2026, 11, 27)))
    with pytest.raises(Conflict) as refused:
        issue(session, office, at=local(2026, 11, 26, 9))
    assert refused.value.code == "holiday"
    assert refused.value.params["reopens_at"] == local(2026, 11, 30, 7, 30)


def test_daily_capacity_refuses_the_next_ticket_and_gives_back_no_number(session, make_office):
    from queue_server.setup.office_file import ServiceSpec

    office = make_office(services=(ServiceSpec("dat-dai", "Đất đai", "1", daily_capacity=2),),
                         counters=LAND_ONLY)
    issue(session, office)
    issue(session, office)
    with pytest.raises(Conflict) as refused:
        issue(session, office)
    session.rollback()
    assert refused.value.code == "daily_capacity_reached"
    assert refused.value.params["reopens_at"] == local(2026, 11, 27, 7, 30)
    tomorrow = issue(session, office, at=local(2026, 11, 27, 8))
    assert tomorrow.number == "1001"


def test_unknown_service_and_priority_are_invalid_input(session, make_office):
    office = make_office()
    with pytest.raises(InvalidInput) as unknown_service:
        issue(session, office, "no-such")
    with pytest.raises(InvalidInput) as unknown_priority:
        issue(session, office, priority_code="vip")
    assert unknown_service.value.code == "unknown_service"
    assert unknown_priority.value.code == "unknown_priority"


def test_an_idempotency_key_returns_the_first_ticket(session, make_office):
    office = make_office()
    first = issue(session, office, idempotency_key="d1:abc")
    again = issue(session, office, idempotency_key="d1:abc")
    other = issue(session, office, idempotency_key="d1:xyz")
    assert again.id == first.id
    assert other.number == "1002"


def test_call_next_takes_the_oldest_ticket_of_the_counters_services(session, make_office):
    office = make_office()
    justice = issue(session, office, "tu-phap")
    land = issue(session, office, "dat-dai", at=THURSDAY_9AM + timedelta(minutes=1))
    assert call(session, office, 1).id == land.id
    assert call(session, office, 3).id == justice.id
    assert call(session, office, 2) is None


def test_call_next_finishes_the_current_ticket(session, make_office):
    office = make_office()
    first, second = issue(session, office), issue(session, office)
    call(session, office, 1)
    assert call(session, office, 1, THURSDAY_9AM + timedelta(minutes=5)).id == second.id
    session.refresh(first)
    assert first.status is TicketStatus.DONE
    assert first.finished_at == THURSDAY_9AM + timedelta(minutes=5)


def test_a_repeated_call_next_press_does_not_call_twice(session, make_office):
    office = make_office()
    first, _second = issue(session, office), issue(session, office)
    desk = counter(session, office, 1)
    one = lifecycle.call_next(session, desk, now=THURSDAY_9AM, actor=ACTOR, request_key="k1")
    again = lifecycle.call_next(session, desk, now=THURSDAY_9AM, actor=ACTOR, request_key="k1")
    session.commit()
    assert one.called.id == first.id and again.called.id == first.id and again.is_repeat
    assert first.status is TicketStatus.CALLED


def spaced(session, office, plan):
    """Issue tickets a minute apart; plan items are (service, priority or None)."""
    return [issue(session, office, service, THURSDAY_9AM + timedelta(minutes=i), priority_code=p)
            for i, (service, p) in enumerate(plan)]


def test_interleaving_calls_one_priority_after_two_ordinary(session, make_office):
    office = make_office()
    tickets = spaced(session, office, [("dat-dai", None)] * 4 + [("dat-dai", "elderly")] * 2)
    order = [call(session, office, 1).number for _ in range(6)]
    by_id = {t.number: t for t in tickets}
    assert order == ["1001", "1002", "1005", "1003", "1004", "1006"]
    assert by_id["1005"].priority is not None


def test_a_priority_ticket_never_waits_behind_later_ordinary_ones(session, make_office):
    office = make_office()
    spaced(session, office, [("dat-dai", "elderly"), ("dat-dai", None), ("dat-dai", None)])
    # Streak is zero, but the priority ticket is the oldest: it goes first.
    assert call(session, office, 1).number == "1001"


def test_interleaving_is_no_slower_for_priority_than_plain_arrival_order(session, make_office):
    office = make_office()
    spaced(session, office, [("dat-dai", None), ("dat-dai", "elderly"), ("dat-dai", None),
                             ("dat-dai", None), ("dat-dai", "disability")])
    order = [call(session, office, 1).number for _ in range(5)]
    assert order.index("1002") <= 1
    assert order.index("1005") <= 4


def test_strict_mode_calls_every_priority_ticket_first(session, make_office):
    office = make_office(priority_mode="strict")
    spaced(session, office, [("dat-dai", None), ("dat-dai", None), ("dat-dai", "elderly")])
    assert [call(session, office, 1).number for _ in range(3)] == ["1003", "1001", "1002"]


def test_two_counters_never_take_the_same_ticket(session, make_office):
    office = make_office()
    spaced(session, office, [("dat-dai", None)] * 3)
    numbers = [call(session, office, n).number for n in (1, 2)]
    assert numbers == ["1001", "1002"]


def test_transfer_puts_the_ticket_ahead_of_ordinary_tickets_keeping_its_number(
        session, make_office):
    office = make_office()
    spaced(session, office, [("tu-phap", None), ("tu-phap", None), ("dat-dai", None)])
    land = call(session, office, 1)
    moved = lifecycle.transfer(session, counter(session, office, 1), now=THURSDAY_9AM,
                           actor=ACTOR, service_code="tu-phap")
    session.commit()
    assert moved.id == land.id and moved.number == "1001"
    assert moved.status is TicketStatus.WAITING
    assert call(session, office, 3).number == "1001"
    assert call(session, office, 3).number == "2001"


def test_transfer_to_a_counter_is_called_only_by_that_counter(session, make_office):
    office = make_office()
    spaced(session, office, [("dat-dai", None), ("dat-dai", None)])
    call(session, office, 1)
    lifecycle.transfer(session, counter(session, office, 1), now=THURSDAY_9AM, actor=ACTOR,
                   counter_number=4)
    session.commit()
    assert call(session, office, 2).number == "1002"
    assert call(session, office, 4).number == "1001"


def test_transfer_needs_exactly_one_target(session, make_office):
    office = make_office()
    issue(session, office)
    call(session, office, 1)
    with pytest.raises(InvalidInput):
        lifecycle.transfer(session, counter(session, office, 1), now=THURSDAY_9AM, actor=ACTOR)


def test_out_of_order_call_takes_the_named_ticket(session, make_office):
    office = make_office()
    spaced(session, office, [("dat-dai", None)] * 3)
    ticket = lifecycle.call_ticket(session, counter(session, office, 1), "1003", now=THURSDAY_9AM,
                               actor=ACTOR)
    session.commit()
    assert ticket.number == "1003" and ticket.status is TicketStatus.CALLED
    with pytest.raises(Conflict) as taken:
        lifecycle.call_ticket(session, counter(session, office, 2), "1003", now=THURSDAY_9AM,
                          actor=ACTOR)
    assert taken.value.code == "ticket_not_waiting"


def test_no_show_needs_the_minimum_recalls(session, make_office):
    office = make_office()
    issue(session, office)
    call(session, office, 1)
    desk = counter(session, office, 1)
    with pytest.raises(Conflict) as too_early:
        lifecycle.mark_no_show(session, desk, now=THURSDAY_9AM, actor=ACTOR)
    assert too_early.value.code == "recall_before_no_show"
    recalled = lifecycle.recall(session, desk, now=THURSDAY_9AM, actor=ACTOR)
    assert recalled.recall_count == 1
    absent = lifecycle.mark_no_show(session, desk, now=THURSDAY_9AM, actor=ACTOR)
    session.commit()
    assert absent.status is TicketStatus.NO_SHOW


def test_actions_without_a_current_ticket_are_conflicts(session, make_office):
    office = make_office()
    desk = counter(session, office, 1)
    for action in (lifecycle.recall, lifecycle.finish, lifecycle.mark_no_show):
        with pytest.raises(Conflict) as refused:
            action(session, desk, now=THURSDAY_9AM, actor=ACTOR)
        assert refused.value.code == "no_current_ticket"


def test_pause_needs_a_reason_and_an_idle_counter_and_call_next_resumes(session, make_office):
    office = make_office()
    desk = counter(session, office, 1)
    with pytest.raises(InvalidInput):
        lifecycle.pause_counter(session, desk, "  ", now=THURSDAY_9AM, actor=ACTOR)
    lifecycle.pause_counter(session, desk, "Họp giao ban", now=THURSDAY_9AM, actor=ACTOR)
    assert desk.is_paused and desk.pause_reason == "Họp giao ban"
    issue(session, office)
    assert call(session, office, 1).number == "1001"
    assert not desk.is_paused
    with pytest.raises(Conflict) as busy:
        lifecycle.pause_counter(session, desk, "Nghỉ", now=THURSDAY_9AM, actor=ACTOR)
    assert busy.value.code == "counter_busy"


def test_cancel_only_a_waiting_ticket(session, make_office):
    office = make_office()
    ticket = issue(session, office)
    lifecycle.cancel_ticket(session, ticket, now=THURSDAY_9AM, actor=ACTOR)
    assert ticket.status is TicketStatus.CANCELLED
    with pytest.raises(Conflict):
        lifecycle.cancel_ticket(session, ticket, now=THURSDAY_9AM, actor=ACTOR)


def test_every_transition_is_logged_with_counter_and_time(session, make_office):
    office = make_office()
    issue(session, office)
    call(session, office, 1)
    lifecycle.recall(session, counter(session, office, 1), now=THURSDAY_9AM, actor=ACTOR)
    lifecycle.finish(session, counter(session, office, 1), now=THURSDAY_9AM, actor=ACTOR)
    session.commit()
    events = session.scalars(select(TicketEvent).order_by(TicketEvent.id)).all()
    assert [e.kind for e in events] == [TicketEventKind.ISSUED, TicketEventKind.CALLED,
                                        TicketEventKind.RECALLED, TicketEventKind.FINISHED]
    assert events[1].counter_id == counter(session, office, 1).id


def test_the_event_log_refuses_changes_and_deletes(session, make_office):
    office = make_office()
    issue(session, office)
    event = session.scalars(select(TicketEvent)).first()
    event.details = {"tampered": True}
    with pytest.raises(AppendOnlyError):
        session.flush()
    session.rollback()
    session.delete(session.scalars(select(TicketEvent)).first())
    with pytest.raises(AppendOnlyError):
        session.flush()


def test_ahead_counts_tickets_the_serving_counters_call_first(session, make_office):
    office = make_office()
    tickets = spaced(session, office, [("dat-dai", None)] * 5)
    forecast = ticket_forecast(session, tickets[4], THURSDAY_9AM + timedelta(minutes=5))
    # Two land counters, 10 minutes each: ticket 5 is called after two full rounds.
    assert forecast.ahead == 4
    assert forecast.estimated_wait_s == 20 * 60


def test_ahead_ignores_other_services_served_elsewhere(session, make_office):
    office = make_office()
    spaced(session, office, [("dat-dai", None)] * 3)
    justice = issue(session, office, "tu-phap", at=THURSDAY_9AM + timedelta(minutes=4))
    forecast = ticket_forecast(session, justice, THURSDAY_9AM + timedelta(minutes=4))
    assert (forecast.ahead, forecast.estimated_wait_s) == (0, 0)


def test_forecast_uses_recent_real_service_times(session, make_office):
    office = make_office()
    for minute in range(0, 60, 10):
        issue(session, office, "tu-phap", at=THURSDAY_9AM + timedelta(minutes=minute))
    for minute in range(0, 60, 10):
        start = THURSDAY_9AM + timedelta(minutes=minute)
        lifecycle.call_next(session, counter(session, office, 3), now=start, actor=ACTOR)
        lifecycle.finish(session, counter(session, office, 3), now=start + timedelta(minutes=2),
                     actor=ACTOR)
    session.commit()
    waiting = [issue(session, office, "tu-phap", at=local(2026, 11, 26, 10, 1 + i))
               for i in range(2)]
    forecast = ticket_forecast(session, waiting[1], local(2026, 11, 26, 10, 5))
    assert forecast.ahead == 1
    # Two real minutes per citizen replace the configured five.
    assert forecast.estimated_wait_s == 120


def test_a_paused_counter_does_not_serve_in_the_forecast(session, make_office):
    office = make_office()
    tickets = spaced(session, office, [("dat-dai", None)] * 2)
    later = THURSDAY_9AM + timedelta(minutes=1)
    assert ticket_forecast(session, tickets[1], later).estimated_wait_s == 0
    lifecycle.pause_counter(session, counter(session, office, 2), "Nghỉ trưa", now=THURSDAY_9AM,
                        actor=ACTOR)
    session.commit()
    # Counter 1 alone: it calls 1001 now and 1002 after one ten-minute service.
    assert ticket_forecast(session, tickets[1], later).estimated_wait_s == 10 * 60


def test_yesterdays_leftovers_are_closed_without_deleting_them(session, make_office):
    from queue_server.tickets.daily import close_previous_days

    office = make_office(opening_hours="24/7")
    called = issue(session, office, at=local(2026, 11, 25, 16))
    waiting = issue(session, office, at=local(2026, 11, 25, 16, 5))
    call(session, office, 1, local(2026, 11, 25, 16, 10))
    today = issue(session, office, at=local(2026, 11, 26, 8))
    assert close_previous_days(session, office, local(2026, 11, 26, 8, 1)) == 2
    session.commit()
    assert waiting.status is TicketStatus.CANCELLED
    assert called.status is TicketStatus.DONE
    assert today.status is TicketStatus.WAITING
    assert called.finished_at == local(2026, 11, 25, 23, 59, 59)
    assert close_previous_days(session, office, local(2026, 11, 26, 9)) == 0
