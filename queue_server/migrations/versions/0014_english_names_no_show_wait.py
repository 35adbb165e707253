"""English names of services and priority groups; the wait before a no-show

Revision ID: 0014_english_names_no_show_wait
Revises: 0013_layout_moves_queue_version
Create Date: 2026-12-07 02:30:00.000000

Empty English names show the Vietnamese one on the English screens. Existing offices get the
60 seconds between a call (or recall) and a no-show that new offices get.
"""

import sqlalchemy as sa
from alembic import op

revision = '0014_english_names_no_show_wait'
down_revision = '0013_layout_moves_queue_version'
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ('services', 'priority_categories'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('name_en', sa.String(length=200), nullable=False,
                                          server_default=''))
    with op.batch_alter_table('offices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('min_seconds_before_no_show', sa.Integer(),
                                      nullable=False, server_default='60'))


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35+), as in 0006: batch mode would copy tables others point to.
    op.drop_column('offices', 'min_seconds_before_no_show')
    op.drop_column('priority_categories', 'name_en')
    op.drop_column('services', 'name_en')
