"""index tickets by counter and status (the ticket a counter serves now)

Revision ID: 0007_counter_index
Revises: 0006_admin_audit
Create Date: 2026-11-26 17:00:00.000000
"""

from alembic import op

revision = '0007_counter_index'
down_revision = '0006_admin_audit'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_tickets_counter_status', 'tickets', ['counter_id', 'status'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_tickets_counter_status', table_name='tickets')
