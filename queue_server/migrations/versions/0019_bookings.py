"""bookings: appointments booked ahead, confirmed by a one-time code, checked in at the kiosk

Revision ID: 0019_bookings
Revises: 0018_missing_documents
Create Date: 2026-12-07 07:00:00.000000

An office's [office.booking] settings (JSON, NULL: the defaults), a service's bookings per slot
(0: no booking), the bookings themselves, and on a ticket the booking it was issued for and
whether it came after the booking's window.
"""

import sqlalchemy as sa
from alembic import op

revision = '0019_bookings'
down_revision = '0018_missing_documents'
branch_labels = None
depends_on = None

_STATUSES = ('pending', 'confirmed', 'cancelled', 'checked_in', 'no_show')


def upgrade() -> None:
    # Plain ADD COLUMN: batch mode would copy the tables and drop their triggers.
    op.add_column('offices', sa.Column('booking', sa.JSON(), nullable=True))
    op.add_column('services', sa.Column('booking_capacity', sa.Integer(), server_default='0',
                                        nullable=False))
    op.add_column('tickets', sa.Column('booking_code', sa.String(length=16), nullable=True))
    op.add_column('tickets', sa.Column('booking_late', sa.Boolean(), server_default='0',
                                       nullable=False))
    op.create_table(
        'bookings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=16), nullable=False),
        sa.Column('hold_id', sa.String(length=43), nullable=False),
        sa.Column('office_id', sa.Integer(), nullable=False),
        sa.Column('service_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('starts_at', sa.DateTime(), nullable=False),
        sa.Column('ends_at', sa.DateTime(), nullable=False),
        sa.Column('phone', sa.String(length=20), nullable=True),
        sa.Column('status', sa.Enum(*_STATUSES, name='bookingstatus', native_enum=False,
                                    length=20), nullable=False),
        sa.Column('otp_hash', sa.String(length=64), nullable=False),
        sa.Column('otp_expires_at', sa.DateTime(), nullable=False),
        sa.Column('otp_attempts', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('confirmed_at', sa.DateTime(), nullable=True),
        sa.Column('cancelled_at', sa.DateTime(), nullable=True),
        sa.Column('checked_in_at', sa.DateTime(), nullable=True),
        sa.Column('ticket_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['office_id'], ['offices.id'],
                                name=op.f('fk_bookings_office_id_offices')),
        sa.ForeignKeyConstraint(['service_id'], ['services.id'],
                                name=op.f('fk_bookings_service_id_services')),
        sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'],
                                name=op.f('fk_bookings_ticket_id_tickets')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_bookings')),
        sa.UniqueConstraint('code', name=op.f('uq_bookings_code')),
        sa.UniqueConstraint('hold_id', name=op.f('uq_bookings_hold_id')),
    )
    op.create_index('ix_bookings_slot', 'bookings', ['service_id', 'starts_at'])
    op.create_index('ix_bookings_office_day', 'bookings', ['office_id', 'day'])
    op.create_index(op.f('ix_bookings_phone'), 'bookings', ['phone'])


def downgrade() -> None:
    op.drop_table('bookings')
    op.drop_column('tickets', 'booking_late')
    op.drop_column('tickets', 'booking_code')
    op.drop_column('services', 'booking_capacity')
    op.drop_column('offices', 'booking')
