"""`queue-server privacy export` and `privacy erase` as real processes: JSON of everything held
about a person, then erased, the audit log saying so; the ID number is never printed."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from queue_server.privacy.keys import CitizenKeys
from queue_server.tickets import lifecycle
from queue_server.tickets.lifecycle import Actor
from queue_server.tickets.queue_state import find_office

from ..privacy.cards import ID_NUMBER
from .test_cli import ROOT, count, run

KEY = "the-citizen-key-of-this-test-server"


@pytest.fixture
def environment(tmp_path):
    return {**{k: v for k, v in os.environ.items() if not k.startswith("QUEUE_")},
            "QUEUE_DATABASE_URL": f"sqlite:///{tmp_path}/queue.db",
            "QUEUE_VAR_DIR": str(tmp_path), "QUEUE_OFFICE_FILE": str(ROOT / "config/demo.toml"),
            "QUEUE_CITIZEN_ID_KEY": KEY}


@pytest.fixture
def visited(environment) -> str:
    """The demo office with one ticket taken with the card; its number."""
    assert run(environment, "init").returncode == 0
    engine = create_engine(environment["QUEUE_DATABASE_URL"])
    with Session(engine) as session:
        office = find_office(session, "cam-lam")
        ticket = lifecycle.issue_ticket(
            session, office, "dat-dai", now=datetime(2026, 11, 26, 2, tzinfo=UTC),
            actor=Actor(), citizen_hash=CitizenKeys.from_text(KEY).hash(ID_NUMBER),
            age_band="75+")
        session.commit()
        number = ticket.number
    engine.dispose()
    return number


def test_export_prints_the_persons_tickets_as_json(environment, visited):
    result = run(environment, "privacy", "export", "--citizen-id", ID_NUMBER)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert [(t["number"], t["age_band"]) for t in found["tickets"]] == [(visited, "75+")]
    assert ID_NUMBER not in result.stdout


def test_erase_clears_the_hash_keeps_the_ticket_and_is_audited(environment, visited):
    result = run(environment, "privacy", "erase", "--citizen-id", ID_NUMBER)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("erased: 1 tickets")
    assert count(environment, "tickets WHERE citizen_hash IS NOT NULL") == 0
    assert count(environment, "tickets") == 1
    assert count(environment, "admin_audit_entries WHERE action = 'erased'") == 1
    again = run(environment, "privacy", "export", "--citizen-id", ID_NUMBER)
    assert json.loads(again.stdout)["tickets"] == []


def test_a_bad_phone_or_id_is_one_line(environment, visited):
    result = run(environment, "privacy", "export", "--phone", "12345")
    assert result.returncode == 1 and result.stderr.startswith("queue-server: ")
    assert len(result.stderr.splitlines()) == 1
    assert run(environment, "privacy", "erase", "--citizen-id", "123").returncode == 1
