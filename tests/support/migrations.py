"""Shared by the migration tests: run Alembic on an engine, compare with the models, and a
throwaway PostgreSQL database."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, create_engine, text

from queue_server.core.db import make_engine
from queue_server.core.migrate import alembic_config
from queue_server.models import Base

ADMIN_URL = os.environ.get("TEST_POSTGRES_URL",
                           "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def migrate(engine, target: str, direction=command.upgrade) -> None:
    """Upgrade (or, with command.downgrade, downgrade) the engine's database to target."""
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        direction(config, target)


def differences(engine) -> list:
    """What the models declare that the migrated database lacks, or the reverse."""
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)


@contextmanager
def scratch_postgres_url(prefix: str) -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database, dropped afterwards."""
    name = f"{prefix}_{secrets.token_hex(4)}"
    server = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield server.url.set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as connection:
            connection.execute(text(f"DROP DATABASE {name} WITH (FORCE)"))
        server.dispose()


@contextmanager
def sqlite_engine(folder) -> Iterator[Engine]:
    """The server's engine on a new SQLite file in folder, disposed afterwards."""
    engine = make_engine(f"sqlite:///{folder}/queue.db")
    try:
        yield engine
    finally:
        engine.dispose()


@contextmanager
def postgres_engine(prefix: str) -> Iterator[Engine]:
    """The server's engine on a scratch PostgreSQL database, disposed and dropped afterwards."""
    with scratch_postgres_url(prefix) as url:
        engine = make_engine(url)
        try:
            yield engine
        finally:
            engine.dispose()


# Every migration test runs on both databases; PostgreSQL only where the services are.
DATABASES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.services)]


@contextmanager
def scratch_engine(kind: str, folder) -> Iterator[Engine]:
    """The server's engine on a new database of the kind ("sqlite" in folder, "postgresql")."""
    opened = sqlite_engine(folder) if kind == "sqlite" else postgres_engine("test_migration")
    with opened as engine:
        yield engine
