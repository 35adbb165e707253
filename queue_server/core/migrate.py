"""Run Alembic migrations from code (used by `queue-server init` and the tests)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

MIGRATIONS = Path(__file__).parent.parent / "migrations"


def alembic_config(url: str) -> Config:
    """An Alembic config pointing at our migrations and the given database."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url)
    return config


class DatabaseTooNewError(RuntimeError):
    """The database was migrated by a newer version of the server than this one."""


def upgrade_database(engine: Engine) -> None:
    """Create or migrate the database to the newest schema; refuse one newer than the code."""
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        refuse_newer_schema(connection, ScriptDirectory.from_config(config))
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def refuse_newer_schema(connection: Connection, script: ScriptDirectory) -> None:
    """Raise DatabaseTooNewError when the database's revision is unknown to this code."""
    known = {revision.revision for revision in script.walk_revisions()}
    current = MigrationContext.configure(connection).get_current_heads()
    unknown = [revision for revision in current if revision not in known]
    if unknown:
        newest = ", ".join(script.get_heads())
        raise DatabaseTooNewError(
            f"the database has schema {', '.join(unknown)}, newer than this version of "
            f"queue-server knows (newest {newest}); install the newer version again, or "
            "restore a backup made with this one")
