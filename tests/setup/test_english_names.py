"""Services and priority groups carry an optional English name, from the file, /admin and the
database (migration 0014) to the API the English screens read."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import inspect, text

from queue_server.models import Role
from queue_server.setup import offices as office_setup
from queue_server.setup.audit_log import Changer
from queue_server.setup.office_file import PrioritySpec, ServiceSpec

from ..conftest import THURSDAY_9AM, CounterSpec, bearer
from ..support.migrations import DATABASES, differences, migrate, scratch_engine

ADMIN = Changer(user_id=None, name="quantri", role=Role.ADMIN)
REVISION, BEFORE = "0014_english_names_no_show_wait", "0013_layout_moves_queue_version"


def test_the_office_file_s_english_names_reach_the_database(session, make_office):
    office = make_office(
        services=(ServiceSpec("dat-dai", "Đất đai", "1", name_en="Land"),
                  ServiceSpec("tu-phap", "Tư pháp", "2")),
        counters=(CounterSpec(1, "Quầy 1", ("dat-dai", "tu-phap")),),
        priorities=(PrioritySpec("elderly", "Người cao tuổi", name_en="Older people"),))
    assert [(s.name, s.name_en) for s in office.services] == [("Đất đai", "Land"),
                                                             ("Tư pháp", "")]
    assert office.priorities[0].name_en == "Older people"


def test_admin_sets_and_clears_an_english_name(session, make_office):
    office = make_office()
    service = office_setup.create_service(session, office, {
        "code": "moi", "name": "Lĩnh vực mới", "name_en": " New field ", "prefix": "9"},
        now=THURSDAY_9AM, by=ADMIN)
    assert service.name_en == "New field"
    office_setup.update_service(session, service, {"name_en": ""}, now=THURSDAY_9AM, by=ADMIN)
    assert service.name_en == ""
    category = office_setup.create_priority(session, office, {
        "code": "mang-thai", "name": "Phụ nữ mang thai", "name_en": "Pregnant women"},
        now=THURSDAY_9AM, by=ADMIN)
    assert category.name_en == "Pregnant women"


def test_the_api_gives_the_english_name_or_falls_back_to_the_vietnamese(app, client, accounts):
    state = app.extensions["queue"]
    with state.sessions() as session:
        from queue_server.tickets.queue_state import find_office

        office = find_office(session, "test-office")
        office.services[0].name_en = "Land"
        office.priorities[0].name_en = "Older people"
        session.commit()
    services = client.get("/api/v1/offices/test-office/services").get_json()
    assert [(s["name"], s["name_en"]) for s in services][:2] == [
        ("Đất đai", "Land"), ("Tư pháp – Hộ tịch", "Tư pháp – Hộ tịch")]
    priorities = client.get("/api/v1/offices/test-office/priorities").get_json()
    assert priorities[0]["name_en"] == "Older people"
    ticket = client.post("/api/v1/offices/test-office/tickets", json={"service": "dat-dai"},
                         headers=bearer(accounts["kiosk"])).get_json()
    assert (ticket["service_name"], ticket["service_name_en"]) == ("Đất đai", "Land")


@pytest.mark.parametrize("kind", DATABASES)
def test_migration_0014_round_trips(kind, tmp_path):
    with scratch_engine(kind, tmp_path) as engine:
        migrate(engine, BEFORE)
        with engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO offices (slug, name, timezone, opening_hours, holidays,"
                " priority_mode, ordinary_per_priority, min_recalls_before_no_show, notice,"
                " ticket_footer, ticket_header, near_threshold, number_reading, number_region,"
                " phone_retention_hours, feedback_target_days, is_active) VALUES ('o', 'O',"
                " 'Asia/Ho_Chi_Minh', '24/7', '[]', 'strict', 2, 1, '', '', '', 3, 'numeral',"
                " 'north', 24, 3, true)"))
        migrate(engine, REVISION)
        with engine.connect() as connection:
            assert connection.execute(text(
                "SELECT min_seconds_before_no_show FROM offices")).all() == [(60,)]
        assert "name_en" in {c["name"] for c in inspect(engine).get_columns("services")}
        migrate(engine, BEFORE, command.downgrade)
        assert "name_en" not in {c["name"] for c in inspect(engine).get_columns("services")}
        migrate(engine, "head")
        assert differences(engine) == []
