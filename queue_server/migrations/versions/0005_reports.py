"""reports: the feedback inbox, the office's handling target, the dossier index

Revision ID: 0005_reports
Revises: 0003_feedback
Create Date: 2026-11-28 10:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

import queue_server.models

revision = '0005_reports'
down_revision = '0003_feedback'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('feedback_cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('feedback_id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('assigned_by_id', sa.Integer(), nullable=True),
    sa.Column('assigned_at', queue_server.models.UTCDateTime(), nullable=True),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('answered_at', queue_server.models.UTCDateTime(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('closed_at', queue_server.models.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'], name=op.f('fk_feedback_cases_answered_by_id_users')),
    sa.ForeignKeyConstraint(['assigned_by_id'], ['users.id'], name=op.f('fk_feedback_cases_assigned_by_id_users')),
    sa.ForeignKeyConstraint(['assignee_id'], ['users.id'], name=op.f('fk_feedback_cases_assignee_id_users')),
    sa.ForeignKeyConstraint(['closed_by_id'], ['users.id'], name=op.f('fk_feedback_cases_closed_by_id_users')),
    sa.ForeignKeyConstraint(['feedback_id'], ['feedback.id'], name=op.f('fk_feedback_cases_feedback_id_feedback')),
    sa.ForeignKeyConstraint(['office_id'], ['offices.id'], name=op.f('fk_feedback_cases_office_id_offices')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_cases')),
    sa.UniqueConstraint('feedback_id', name=op.f('uq_feedback_cases_feedback_id'))
    )
    with op.batch_alter_table('feedback_cases', schema=None) as batch_op:
        batch_op.create_index('ix_feedback_cases_office_closed', ['office_id', 'closed_at'], unique=False)

    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.create_index('ix_tickets_office_dossier', ['office_id', 'dossier_code'], unique=False)

    # Existing offices get the default target of three working days.
    with op.batch_alter_table('offices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('feedback_target_days', sa.Integer(), nullable=False, server_default='3'))


def downgrade() -> None:
    # A plain DROP COLUMN (SQLite 3.35+): batch mode would copy `offices`, which devices and
    # tickets refer to, and SQLite refuses that with foreign keys on.
    op.drop_column('offices', 'feedback_target_days')

    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index('ix_tickets_office_dossier')

    with op.batch_alter_table('feedback_cases', schema=None) as batch_op:
        batch_op.drop_index('ix_feedback_cases_office_closed')

    op.drop_table('feedback_cases')
