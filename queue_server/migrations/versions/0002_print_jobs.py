"""print jobs and printer state

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 11:30:00.000000
"""

import sqlalchemy as sa
from alembic import op

import queue_server.models

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('devices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('printer_state', sa.Enum('ok', 'error', 'paper_out', name='printerstate', native_enum=False, length=20), nullable=True))
        batch_op.add_column(sa.Column('printer_error', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('printer_error_at', queue_server.models.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('printer_seen_at', queue_server.models.UTCDateTime(), nullable=True))

    op.create_table('print_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('printer_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'sent', 'printed', 'failed', name='printjobstatus', native_enum=False, length=20), nullable=False),
    sa.Column('slip', sa.JSON(), nullable=False),
    sa.Column('is_reprint', sa.Boolean(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.String(length=300), nullable=True),
    sa.Column('created_at', queue_server.models.UTCDateTime(), nullable=False),
    sa.Column('sent_at', queue_server.models.UTCDateTime(), nullable=True),
    sa.Column('finished_at', queue_server.models.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['printer_id'], ['devices.id'], name=op.f('fk_print_jobs_printer_id_devices')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_print_jobs_requested_by_id_users')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_print_jobs_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_print_jobs')),
    sa.UniqueConstraint('key', name=op.f('uq_print_jobs_key'))
    )
    with op.batch_alter_table('print_jobs', schema=None) as batch_op:
        batch_op.create_index('ix_print_jobs_printer_status', ['printer_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_print_jobs_ticket_id'), ['ticket_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('print_jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_print_jobs_ticket_id'))
        batch_op.drop_index('ix_print_jobs_printer_status')

    op.drop_table('print_jobs')
    with op.batch_alter_table('devices', schema=None) as batch_op:
        batch_op.drop_column('printer_seen_at')
        batch_op.drop_column('printer_error_at')
        batch_op.drop_column('printer_error')
        batch_op.drop_column('printer_state')
