"""The criteria of the rating form and what became of dossiers, on the scripted report day
with its outcomes, dossier codes and answers (tests/support/reports_day.py)."""

import pytest

from queue_server.reports.figures import Filters, Period
from queue_server.reports.period_reports import office_report
from queue_server.visits.history import dossier_history

from ..support.reports_day import at, script_day

THURSDAY = Period(at(0, 0).date(), at(0, 0).date())
NONE = {"responses": 0, "satisfied_share": None}


@pytest.fixture
def day(session, make_office):
    office = make_office()
    return office, script_day(session, office, with_visits=True)


def report(session, office, period=THURSDAY, **filters):
    return office_report(session, office, period, at(17, 0), Filters(**filters))


def test_each_criterion_counts_the_answers_to_its_questions(session, day):
    office, _day = day
    assert report(session, office)["criteria"] == {
        "tiep-can": NONE, "ket-qua": NONE, "phan-hoi": NONE,
        "cbcc": {"responses": 3, "satisfied_share": 0.6667},       # 5, 2, 5
        "thu-tuc": {"responses": 3, "satisfied_share": 0.3333},    # 4, 3, 2
        "dieu-kien": {"responses": 3, "satisfied_share": 0.6667}}  # 3, 4, 5


def test_criteria_by_month_and_by_officer(session, day):
    office, _day = day
    found = report(session, office)
    assert [row["month"] for row in found["criteria_by_month"]] == ["2026-11"]
    assert found["criteria_by_month"][0]["criteria"] == found["criteria"]
    staff = {row["staff"]: row["criteria"] for row in found["criteria_by_staff"]}
    assert staff["canbo.an"]["cbcc"] == {"responses": 1, "satisfied_share": 1.0}
    assert staff["canbo.an"]["thu-tuc"] == {"responses": 2, "satisfied_share": 0.5}
    assert staff["canbo.binh"]["thu-tuc"] == {"responses": 1, "satisfied_share": 0.0}
    assert staff["canbo.binh"]["dieu-kien"] == {"responses": 1, "satisfied_share": 1.0}
    assert found["criteria_targets"] == {"minimum": 0.85, "goal": 0.95}


def test_dossiers_seen_their_outcomes_and_first_contact(session, day):
    office, _day = day
    dossiers = report(session, office)["dossiers"]
    assert dossiers["seen"] == 5  # HS-001, HS-002, HS-003 (twice), HS-004, HS-005
    assert dossiers["by_outcome"] == {"received": 3, "supplement": 1, "refused": 0,
                                      "guided": 0, "returned": 1, "other": 0, "unrecorded": 0}
    # Received on Thursday: HS-002, HS-004, HS-005 at their first contact; HS-003 had been
    # sent back once before.
    assert dossiers["first_contact_share"] == 0.75


def test_the_services_that_send_most_files_back_come_first(session, day):
    office, _day = day
    services = report(session, office)["dossiers"]["by_service"]
    assert services[0] == {"service": "dat-dai", "name": "Đất đai", "visits": 3,
                           "supplement": 1, "supplement_share": 0.3333}
    assert {row["service"]: row["supplement_share"] for row in services[1:]} == {
        "tu-phap": 0.0, "tra-ket-qua": 0.0}


def test_the_filters_narrow_the_criteria_and_the_dossiers(session, day):
    office, scripted = day
    found = report(session, office, officer_id=scripted.officers["binh"])
    assert found["criteria"]["cbcc"] == {"responses": 2, "satisfied_share": 0.5}
    assert found["dossiers"]["by_outcome"]["supplement"] == 1
    assert found["dossiers"]["by_outcome"]["received"] == 1  # T8, at counter 2


def test_a_day_without_visits_gives_zeros_and_nulls(session, day):
    office, _day = day
    sunday = Period(at(0, 0, 29).date(), at(0, 0, 29).date())
    found = report(session, office, sunday)
    assert found["criteria"]["cbcc"] == NONE and found["criteria_by_staff"] == []
    assert found["dossiers"]["seen"] == 0 and found["dossiers"]["first_contact_share"] is None


def test_the_workbook_has_the_criteria_and_the_dossiers(session, day):
    from queue_server.reports.spreadsheets import report_tables

    office, _day = day
    tables = report_tables(report(session, office), at(17, 0))
    criteria = {row[0]: row for row in tables["criteria"].rows}
    assert tables["criteria"].headers[:4] == ["Tiêu chí", "Số lượt trả lời", "% hài lòng",
                                              "% 2026-11"]
    assert criteria["Sự phục vụ của công chức"][1:4] == [3, 66.7, 66.7]
    assert criteria["Thủ tục hành chính"][2] == 33.3
    assert criteria["Mục tiêu tối thiểu (%)"][2] == 85.0
    dossiers = {(row[0], row[1]): row[2] for row in tables["dossiers"].rows}
    assert dossiers[("Hồ sơ", "Số mã hồ sơ")] == 5
    assert dossiers[("Hồ sơ", "% tiếp nhận ngay lần đầu")] == 75.0
    assert dossiers[("Kết quả tiếp nhận", "Yêu cầu bổ sung, hoàn thiện")] == 1
    assert dossiers[("% yêu cầu bổ sung", "Đất đai")] == 33.3


def test_the_tickets_export_names_each_visits_outcome(session, day):
    from queue_server.reports.figures import Scope
    from queue_server.reports.ticket_export import tickets_table

    office, _day = day
    table = tickets_table(session, office, Scope((office.id,), THURSDAY, office.timezone))
    column = table.headers.index("Kết quả tiếp nhận")
    outcomes = {row[1]: row[column] for row in table.rows}
    assert outcomes["1001"] == "Tiếp nhận hồ sơ"  # T1
    assert outcomes["1002"] == "Yêu cầu bổ sung, hoàn thiện"  # T2
    assert outcomes["1003"] == ""  # T3, absent


@pytest.mark.services
def test_postgresql_gives_the_same_criteria_and_dossiers(session, day):
    from sqlalchemy.orm import Session

    from queue_server.setup.seeding import apply_office_specs

    from ..conftest import office_spec
    from ..support.migrations import migrate, postgres_engine

    office, _day = day
    expected = report(session, office)
    with postgres_engine("test_visit_figures") as engine:
        migrate(engine, "head")
        with Session(engine) as pg_session:
            pg_office = apply_office_specs(pg_session, [office_spec()])[0]
            script_day(pg_session, pg_office, with_visits=True)
            found = report(pg_session, pg_office)
            history = dossier_history(pg_session, "hs-003")
    for key in ("criteria", "criteria_by_month", "criteria_by_staff", "dossiers"):
        assert found[key] == expected[key], key
    assert [visit["outcome"] for visit in history["visits"]] == ["supplement", "received"]
