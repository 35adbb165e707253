"""citizen privacy: the ID card's keyed hash and age band, booking consent, retention per kind

Revision ID: 0021_citizen_privacy
Revises: 0019_bookings
Create Date: 2026-12-07 12:00:00.000000

On an office its [office.retention] (JSON, NULL: the defaults), the age from which a scanned
card gives the elderly priority and that priority's code, and the controller named in privacy
notices; on a ticket and a booking the keyed hash of the citizen ID number (never the number);
on a ticket the age band; on a booking the consent given with the phone number.
"""

import sqlalchemy as sa
from alembic import op

revision = '0021_citizen_privacy'
down_revision = '0020_network'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN: batch mode would copy the tables and drop their triggers.
    op.add_column('offices', sa.Column('retention', sa.JSON(), nullable=True))
    op.add_column('offices', sa.Column('elderly_age', sa.Integer(), server_default='60',
                                       nullable=False))
    op.add_column('offices', sa.Column('elderly_priority', sa.String(length=64),
                                       server_default='', nullable=False))
    op.add_column('offices', sa.Column('privacy_controller', sa.String(length=300),
                                       server_default='', nullable=False))
    op.add_column('tickets', sa.Column('citizen_hash', sa.String(length=64), nullable=True))
    op.add_column('tickets', sa.Column('age_band', sa.String(length=8), nullable=True))
    op.create_index(op.f('ix_tickets_citizen_hash'), 'tickets', ['citizen_hash'])
    op.add_column('bookings', sa.Column('citizen_hash', sa.String(length=64), nullable=True))
    op.add_column('bookings', sa.Column('consent_text', sa.Text(), nullable=True))
    op.add_column('bookings', sa.Column('consent_version', sa.String(length=20), nullable=True))
    op.add_column('bookings', sa.Column('consent_at', sa.DateTime(), nullable=True))
    op.create_index(op.f('ix_bookings_citizen_hash'), 'bookings', ['citizen_hash'])


def downgrade() -> None:
    op.drop_index(op.f('ix_bookings_citizen_hash'), table_name='bookings')
    for column in ('consent_at', 'consent_version', 'consent_text', 'citizen_hash'):
        op.drop_column('bookings', column)
    op.drop_index(op.f('ix_tickets_citizen_hash'), table_name='tickets')
    op.drop_column('tickets', 'age_band')
    op.drop_column('tickets', 'citizen_hash')
    for column in ('privacy_controller', 'elderly_priority', 'elderly_age', 'retention'):
        op.drop_column('offices', column)
