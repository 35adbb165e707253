"""The report per procedure on a scripted day: outcomes, the supplement share with the
procedures most often sent back first, and the documents most often missing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from queue_server.procedures.catalogue import find_procedure
from queue_server.procedures.importing import import_file
from queue_server.reports.figures import Period
from queue_server.reports.procedures import procedure_report
from queue_server.tickets import lifecycle
from queue_server.tickets.lifecycle import Actor
from queue_server.tickets.queue_state import find_counter_by_number
from queue_server.visits import recording

from ..support.procedure_files import SMALL, write_csv
from ..support.reports_day import at

BIRTH, MARRIAGE, LAND = ("1.001193.000.00.00.H37", "1.000894.000.00.00.H37",
                         "1.012345.000.00.00.H37")
APPLICATION, TITLE = "Đơn đăng ký", "Giấy tờ về quyền sử dụng đất"
BIRTH_PAPER = "Giấy chứng sinh"
THURSDAY = Period(at(0, 0).date(), at(0, 0).date())

# Thursday 26/11/2026, one ticket every five minutes from 08:00, each served at once (or
# absent) at the procedure's counter: (procedure, outcome or "absent", missing documents).
SCRIPT = [
    (BIRTH, "received", []), (LAND, "supplement", [TITLE]), (BIRTH, "received", []),
    (LAND, "supplement", [APPLICATION, TITLE]), (BIRTH, "supplement", [BIRTH_PAPER]),
    (LAND, "received", []), (BIRTH, "guided", []), (LAND, "absent", []),
    (BIRTH, "received", []), (MARRIAGE, None, []),
]


@pytest.fixture
def report(session, make_office, tmp_path):
    office = make_office()
    import_file(session, office, write_csv(tmp_path / "p.csv", SMALL), now=at(7, 0))
    actor = Actor()
    for index, (code, outcome, missing) in enumerate(SCRIPT):
        moment = at(8, 0) + timedelta(minutes=5 * index)
        procedure = find_procedure(session, office, code)
        lifecycle.issue_ticket(session, office, procedure.service.code, now=moment,
                               actor=actor, procedure=procedure)
        counter = find_counter_by_number(session, office, 1 if code == LAND else 3)
        lifecycle.call_next(session, counter, now=moment + timedelta(minutes=1), actor=actor)
        done = moment + timedelta(minutes=3)
        if outcome == "absent":
            lifecycle.recall(session, counter, now=done, actor=actor)
            lifecycle.mark_no_show(session, counter, now=done, actor=actor)
        else:
            recording.finish_visit(session, counter, outcome=outcome, dossiers=None,
                                   missing=missing, now=done, actor=actor)
    session.commit()
    return procedure_report(session, office, THURSDAY)


def test_procedures_most_often_sent_back_come_first_not_the_busiest(report):
    rows = report["by_procedure"]
    assert [(row["code"], row["issued"], row["served"], row["supplement"],
             row["supplement_share"]) for row in rows] == [
        (LAND, 4, 3, 2, 0.6667),      # two of three served files sent back
        (BIRTH, 5, 5, 1, 0.2),        # the busiest, but one of five
        (MARRIAGE, 1, 1, 0, 0.0)]


def test_each_procedure_counts_its_served_tickets_outcomes(report):
    rows = {row["code"]: row for row in report["by_procedure"]}
    assert rows[BIRTH]["outcomes"] == {"received": 3, "supplement": 1, "refused": 0,
                                       "guided": 1, "returned": 0, "other": 0, "unrecorded": 0}
    assert rows[LAND]["outcomes"]["supplement"] == 2 and rows[LAND]["no_show"] == 1
    assert rows[MARRIAGE]["outcomes"]["unrecorded"] == 1


def test_the_documents_most_often_missing_per_procedure(report):
    rows = {row["code"]: row for row in report["by_procedure"]}
    assert rows[LAND]["missing"] == [{"document": TITLE, "count": 2, "share": 1.0},
                                     {"document": APPLICATION, "count": 1, "share": 0.5}]
    assert rows[BIRTH]["missing"] == [{"document": BIRTH_PAPER, "count": 1, "share": 1.0}]
    assert rows[MARRIAGE]["missing"] == []
