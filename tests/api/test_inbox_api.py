"""The feedback inbox: low ratings and comments land in it; a manager assigns, answers and
closes; the answer reaches the citizen's ticket; handling is measured in working days."""

from datetime import date

import pytest

from queue_server.tickets.workdays import WorkCalendar

from ..conftest import bearer, local
from ..support.reports_day import at
from .test_stats_api import OFFICE, THURSDAY, day  # noqa: F401 - the scripted-day fixture


def manager(client) -> dict:
    """A fresh manager's token: tests move the clock past a token's twelve hours."""
    answer = client.post("/api/v1/auth/token", json={"username": "manager1",
                                                     "password": "correct-horse-battery"})
    return bearer(answer.get_json()["token"])


def inbox(client, accounts, state="open"):
    answer = client.get(f"{OFFICE}/inbox?state={state}", headers=manager(client))
    assert answer.status_code == 200
    return answer.get_json()


def act(client, accounts, item, action, body):
    return client.post(f"{OFFICE}/inbox/{item}/{action}", json=body, headers=manager(client))


def test_low_ratings_and_comments_land_in_the_inbox_oldest_first(client, accounts, day):
    items = inbox(client, accounts)["items"]
    # T2 (2 with a comment), T4 (3), T5 (5 with a comment); T1 (5, no comment) does not.
    assert [item["id"] for item in items] == [day.feedback_ids[n] for n in ("T2", "T4", "T5")]
    first = items[0]
    assert (first["rating"], first["comment"], first["reasons"]) == (2, "Chờ lâu quá",
                                                                     ["waiting_time"])
    assert (first["state"], first["due_on"], first["age_working_days"]) == ("new", "2026-12-01", 0)
    assert first["staff"] == "canbo.binh" and first["counter"] == 2


def test_a_manager_assigns_answers_and_closes_and_the_citizen_reads_the_answer(
        client, accounts, day, clock):
    item, code = day.feedback_ids["T2"], day.tickets["T2"].code
    assert client.get(f"/api/v1/tickets/{code}/reply").get_json() == {
        "answer": None, "answered_at": None}
    assigned = act(client, accounts, item, "assign", {"assignee": "manager1"})
    assert assigned.status_code == 200 and assigned.get_json()["state"] == "assigned"
    clock.now = local(2026, 11, 27, 10, 0)
    answered = act(client, accounts, item, "answer",
                   {"answer": "Xin lỗi ông/bà; từ tuần sau mở thêm quầy Đất đai."})
    assert answered.status_code == 200, answered.get_json()
    answered = answered.get_json()
    assert answered["state"] == "answered"
    reply = client.get(f"/api/v1/tickets/{code}/reply").get_json()
    assert reply == {"answer": "Xin lỗi ông/bà; từ tuần sau mở thêm quầy Đất đai.",
                     "answered_at": "2026-11-27T10:00:00+07:00"}
    closed = act(client, accounts, item, "close", {"note": "Đã báo lãnh đạo"}).get_json()
    assert (closed["state"], closed["closed_within_target"], closed["note"]) == (
        "closed", True, "Đã báo lãnh đạo")
    again = act(client, accounts, item, "answer", {"answer": "Sửa lại"})
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "feedback_item_closed"
    assert [i["id"] for i in inbox(client, accounts, "closed")["items"]] == [item]
    assert item not in [i["id"] for i in inbox(client, accounts)["items"]]


def test_the_share_handled_on_time_counts_working_days(client, accounts, day, clock):
    # Rated Thursday 26/11; three working days: due Tuesday 1/12.
    clock.now = local(2026, 11, 27, 9, 0)
    act(client, accounts, day.feedback_ids["T5"], "close", {})  # on time
    clock.now = local(2026, 12, 2, 9, 0)
    act(client, accounts, day.feedback_ids["T2"], "close", {})  # a day late
    clock.now = local(2026, 12, 3, 9, 0)  # T4 still open, overdue
    report = client.get(f"{OFFICE}/stats?{THURSDAY}",
                        headers=manager(client)).get_json()["feedback_inbox"]
    assert (report["items"], report["closed"], report["closed_within_target"],
            report["overdue"], report["within_target_share"]) == (3, 2, 1, 1, 0.3333)
    summary = inbox(client, accounts)["summary"]
    # T4: Friday, Monday, Tuesday, Wednesday, Thursday after its Thursday.
    assert summary == {"open": 1, "overdue": 1, "oldest_age_working_days": 5,
                       "target_working_days": 3}


@pytest.mark.parametrize(("action", "body", "status", "code"), [
    ("assign", {"assignee": "otherstaff"}, 400, "unknown_assignee"),
    ("assign", {"assignee": "ghost"}, 400, "unknown_assignee"),
    ("assign", {}, 400, "invalid_field"),
    ("answer", {"answer": "   "}, 400, "invalid_field"),
    ("answer", {"answer": "x" * 1001}, 400, "invalid_field"),
    ("answer", {"answer": 5}, 400, "invalid_field"),
    ("close", {"note": "x", "extra": 1}, 400, "unknown_field")])
def test_bad_inbox_input_is_a_coded_error(client, accounts, day, action, body, status, code):
    answer = act(client, accounts, day.feedback_ids["T2"], action, body)
    assert answer.status_code == status
    assert answer.get_json()["error"]["code"] == code


def test_unknown_items_and_items_of_other_offices_are_404(client, accounts, day):
    for item in (99999, day.feedback_ids["T1"], 2**40):  # T1: rated 5 without a comment
        answer = act(client, accounts, item, "close", {})
        assert answer.status_code == 404, item
    other = client.post(f"/api/v1/offices/other-office/inbox/{day.feedback_ids['T2']}/close",
                        json={}, headers=bearer(accounts["admin1"]))
    assert other.status_code == 404
    assert client.get(f"{OFFICE}/inbox?state=everything",
                      headers=bearer(accounts["manager1"])).status_code == 400


def test_a_reply_for_an_unknown_code_is_404(client):
    assert client.get("/api/v1/tickets/not-a-code/reply").status_code == 404


def test_working_days_skip_weekends_and_holidays():
    calendar = WorkCalendar(frozenset({date(2026, 11, 30)}))  # a Monday holiday
    thursday = date(2026, 11, 26)
    assert calendar.add(thursday, 3) == date(2026, 12, 2)  # Fri, (Mon off), Tue, Wed
    assert calendar.between(thursday, date(2026, 12, 2)) == 3
    assert calendar.between(thursday, thursday) == 0
    plain = WorkCalendar(frozenset())
    assert plain.add(date(2026, 11, 27), 1) == date(2026, 11, 30)  # Friday → Monday
    assert plain.between(date(2026, 11, 1), date(2026, 11, 30)) == 21
    assert at(8, 0).utcoffset().total_seconds() == 7 * 3600
