"""services, counters and their links move the office's queue version when edited

Revision ID: 0013_layout_moves_queue_version
Revises: 0012_partial_ticket_indexes
Create Date: 2026-11-28 10:00:00.000000

Until now only ticket and counter events moved the version, so a cached queue had to be
read again every 2 s to catch an edited service or counter. With these triggers every
writer (the admin page, the CLI's office file, another process) moves it, and a cached queue
stays true for as long as its version does. Only the columns the queue reads and that change
without an event are watched: a call's streak, a pause and a finish's service time come with
an event that moves the version already. Deferred on PostgreSQL, as in 0008.
"""

from alembic import op

revision = '0013_layout_moves_queue_version'
down_revision = '0012_partial_ticket_indexes'
branch_labels = None
depends_on = None

BUMP = "UPDATE offices SET queue_version = queue_version + 1 WHERE id = {office};"
_OF_COUNTER = "(SELECT office_id FROM counters WHERE id = {row}.counter_id)"

# table: (the columns watched on update, the office of a row as SQL over NEW or OLD)
TABLES = {
    "services": ("office_id, code, is_active, mean_service_s", "{row}.office_id"),
    "counters": ("office_id, number, is_active", "{row}.office_id"),
    "counter_services": ("counter_id, service_id", _OF_COUNTER),
}


def _name(table: str) -> str:
    return f"{table}_move_queue_version"


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == 'postgresql'
    for table, (columns, office) in TABLES.items():
        old, new = office.format(row="OLD"), office.format(row="NEW")
        if postgres:
            _create_postgres(table, columns, old, new)
        else:
            _create_sqlite(table, columns, old, new)


def _create_sqlite(table: str, columns: str, old: str, new: str) -> None:
    name = _name(table)
    op.execute(f"CREATE TRIGGER {name}_insert AFTER INSERT ON {table} "
               f"BEGIN {BUMP.format(office=new)} END")
    op.execute(f"CREATE TRIGGER {name}_update AFTER UPDATE OF {columns} ON {table} "
               f"BEGIN {BUMP.format(office=old)} "
               f"UPDATE offices SET queue_version = queue_version + 1 "
               f"WHERE id = {new} AND id IS NOT {old}; END")
    op.execute(f"CREATE TRIGGER {name}_delete AFTER DELETE ON {table} "
               f"BEGIN {BUMP.format(office=old)} END")


def _create_postgres(table: str, columns: str, old: str, new: str) -> None:
    name = _name(table)
    op.execute(
        f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"IF TG_OP <> 'INSERT' THEN {BUMP.format(office=old)} END IF; "
        f"IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND {new} IS DISTINCT FROM {old}) THEN "
        f"{BUMP.format(office=new)} END IF; "
        f"RETURN NULL; END $$")
    op.execute(f"CREATE CONSTRAINT TRIGGER {name} "
               f"AFTER INSERT OR UPDATE OF {columns} OR DELETE ON {table} "
               f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {name}()")


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == 'postgresql'
    for table in TABLES:
        name = _name(table)
        if postgres:
            op.execute(f"DROP TRIGGER {name} ON {table}")
            op.execute(f"DROP FUNCTION {name}()")
        else:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER {name}_{event}")
