"""tickets: index dossier codes and counters only where set, and drop the service_id index

Revision ID: 0012_partial_ticket_indexes
Revises: 0011_drop_event_office_index
Create Date: 2026-11-27 12:00:00.000000

An issued ticket has no counter and no dossier code, yet added an entry to both indexes;
every lookup through them compares a value, so NULL rows were never found through them.
Nothing reads tickets by service alone (a retired service's waiting count goes through
ix_tickets_queue with its office).
"""

import sqlalchemy as sa
from alembic import op

revision = '0012_partial_ticket_indexes'
down_revision = '0011_drop_event_office_index'
branch_labels = None
depends_on = None

PARTIAL = {"ix_tickets_office_dossier": (["office_id", "dossier_code"], "dossier_code"),
           "ix_tickets_counter_status": (["counter_id", "status"], "counter_id")}


def upgrade() -> None:
    op.drop_index('ix_tickets_service_id', table_name='tickets')
    for name, (columns, column) in PARTIAL.items():
        op.drop_index(name, table_name='tickets')
        where = sa.text(f"{column} IS NOT NULL")
        op.create_index(name, 'tickets', columns, unique=False, sqlite_where=where,
                        postgresql_where=where)


def downgrade() -> None:
    for name, (columns, _column) in PARTIAL.items():
        op.drop_index(name, table_name='tickets')
        op.create_index(name, 'tickets', columns, unique=False)
    op.create_index('ix_tickets_service_id', 'tickets', ['service_id'], unique=False)
