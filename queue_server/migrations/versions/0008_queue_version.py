"""a queue version per office, moved on by triggers with every ticket or counter event

Revision ID: 0008_queue_version
Revises: 0007_counter_index
Create Date: 2026-11-27 03:10:00.000000

Each server process caches office queues and compares this number before trusting its copy.
Triggers keep it exact whoever writes (another process, the CLI, a scheduled job), and the
update takes the office row's lock until commit, so two changes to one office never commit
with the same number. On PostgreSQL the triggers are deferred to commit: the office row is
then the last lock a transaction takes, and cannot close a deadlock with the ticket rows that
call-next locks (SQLite has one writer at a time, and no deferred triggers).
"""

import sqlalchemy as sa
from alembic import op

revision = '0008_queue_version'
down_revision = '0007_counter_index'
branch_labels = None
depends_on = None

# (trigger, table, the office of the new row)
TRIGGERS = [
    ("ticket_events_move_queue_version", "ticket_events", "NEW.office_id"),
    ("counter_events_move_queue_version", "counter_events",
     "(SELECT office_id FROM counters WHERE id = NEW.counter_id)"),
]
BUMP = "UPDATE offices SET queue_version = queue_version + 1 WHERE id = {office};"


def upgrade() -> None:
    with op.batch_alter_table('offices') as batch:
        batch.add_column(sa.Column('queue_version', sa.BigInteger(), server_default='0',
                                   nullable=False))
    postgres = op.get_bind().dialect.name == 'postgresql'
    for name, table, office in TRIGGERS:
        if postgres:
            op.execute(f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                       f"BEGIN {BUMP.format(office=office)} RETURN NULL; END $$")
            op.execute(f"CREATE CONSTRAINT TRIGGER {name} AFTER INSERT ON {table} "
                       f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {name}()")
        else:
            op.execute(f"CREATE TRIGGER {name} AFTER INSERT ON {table} "
                       f"BEGIN {BUMP.format(office=office)} END")


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == 'postgresql'
    for name, table, _office in TRIGGERS:
        if postgres:
            op.execute(f"DROP TRIGGER {name} ON {table}")
            op.execute(f"DROP FUNCTION {name}()")
        else:
            op.execute(f"DROP TRIGGER {name}")
    # A plain DROP COLUMN (SQLite 3.35+): batch mode would copy and drop `offices`.
    op.drop_column('offices', 'queue_version')
