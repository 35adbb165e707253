"""Alembic environment: the URL comes from the caller's config, metadata from the models."""

from alembic import context
from sqlalchemy import Connection

from queue_server.models import Base

config = context.config


def run_migrations() -> None:
    connectable = config.attributes.get("connection")
    if connectable is None:
        from queue_server.core.db import make_engine

        url = config.get_main_option("sqlalchemy.url")
        assert url, "the caller's config gives sqlalchemy.url or a connection"
        engine = make_engine(url)
        with engine.connect() as connection:
            _run(connection)
        engine.dispose()
    else:
        _run(connectable)


def _run(connection: Connection) -> None:
    # Batch mode lets ALTERs work on SQLite, which cannot alter most constraints in place.
    context.configure(connection=connection, target_metadata=Base.metadata,
                      render_as_batch=True, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
