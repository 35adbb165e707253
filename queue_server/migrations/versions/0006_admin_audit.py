"""admin audit log, office file state, ticket header, closed services

Revision ID: 0006_admin_audit
Revises: 0005_reports
Create Date: 2026-11-28 12:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

import queue_server.models

revision = '0006_admin_audit'
down_revision = '0005_reports'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('admin_audit_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', queue_server.models.UTCDateTime(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('client_address', sa.String(length=64), nullable=True),
    sa.Column('client_agent', sa.String(length=200), nullable=True),
    sa.Column('action', sa.Enum('created', 'updated', 'password_reset', 'revoked', 'file_applied', name='adminaction', native_enum=False, length=20), nullable=False),
    sa.Column('object_kind', sa.Enum('office', 'service', 'counter', 'priority', 'user', 'device', name='adminobject', native_enum=False, length=20), nullable=False),
    sa.Column('object_key', sa.String(length=100), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['office_id'], ['offices.id'], name=op.f('fk_admin_audit_entries_office_id_offices')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_admin_audit_entries_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_admin_audit_entries'))
    )
    with op.batch_alter_table('admin_audit_entries', schema=None) as batch_op:
        batch_op.create_index('ix_admin_audit_entries_at', ['at'], unique=False)
        batch_op.create_index('ix_admin_audit_entries_office_at', ['office_id', 'at'], unique=False)

    op.create_table('office_file_states',
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('applied', sa.JSON(), nullable=False),
    sa.Column('applied_at', queue_server.models.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['office_id'], ['offices.id'], name=op.f('fk_office_file_states_office_id_offices')),
    sa.PrimaryKeyConstraint('office_id', name=op.f('pk_office_file_states'))
    )

    # Existing offices print their name at the top; existing services stay open.
    with op.batch_alter_table('offices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ticket_header', sa.String(length=200), nullable=False, server_default=''))
    # A plain ADD COLUMN: in batch mode an expression default (false()) makes SQLite copy and
    # drop `services`, which the foreign keys of existing tickets forbid.
    op.add_column('services', sa.Column('is_closed', sa.Boolean(), nullable=False,
                                        server_default=sa.false()))


def downgrade() -> None:
    # A plain DROP COLUMN (SQLite 3.35+): batch mode would copy and drop `offices`, which
    # the foreign keys of existing services and devices forbid.
    op.drop_column('services', 'is_closed')
    op.drop_column('offices', 'ticket_header')

    op.drop_table('office_file_states')
    with op.batch_alter_table('admin_audit_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_admin_audit_entries_office_at')
        batch_op.drop_index('ix_admin_audit_entries_at')

    op.drop_table('admin_audit_entries')
