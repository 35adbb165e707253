"""Two server processes on one PostgreSQL database: each keeps its own answer at most a few
seconds, then both give the same, database-wide figures."""

from __future__ import annotations

from dataclasses import replace

import pytest

from queue_server import create_app
from queue_server.core.migrate import upgrade_database
from queue_server.setup.seeding import apply_office_specs
from queue_server.tickets import lifecycle
from queue_server.tickets.lifecycle import Actor
from queue_server.tickets.queue_state import find_office

from ..conftest import THURSDAY_9AM, Clock, office_spec
from ..support.migrations import postgres_engine

pytestmark = pytest.mark.services


def waiting(app) -> dict[str, int]:
    answer = app.test_client().get("/api/v1/waits?service=dat-dai")
    assert answer.status_code == 200
    return {office["office"]: office["waiting"] for office in answer.get_json()}


def test_each_process_answers_from_its_own_copy_then_both_agree(settings):
    with postgres_engine("test_waits") as engine:
        upgrade_database(engine)
        url = engine.url.render_as_string(hide_password=False)
        apps = [create_app(replace(settings, database_url=url), async_mode="threading")
                for _ in range(2)]
        for app in apps:
            app.extensions["queue"].clock = Clock(THURSDAY_9AM)
        with apps[0].extensions["queue"].sessions() as session:
            apply_office_specs(session, [office_spec(location=(12.2, 109.1)),
                                         office_spec(slug="other-office", kind="commune")])
            session.commit()
        first, second = apps
        assert waiting(first) == {"test-office": 0, "other-office": 0}
        with second.extensions["queue"].sessions() as session:
            lifecycle.issue_ticket(session, find_office(session, "test-office"), "dat-dai",
                                   now=THURSDAY_9AM, actor=Actor())
            session.commit()
        assert waiting(second) == {"other-office": 0, "test-office": 1}
        assert waiting(first) == {"test-office": 0, "other-office": 0}  # its copy, < 5 s old
        first.extensions["queue_server.waits"].clear()  # as five seconds would
        assert waiting(first) == waiting(second)
        for app in apps:
            app.extensions["queue"].engine.dispose()
