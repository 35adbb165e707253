"""A database of the first released schema (0001), holding rows of every kind, upgraded to the
newest: every row and every value is still there, and the server reads it."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import MetaData, create_engine, select, text

from queue_server import create_app
from queue_server.core.settings import Settings
from queue_server.security.tokens import hash_token

from ..support.migrations import DATABASES, differences, migrate, scratch_engine

ROOT = Path(__file__).parents[2]
FIRST_RELEASE = "0001"
DAY = date(2026, 11, 26)
# 09:00 in Ho Chi Minh City, naive UTC as the first schema stores it (rows go in raw).
MORNING = datetime(2026, 11, 26, 2, 0, tzinfo=UTC).replace(tzinfo=None)
MANAGER_TOKEN = "u_upgrade-test-manager-token"
TICKET_STATUSES = ("waiting", "called", "done", "no_show", "cancelled")
EVENT_KINDS = ("issued", "called", "recalled", "finished", "no_show", "transferred", "cancelled")


def _at(minute: int) -> datetime:
    return MORNING.replace(minute=minute)


def _office(slug: str, mode: str) -> dict:
    return {"slug": slug, "name": f"Bộ phận Một cửa {slug}", "timezone": "Asia/Ho_Chi_Minh",
            "opening_hours": "24/7", "holidays": ["2026-01-01"], "priority_mode": mode,
            "ordinary_per_priority": 2, "min_recalls_before_no_show": 1,
            "notice": "Giữ trật tự", "ticket_footer": "Cảm ơn", "near_threshold": 3,
            "number_reading": "numeral", "number_region": "north", "is_active": True}


def _rows_of_every_kind() -> dict[str, list[dict]]:
    tickets = []
    for index, status in enumerate(TICKET_STATUSES * 2):
        is_seen = status != "waiting"
        tickets.append({
            "id": index + 1, "code": f"code-{index:02d}-{'x' * 30}", "office_id": 1,
            "issued_service_id": 1 + index % 2, "service_id": 1 + index % 2, "day": DAY,
            "sequence": index // 2 + 1, "number": f"{1 + index % 2}{index // 2 + 1:03d}",
            "priority_id": 1 if index % 3 == 0 else None,
            "channel": ("kiosk", "counter", "api")[index % 3], "status": status,
            "issued_at": _at(index), "queued_at": _at(index), "is_transferred": index == 7,
            "target_counter_id": 2 if index == 7 else None,
            "called_at": _at(index + 20) if is_seen else None,
            "last_called_at": _at(index + 21) if is_seen else None,
            "finished_at": _at(index + 30) if status in ("done", "no_show") else None,
            "counter_id": 1 if is_seen else None, "officer_id": 1 if is_seen else None,
            "recall_count": 1 if status == "no_show" else 0,
            "kiosk_id": 1 if index % 3 == 0 else None,
            "idempotency_key": f"key-{index}" if index % 2 else None,
            "dossier_code": "000.00.00.H00-261126-0001" if status == "done" else None})
    return {
        "offices": [{"id": 1, **_office("cam-lam", "interleaved")},
                    {"id": 2, **_office("dien-khanh", "strict"), "is_active": False}],
        "counters": [{"id": number, "office_id": 1, "number": number, "name": f"Quầy {number}",
                      "is_paused": number == 2, "pause_reason": "Họp" if number == 2 else None,
                      "paused_at": _at(50) if number == 2 else None, "ordinary_streak": 1,
                      "last_call_key": None, "is_active": True} for number in (1, 2)],
        "devices": [{"id": index + 1, "office_id": 1, "name": f"{kind}-1", "kind": kind,
                     "kiosk_id": 1 if kind == "printer" else None,
                     "token_hash": hash_token(f"d_{kind}"), "is_revoked": kind == "rating",
                     "created_at": _at(0), "last_seen_at": _at(5) if index else None}
                    for index, kind in enumerate(("kiosk", "display", "printer", "rating"))],
        "priority_categories": [{"id": 1, "office_id": 1, "code": "elderly",
                                 "name": "Người cao tuổi", "sort_order": 0, "is_active": True},
                                {"id": 2, "office_id": 1, "code": "disability",
                                 "name": "Người khuyết tật", "sort_order": 1,
                                 "is_active": False}],
        "services": [{"id": index + 1, "office_id": 1, "code": code, "name": name,
                      "prefix": str(index + 1), "start_number": 1,
                      "daily_capacity": 150 if index else None, "mean_service_s": 600,
                      "target_wait_s": 900, "recent_service_s": 512.5,
                      "service_time_samples": 7, "sort_order": index, "is_active": True}
                     for index, (code, name) in enumerate((("dat-dai", "Đất đai"),
                                                           ("tu-phap", "Tư pháp")))],
        "users": [{"id": index + 1, "username": name, "full_name": f"Nguyễn Văn {name}",
                   "role": role, "office_id": None if role == "admin" else 1,
                   "password_hash": "$argon2id$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ$aGFzaA",
                   "is_active": True, "created_at": _at(0)}
                  for index, (name, role) in enumerate((("canbo", "staff"),
                                                        ("truongbp", "manager"),
                                                        ("quantri", "admin")))],
        "api_tokens": [{"id": 1, "user_id": 2, "token_hash": hash_token(MANAGER_TOKEN),
                        "created_at": _at(0), "expires_at": MORNING.replace(year=2099)}],
        "counter_events": [{"id": 1, "counter_id": 2, "kind": "paused", "reason": "Họp",
                            "user_id": 1, "at": _at(40)},
                           {"id": 2, "counter_id": 2, "kind": "resumed", "reason": None,
                            "user_id": 1, "at": _at(45)}],
        "counter_services": [{"counter_id": 1, "service_id": 1},
                             {"counter_id": 2, "service_id": 1},
                             {"counter_id": 2, "service_id": 2}],
        "daily_sequences": [{"service_id": 1, "day": DAY, "last_number": 5},
                            {"service_id": 2, "day": DAY, "last_number": 5}],
        "tickets": tickets,
        "ticket_events": [{"id": index + 1, "ticket_id": 1 + index % len(tickets),
                           "office_id": 1, "kind": kind, "at": _at(index + 1),
                           "user_id": 1 if kind != "issued" else None,
                           "device_id": 1 if kind == "issued" else None,
                           "counter_id": 1 if kind in ("called", "recalled") else None,
                           "details": {"note": kind, "số": index}}
                          for index, kind in enumerate(EVENT_KINDS)],
    }


# Values a migration fills in on purpose: 0009 sets a device's last_seen_at from its last action.
FILLED_IN = {("devices", "last_seen_at")}


def _snapshot(engine, schema: MetaData) -> dict[str, list[tuple]]:
    """Every row of the first release's tables, read through its columns only."""
    with engine.connect() as connection:
        return {name: [tuple(row) for row in connection.execute(
                    select(*[column for column in table.columns
                             if (name, column.name) not in FILLED_IN])
                    .order_by(*table.primary_key.columns))]
                for name, table in schema.tables.items() if name != "alembic_version"}


def _last_seen(engine) -> list:
    with engine.connect() as connection:
        return connection.execute(text("SELECT last_seen_at FROM devices ORDER BY id")).all()


@pytest.mark.parametrize("kind", DATABASES)
def test_a_first_release_database_upgrades_with_nothing_lost(kind, tmp_path):
    with scratch_engine(kind, tmp_path) as engine:
        migrate(engine, FIRST_RELEASE)
        first = MetaData()
        first.reflect(engine)
        rows = _rows_of_every_kind()
        assert set(rows) == set(first.tables) - {"alembic_version"}, "a table has no rows"
        with engine.begin() as connection:
            for table in first.sorted_tables:
                if table.name in rows:
                    connection.execute(table.insert(), rows[table.name])
        before, seen_before = _snapshot(engine, first), _last_seen(engine)
        migrate(engine, "head")
        assert differences(engine) == []
        assert _snapshot(engine, first) == before
        for (earlier,), (later,) in zip(seen_before, _last_seen(engine), strict=True):
            assert earlier is None or (later is not None and later >= earlier)
        _check_the_server_reads_it(engine, tmp_path)


def _check_the_server_reads_it(engine, tmp_path) -> None:
    settings = Settings(database_url=engine.url.render_as_string(hide_password=False),
                        secret_key="upgrade", var_dir=str(tmp_path), testing=True).validated()
    app = create_app(settings, async_mode="threading")
    try:
        client = app.test_client()
        ticket = client.get("/api/v1/tickets/code-00-" + "x" * 30)
        assert ticket.status_code == 200
        assert ticket.get_json()["number"] == "1001"
        stats = client.get("/api/v1/offices/cam-lam/stats?from=2026-11-26&to=2026-11-26",
                           headers={"Authorization": f"Bearer {MANAGER_TOKEN}"})
        assert stats.status_code == 200, stats.get_json()
        assert stats.get_json()["issued"] == 10
    finally:
        app.extensions["queue"].engine.dispose()


def test_init_refuses_a_database_newer_than_the_code_in_one_line(tmp_path):
    url = f"sqlite:///{tmp_path}/queue.db"
    environment = {k: v for k, v in os.environ.items() if not k.startswith("QUEUE_")}
    environment.update({"QUEUE_DATABASE_URL": url, "QUEUE_VAR_DIR": str(tmp_path)})
    command = [sys.executable, "-m", "queue_server.cli", "init"]
    assert subprocess.run(command, env=environment, cwd=ROOT, capture_output=True,
                          timeout=120).returncode == 0
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0099_from_the_future'"))
    engine.dispose()
    refused = subprocess.run(command, env=environment, cwd=ROOT, capture_output=True, text=True,
                             timeout=120)
    assert refused.returncode == 1
    assert refused.stderr.count("\n") == 1, refused.stderr
    assert "0099_from_the_future, newer than this version of queue-server" in refused.stderr
    assert "Traceback" not in refused.stderr
    engine = create_engine(url)
    with engine.connect() as connection:  # left as it was
        assert connection.execute(text("SELECT version_num FROM alembic_version")).all() == [
            ("0099_from_the_future",)]
    engine.dispose()
