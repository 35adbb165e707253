"""feedback, sms requests and the office's phone retention

Revision ID: 0003_feedback
Revises: 0002
Create Date: 2026-11-27 10:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

import queue_server.models

revision = '0003_feedback'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('counter_id', sa.Integer(), nullable=True),
    sa.Column('officer_id', sa.Integer(), nullable=True),
    sa.Column('rating', sa.Integer(), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('visits', sa.Enum('first', 'second', 'three_or_more', name='visitcount', native_enum=False, length=20), nullable=True),
    sa.Column('source', sa.Enum('phone', 'tablet', name='feedbacksource', native_enum=False, length=20), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=True),
    sa.Column('rated_at', queue_server.models.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['counter_id'], ['counters.id'], name=op.f('fk_feedback_counter_id_counters')),
    sa.ForeignKeyConstraint(['device_id'], ['devices.id'], name=op.f('fk_feedback_device_id_devices')),
    sa.ForeignKeyConstraint(['office_id'], ['offices.id'], name=op.f('fk_feedback_office_id_offices')),
    sa.ForeignKeyConstraint(['officer_id'], ['users.id'], name=op.f('fk_feedback_officer_id_users')),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_feedback_service_id_services')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_feedback_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback')),
    sa.UniqueConstraint('ticket_id', name=op.f('uq_feedback_ticket_id'))
    )
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.create_index('ix_feedback_office_rated', ['office_id', 'rated_at'], unique=False)

    op.create_table('sms_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('phone', sa.String(length=16), nullable=False),
    sa.Column('status', sa.Enum('pending', 'sending', 'sent', 'failed', name='smsstatus', native_enum=False, length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.String(length=300), nullable=True),
    sa.Column('created_at', queue_server.models.UTCDateTime(), nullable=False),
    sa.Column('claimed_at', queue_server.models.UTCDateTime(), nullable=True),
    sa.Column('sent_at', queue_server.models.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['office_id'], ['offices.id'], name=op.f('fk_sms_requests_office_id_offices')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_sms_requests_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sms_requests')),
    sa.UniqueConstraint('ticket_id', name=op.f('uq_sms_requests_ticket_id'))
    )
    with op.batch_alter_table('sms_requests', schema=None) as batch_op:
        batch_op.create_index('ix_sms_requests_office_created', ['office_id', 'created_at'], unique=False)

    # Existing offices get the default retention of one day.
    with op.batch_alter_table('offices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phone_retention_hours', sa.Integer(), nullable=False, server_default='24'))


def downgrade() -> None:
    # A plain DROP COLUMN (SQLite 3.35+ has it): copying `offices` in batch mode would drop a
    # table that devices and tickets refer to, which SQLite refuses with foreign keys on.
    op.drop_column('offices', 'phone_retention_hours')

    with op.batch_alter_table('sms_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_sms_requests_office_created')

    op.drop_table('sms_requests')
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.drop_index('ix_feedback_office_rated')

    op.drop_table('feedback')
