"""index reprints and counter events by time (the audit page lists them newest first)

Revision ID: 0010_audit_indexes
Revises: 0009_device_last_seen
Create Date: 2026-11-27 09:30:00.000000

Without them each view of /admin/audit read every print job ever made (one per ticket) and
every counter pause.
"""

import sqlalchemy as sa
from alembic import op

revision = '0010_audit_indexes'
down_revision = '0009_device_last_seen'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_print_jobs_reprints', 'print_jobs', ['created_at'], unique=False,
                    sqlite_where=sa.text('is_reprint = 1'), postgresql_where=sa.text('is_reprint'))
    op.create_index('ix_counter_events_at', 'counter_events', ['at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_counter_events_at', table_name='counter_events')
    op.drop_index('ix_print_jobs_reprints', table_name='print_jobs')
