"""queue-server backup and restore: a busy morning survives the round trip, table by table."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from queue_server.core.db import make_engine

from ..conftest import office_spec
from ..support.busy_day import busy_app, table_rows, work_a_morning
from .conftest import ROOT


def queue_server(database_url: str, *arguments: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("QUEUE_")}
    environment["QUEUE_DATABASE_URL"] = database_url
    return subprocess.run([sys.executable, "-m", "queue_server.cli", *arguments],
                          env=environment, cwd=ROOT, capture_output=True, text=True, timeout=120)


def rows_of(database_url: str) -> dict[str, list[tuple]]:
    engine = make_engine(database_url)
    try:
        return table_rows(engine)
    finally:
        engine.dispose()


def round_trip(source_url: str, target_url: str, folder: Path, clock) -> None:
    app = busy_app(source_url, folder, clock, [office_spec()])
    try:
        work_a_morning(app)
        before = rows_of(source_url)
        # The server is still running (its engine and pool are open) while the copy is made.
        made = queue_server(source_url, "backup", str(folder / "backups"))
        assert made.returncode == 0, made.stderr
        backup = Path(made.stdout.strip())
        assert backup.parent == folder / "backups" and backup.exists()
    finally:
        app.extensions["queue"].engine.dispose()
    restored = queue_server(target_url, "restore", str(backup))
    assert restored.returncode == 0, restored.stderr
    after = rows_of(target_url)
    assert {name: len(rows) for name, rows in after.items()} == {
        name: len(rows) for name, rows in before.items()}
    assert after == before
    assert len(after["tickets"]) == 5 and after["feedback"] and after["print_jobs"]
    assert after["counter_events"] and after["ticket_events"]
    # Restoring over data needs --force, and says so in one line.
    refused = queue_server(target_url, "restore", str(backup))
    assert refused.returncode == 1
    assert refused.stderr.count("\n") == 1 and "--force" in refused.stderr
    forced = queue_server(target_url, "restore", str(backup), "--force")
    assert forced.returncode == 0, forced.stderr
    assert rows_of(target_url) == before


@pytest.mark.slow
def test_a_sqlite_backup_restores_every_row_into_a_fresh_database(tmp_path, clock):
    round_trip(f"sqlite:///{tmp_path}/queue.db", f"sqlite:///{tmp_path}/fresh/queue.db",
               tmp_path, clock)


@pytest.mark.services
@pytest.mark.slow
def test_a_postgresql_backup_restores_every_row_into_a_fresh_database(tmp_path, clock,
                                                                        postgres):
    round_trip(postgres.create_database(), postgres.create_database(), tmp_path, clock)


def test_backup_keeps_the_newest_and_names_them_by_date_and_time(tmp_path):
    url = f"sqlite:///{tmp_path}/queue.db"
    assert queue_server(url, "init", "--config", str(ROOT / "config/demo.toml")).returncode == 0
    folder = tmp_path / "backups"
    (folder / "notes.txt").parent.mkdir()
    (folder / "notes.txt").write_text("not a backup")
    made = [Path(queue_server(url, "backup", str(folder), "--keep", "2").stdout.strip())
            for _ in range(3)]
    assert all(path.name.startswith("queue-20") and path.suffix == ".db" for path in made)
    assert sorted(path.name for path in folder.iterdir()) == sorted(
        [made[1].name, made[2].name, "notes.txt"])


@pytest.mark.parametrize(("arguments", "message"), [
    (["backup", "{tmp}/b", "--keep", "0"], "at least 1"),
    (["restore", "{tmp}/missing.db"], "No such file"),
    (["restore", "{tmp}/notes.txt"], "neither a SQLite backup"),
])
def test_backup_and_restore_mistakes_are_one_clear_line(tmp_path, arguments, message):
    (tmp_path / "notes.txt").write_text("hello")
    result = queue_server(f"sqlite:///{tmp_path}/queue.db",
                          *[argument.format(tmp=tmp_path) for argument in arguments])
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr
