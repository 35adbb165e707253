"""network: the province and each office's place in it

Revision ID: 0020_network
Revises: 0019_bookings
Create Date: 2026-12-07 11:30:00.000000

The office file's [province] (one row), and per office its kind (centre, branch or commune;
NULL: not said), the area it serves, its address and its location (NULL: not given).
"""

import sqlalchemy as sa
from alembic import op

revision = '0020_network'
down_revision = '0019_bookings'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN: batch mode would copy the table and drop its triggers.
    op.add_column('offices', sa.Column('kind', sa.String(length=20), nullable=True))
    op.add_column('offices', sa.Column('area', sa.String(length=200), server_default='',
                                       nullable=False))
    op.add_column('offices', sa.Column('address', sa.String(length=300), server_default='',
                                       nullable=False))
    op.add_column('offices', sa.Column('latitude', sa.Float(), nullable=True))
    op.add_column('offices', sa.Column('longitude', sa.Float(), nullable=True))
    op.create_table(
        'provinces',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('slug', sa.String(length=64), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_provinces')),
        sa.UniqueConstraint('slug', name=op.f('uq_provinces_slug')),
    )


def downgrade() -> None:
    op.drop_table('provinces')
    for column in ('longitude', 'latitude', 'address', 'area', 'kind'):
        op.drop_column('offices', column)
