"""drop ticket_events' index on office_id alone: (office_id, at) already leads with it

Revision ID: 0011_drop_event_office_index
Revises: 0010_audit_indexes
Create Date: 2026-11-27 12:15:00.000000

Every ticket event, one per issue, call, recall and finish, updated both indexes; every
query by office is answered by ix_ticket_events_office_at.
"""

from alembic import op

revision = '0011_drop_event_office_index'
down_revision = '0010_audit_indexes'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index('ix_ticket_events_office_id', table_name='ticket_events')


def downgrade() -> None:
    op.create_index('ix_ticket_events_office_id', 'ticket_events', ['office_id'], unique=False)
