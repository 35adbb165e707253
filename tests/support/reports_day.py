"""A scripted day at the test office with fixed times, for the report tests.

Thursday 26/11/2026 (Wednesday 25/11 has one earlier ticket for the dossier link):

T0 (Wednesday): tra-ket-qua, issued 25/11 08:00, called 08:05 at counter 4 by Bình, finished
    08:10; dossier HS-001.
T1: dat-dai, issued 08:00, called 08:10 at 1 by An, finished 08:20; dossier HS-002; rated 5,
    first visit.
T2: dat-dai, issued 08:05, called 08:25 at 2 by Bình, recalled 08:27, finished 08:35; rated 2
    (waiting_time) with a comment, second visit.
T3: dat-dai, issued 08:10, called 08:30 at 1 by An, recalled 08:32, no-show 08:34.
T4: tu-phap, issued 09:00, called 09:05 at 3 by Bình, transferred to dat-dai 09:10, called
    09:20 at 1 by An, finished 09:30; rated 3 (procedure_unclear).
T5: tra-ket-qua, issued 09:40, called 09:41 at 4 by Bình, finished 09:43; dossier HS-001 (a
    repeat of T0); rated 5 with a comment.
T6: dat-dai, issued 10:00, cancelled 10:05.
T7: dat-dai, issued 10:30, still waiting.
T8: dat-dai, issued 13:40, called 13:45 at 2 by Bình (out of order), finished 14:05.

Every service's target wait is 15 minutes (900 s).

With `with_visits`, the office asks the rating form VISIT_FORM and the officers record
outcomes and dossier codes (through the visit's correction after the finish):

T0 received HS-001; T1 received HS-002; T2 supplement HS-003; T4 received HS-003 (its second
contact); T5 returned HS-001; T8 received HS-004 and HS-005. The ratings answer:
T1 thai-do 5, thu-tuc 4, co-so 3; T2 thai-do 2, thu-tuc 3; T4 thu-tuc 2, co-so 4;
T5 thai-do 5, co-so 5.
"""

from __future__ import annotations

from dataclasses import dataclass

from queue_server.feedback import forms
from queue_server.feedback import ratings as feedback_ratings
from queue_server.models import FeedbackSource, Office, Role, Ticket
from queue_server.security.tokens import add_user
from queue_server.tickets import lifecycle
from queue_server.tickets.lifecycle import Actor
from queue_server.tickets.queue_state import find_counter_by_number
from queue_server.visits import recording

from ..conftest import local

PASSWORD = "mat-khau-can-bo-dai"
VISIT_FORM = {"levels": 5, "labels": [], "questions": [
    {"code": "thai-do", "text": "Thái độ phục vụ của công chức", "criterion": "cbcc"},
    {"code": "thu-tuc", "text": "Thủ tục được hướng dẫn rõ ràng, đầy đủ", "criterion": "thu-tuc"},
    {"code": "co-so", "text": "Nơi tiếp đón sạch sẽ, đủ chỗ ngồi", "criterion": "dieu-kien"}]}
VISITS = {"T0": ("received", ["HS-001"]), "T1": ("received", ["HS-002"]),
          "T2": ("supplement", ["HS-003"]), "T4": ("received", ["HS-003"]),
          "T5": ("returned", ["HS-001"]), "T8": ("received", ["HS-004", "HS-005"])}
ANSWERS = {"T1": {"thai-do": 5, "thu-tuc": 4, "co-so": 3}, "T2": {"thai-do": 2, "thu-tuc": 3},
           "T4": {"thu-tuc": 2, "co-so": 4}, "T5": {"thai-do": 5, "co-so": 5}}


@dataclass
class Day:
    """What the script made: tickets by name, the officers, the rated tickets' feedback ids."""

    tickets: dict[str, Ticket]
    officers: dict[str, int]
    feedback_ids: dict[str, int]


def at(hour: int, minute: int, day: int = 26):
    return local(2026, 11, day, hour, minute)


def script_day(session, office: Office, *, with_visits: bool = False) -> Day:
    """Play the table above through the real lifecycle functions, then commit."""
    an = add_user(session, "canbo.an", PASSWORD, Role.STAFF, office, now=at(7, 0, 25),
                  full_name="Nguyễn Văn An")
    binh = add_user(session, "canbo.binh", PASSWORD, Role.STAFF, office, now=at(7, 0, 25),
                    full_name="Trần Thị Bình")
    by = {"an": Actor(user_id=an.id), "binh": Actor(user_id=binh.id)}
    counters = {n: find_counter_by_number(session, office, n) for n in (1, 2, 3, 4)}
    tickets: dict[str, Ticket] = {}

    def issue(name: str, service: str, when) -> Ticket:
        tickets[name] = lifecycle.issue_ticket(session, office, service, now=when, actor=Actor())
        return tickets[name]

    def call(counter: int, officer: str, when) -> Ticket:
        return lifecycle.call_next(session, counters[counter], now=when, actor=by[officer]).called

    def finish(counter: int, officer: str, when) -> Ticket:
        return lifecycle.finish(session, counters[counter], now=when, actor=by[officer])

    def recall(counter: int, officer: str, when) -> None:
        lifecycle.recall(session, counters[counter], now=when, actor=by[officer])

    issue("T0", "tra-ket-qua", at(8, 0, 25)).dossier_code = "HS-001"
    assert call(4, "binh", at(8, 5, 25)) is tickets["T0"]
    finish(4, "binh", at(8, 10, 25))

    issue("T1", "dat-dai", at(8, 0)).dossier_code = "HS-002"
    issue("T2", "dat-dai", at(8, 5))
    assert call(1, "an", at(8, 10)) is tickets["T1"]
    issue("T3", "dat-dai", at(8, 10))
    finish(1, "an", at(8, 20))
    assert call(2, "binh", at(8, 25)) is tickets["T2"]
    recall(2, "binh", at(8, 27))
    assert call(1, "an", at(8, 30)) is tickets["T3"]
    recall(1, "an", at(8, 32))
    lifecycle.mark_no_show(session, counters[1], now=at(8, 34), actor=by["an"])
    finish(2, "binh", at(8, 35))

    issue("T4", "tu-phap", at(9, 0))
    assert call(3, "binh", at(9, 5)) is tickets["T4"]
    lifecycle.transfer(session, counters[3], now=at(9, 10), actor=by["binh"],
                   service_code="dat-dai")
    assert call(1, "an", at(9, 20)) is tickets["T4"]
    finish(1, "an", at(9, 30))

    issue("T5", "tra-ket-qua", at(9, 40)).dossier_code = "HS-001"
    assert call(4, "binh", at(9, 41)) is tickets["T5"]
    finish(4, "binh", at(9, 43))

    issue("T6", "dat-dai", at(10, 0))
    lifecycle.cancel_ticket(session, tickets["T6"], now=at(10, 5), actor=by["an"])
    issue("T7", "dat-dai", at(10, 30))

    issue("T8", "dat-dai", at(13, 40))
    # T7 waits at counter 2's services too: take T8 out of order.
    assert lifecycle.call_ticket(session, counters[2], tickets["T8"].number, now=at(13, 45),
                             actor=by["binh"]) is tickets["T8"]
    finish(2, "binh", at(14, 5))

    if with_visits:
        office.rating_form = VISIT_FORM
        forms.remember_form(session, office, now=at(7, 0))
        for name, (outcome, codes) in VISITS.items():
            recording.record_visit(session, tickets[name], outcome=outcome, dossiers=codes,
                                   now=tickets[name].finished_at, actor=by["an"])
    ratings = {
        "T1": dict(rating=5, reasons=None, comment=None, visits="first", when=at(8, 21)),
        "T2": dict(rating=2, reasons=["waiting_time"], comment="Chờ lâu quá",
                   visits="second", when=at(8, 36)),
        "T4": dict(rating=3, reasons=["procedure_unclear"], comment=None, visits=None,
                   when=at(9, 31)),
        "T5": dict(rating=5, reasons=None, comment="=Cảm ơn cán bộ", visits=None,
                   when=at(9, 44)),
    }
    feedback_ids = {}
    for name, answer in ratings.items():
        when = answer.pop("when")
        feedback_ids[name] = feedback_ratings.submit_feedback(
            session, tickets[name], source=FeedbackSource.PHONE, now=when,
            answers=ANSWERS[name] if with_visits else None, **answer).id
    session.commit()
    return Day(tickets, {"an": an.id, "binh": binh.id}, feedback_ids)
