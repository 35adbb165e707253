"""Backups while the server runs, and restoring one into an empty database.

SQLite is copied with its online backup API (a consistent copy, writes in the WAL included,
while the server goes on writing); PostgreSQL with `pg_dump` in its custom format.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, func, inspect, select
from sqlalchemy.engine import make_url

from queue_server.core.migrate import upgrade_database
from queue_server.models import Base

PREFIX = "queue-"
SQLITE_SUFFIX, POSTGRES_SUFFIX = ".db", ".dump"
SQLITE_MAGIC, POSTGRES_MAGIC = b"SQLite format 3\x00", b"PGDMP"
PG_TIMEOUT_S = 6 * 3600


class BackupError(RuntimeError):
    """A backup or restore that cannot go on; the message is one line for the operator."""


def back_up(engine: Engine, folder: Path, *, keep: int, now: datetime) -> Path:
    """Write a consistent copy named by date and time into folder; keep the newest `keep`."""
    folder.mkdir(parents=True, exist_ok=True)
    postgres = engine.dialect.name == "postgresql"
    path = _free_name(folder, now, POSTGRES_SUFFIX if postgres else SQLITE_SUFFIX)
    partial = path.with_name(path.name + ".partial")
    try:
        if postgres:
            _run_pg(["pg_dump", "--format=custom", "--no-owner", "--file", str(partial)], engine)
        else:
            _sqlite_copy(_sqlite_file(engine), partial)
        partial.rename(path)  # only a complete copy ever has a backup's name
    finally:
        partial.unlink(missing_ok=True)
    prune(folder, keep)
    return path


def _free_name(folder: Path, now: datetime, suffix: str) -> Path:
    stem = PREFIX + now.strftime("%Y%m%d-%H%M%S")
    path, extra = folder / (stem + suffix), 1
    while path.exists():
        path, extra = folder / f"{stem}-{extra}{suffix}", extra + 1
    return path


def prune(folder: Path, keep: int) -> list[Path]:
    """Remove all but the newest `keep` backups of this folder (other files are left alone)."""
    backups = sorted((path for path in folder.iterdir() if _is_backup_name(path.name)),
                     key=lambda path: (path.stat().st_mtime, path.name))
    removed = backups[:-keep] if keep > 0 else backups
    for path in removed:
        path.unlink()
    return removed


def _is_backup_name(name: str) -> bool:
    return name.startswith(PREFIX) and name.endswith((SQLITE_SUFFIX, POSTGRES_SUFFIX))


def _sqlite_file(engine: Engine) -> str:
    database = engine.url.database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database has nothing to back up")
    if not Path(database).exists():
        raise BackupError(f"{database}: no such database file")
    return database


def _sqlite_copy(source: str, target: Path) -> None:
    origin = sqlite3.connect(source, timeout=30)
    destination = sqlite3.connect(target)
    try:
        # Pages in steps, releasing the lock between them, so the server keeps writing.
        origin.backup(destination, pages=1024, sleep=0.005)
        # One self-contained file: no -wal beside it is needed to open the copy.
        destination.execute("PRAGMA journal_mode=DELETE")
    finally:
        destination.close()
        origin.close()


def restore(engine: Engine, backup: Path, *, force: bool) -> None:
    """Put a backup into the database behind engine, then migrate it to the newest schema."""
    postgres = engine.dialect.name == "postgresql"
    kind = _backup_kind(backup)
    if kind != ("postgresql" if postgres else "sqlite"):
        raise BackupError(f"{backup} is a {kind} backup and the database is "
                          f"{engine.dialect.name}; restore it into {kind}, then use copy-data")
    table = non_empty_table(engine)
    if table is not None and not force:
        raise BackupError(f"the database is not empty (table {table} has rows); "
                          "restore into an empty database, or add --force to replace it")
    engine.dispose()  # no pooled connection may see the file or schema change under it
    if postgres:
        _run_pg(["pg_restore", "--clean", "--if-exists", "--no-owner", "--exit-on-error",
                 "--single-transaction", str(backup)], engine, target=True)
    else:
        _sqlite_restore(backup, _sqlite_target(engine))
    engine.dispose()
    upgrade_database(engine)


def _backup_kind(backup: Path) -> str:
    try:
        with backup.open("rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except OSError as error:
        raise BackupError(f"{backup}: {error.strerror or error}") from None
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(POSTGRES_MAGIC):
        return "postgresql"
    raise BackupError(f"{backup} is neither a SQLite backup nor a pg_dump custom-format file")


def non_empty_table(engine: Engine) -> str | None:
    """The first of our tables holding a row, or None for an empty (or new) database."""
    present = set(inspect(engine).get_table_names())
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            if table.name in present and connection.scalar(
                    select(func.count()).select_from(table)):
                return table.name
    return None


def _sqlite_target(engine: Engine) -> str:
    database = engine.url.database
    if not database or database == ":memory:":
        raise BackupError("restore needs a SQLite database file, not an in-memory one")
    Path(database).parent.mkdir(parents=True, exist_ok=True)
    return database


def _sqlite_restore(backup: Path, target: str) -> None:
    origin = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    destination = sqlite3.connect(target, timeout=30)
    try:
        origin.backup(destination)  # replaces every page of the target, in one transaction
        destination.execute("PRAGMA journal_mode=WAL")
    finally:
        destination.close()
        origin.close()


def _run_pg(command: list[str], engine: Engine, *, target: bool = False) -> None:
    url = make_url(engine.url.render_as_string(hide_password=False))
    environment = dict(os.environ)
    # The password goes by environment, never on a command line that `ps` shows.
    if url.password:
        environment["PGPASSWORD"] = str(url.password)
    for name, value in (("PGHOST", url.host), ("PGPORT", url.port), ("PGUSER", url.username)):
        if value:
            environment[name] = str(value)
    database = ["--dbname", url.database or ""]
    arguments = [*command[:1], *database, *command[1:]] if target else [*command, *database]
    try:
        result = subprocess.run(arguments, env=environment, capture_output=True, text=True,
                                timeout=PG_TIMEOUT_S, check=False)
    except FileNotFoundError:
        raise BackupError(f"{command[0]} not found (apt-get install postgresql-client)") from None
    if result.returncode != 0:
        reason = (result.stderr.strip().splitlines() or ["no reason given"])[-1]
        raise BackupError(f"{command[0]} failed: {reason}")
