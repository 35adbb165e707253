"""Copy every row from one database to another of the same schema (SQLite → PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import Connection, Engine, Table, func, select, text

from queue_server.models import Base

BATCH = 2000


class TargetNotEmptyError(RuntimeError):
    """The target already holds data; copying would mix two installations."""


def copy_database(source: Engine, target: Engine) -> dict[str, int]:
    """Copy all tables in dependency order, then move PostgreSQL sequences past the ids."""
    tables = Base.metadata.sorted_tables
    with target.begin() as destination:
        for table in tables:
            if destination.execute(select(func.count()).select_from(table)).scalar():
                raise TargetNotEmptyError(f"the target table {table.name} is not empty")
    counts = {}
    with source.connect() as origin, target.begin() as destination:
        postgres = target.dialect.name == "postgresql"
        if postgres:
            _switch_triggers(destination, tables, "DISABLE")
        for table in tables:
            counts[table.name] = _copy_table(origin, destination, table)
        if postgres:
            _switch_triggers(destination, tables, "ENABLE")
            _advance_sequences(destination, tables)
    return counts


def _switch_triggers(destination: Connection, tables: list[Table], action: str) -> None:
    # Rows are copied as they are: the queue-version triggers (migrations 0008 and 0013)
    # would update each office's row once per copied event, millions of times in one
    # transaction, and the copied version would not be the source's.
    for table in tables:
        destination.execute(text(f"ALTER TABLE {table.name} {action} TRIGGER USER"))


def _copy_table(origin: Connection, destination: Connection, table: Table) -> int:
    result = origin.execute(select(table))
    copied = 0
    while rows := result.fetchmany(BATCH):
        destination.execute(table.insert(), [row._asdict() for row in rows])
        copied += len(rows)
    return copied


def _advance_sequences(destination: Connection, tables: list[Table]) -> None:
    # Rows were inserted with explicit ids, so each id sequence must move past them.
    for table in tables:
        column = table.c.get("id")
        if column is None or not column.autoincrement:
            continue
        destination.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
            f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"))
